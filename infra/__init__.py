"""What every chot component stands on: the MQTT broker link and its topic and wire
contract, config loading, durable SQLite files, retry backoff (docs/architecture.md)."""
