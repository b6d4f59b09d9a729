"""Qt widgets, item models and workers. The only layer that imports Qt."""
