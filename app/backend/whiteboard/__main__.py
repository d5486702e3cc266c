"""``python -m whiteboard``: serve on PORT (see whiteboard.server)."""

from whiteboard.server import run

run()
