"""Request, response and message shapes (docs/protocol.md)."""
