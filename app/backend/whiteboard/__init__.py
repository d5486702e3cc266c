"""The whiteboard backend: boards on PostgreSQL, shared in real time."""
