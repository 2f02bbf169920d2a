"""Screens of the staff UI, one per file."""
