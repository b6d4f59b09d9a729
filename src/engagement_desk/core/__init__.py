"""Pure logic with no I/O: ticket codes, scoring, suppression, validation."""
