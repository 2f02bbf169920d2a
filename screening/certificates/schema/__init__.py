"""The vendored EU DCC JSON schema, shipped as package data (see README.md here)."""
