"""The provincial center's dashboard: a Textual app, also servable in a browser."""
