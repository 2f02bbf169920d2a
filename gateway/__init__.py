"""Durable store-and-forward relay from a post's kiosks to the provincial MQTT broker."""
