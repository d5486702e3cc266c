"""Turning a WebSocket frame into a checked client message, or a refusal."""

import json

from pydantic import ValidationError

from whiteboard.realtime.apply import describe
from whiteboard.realtime.messages import (
    CLIENT_MESSAGE,
    KNOWN_TYPES,
    Cursor,
    Join,
    Ops,
    Ping,
    Stroke,
)

ClientMessage = Join | Ops | Stroke | Cursor | Ping


class Refused(Exception):
    """A client message the server will not act on, with the protocol's code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def parse_message(text: str | None, max_bytes: int) -> ClientMessage:
    """The message in a text frame; Refused when it is too big or malformed."""
    if text is None:
        raise Refused("bad_message", "messages are JSON text frames")
    if len(text) > max_bytes or len(text.encode()) > max_bytes:
        raise Refused("too_large", f"a message is at most {max_bytes} bytes")
    try:
        raw = json.loads(text)
    except ValueError:
        raise Refused("bad_json", "a message must be one JSON object") from None
    if not isinstance(raw, dict) or raw.get("type") not in KNOWN_TYPES:
        raise Refused("bad_message", "unknown message type")
    try:
        return CLIENT_MESSAGE.validate_python(raw)
    except ValidationError as error:
        raise Refused("bad_message", describe(error)) from None
