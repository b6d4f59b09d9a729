"""PDF documents rendered from plain summary dataclasses; reports never query the database."""
