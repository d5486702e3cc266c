"""Command-line tools for delivering the whiteboard."""
