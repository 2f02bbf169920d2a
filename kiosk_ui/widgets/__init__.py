"""Widgets of the staff screen, one per file."""
