"""chot: checkpoint kiosk system command line."""
