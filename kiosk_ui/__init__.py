"""Textual app for checkpoint staff."""
