"""The real app on a real X server, driven with real key presses."""
