"""Turning a WebSocket frame into a checked client message, or a refusal."""

import json
from typing import Any

from pydantic import ValidationError

from whiteboard.realtime.apply import describe
from whiteboard.realtime.messages import (
    CLIENT_MESSAGE,
    KNOWN_TYPES,
    OP,
    AddOp,
    Cursor,
    DeleteOp,
    Join,
    Ops,
    Ping,
    Stroke,
    UpdateOp,
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
    except RecursionError:
        raise Refused("bad_json", "a message is nested too deeply") from None
    if not isinstance(raw, dict) or raw.get("type") not in KNOWN_TYPES:
        raise Refused("bad_message", "unknown message type")
    try:
        return CLIENT_MESSAGE.validate_python(raw)
    except ValidationError as error:
        raise Refused("bad_message", describe(error)) from None


def parse_ops(
    raw_ops: list[dict[str, Any]],
) -> tuple[list[AddOp | UpdateOp | DeleteOp], list[dict[str, Any] | None]]:
    """The valid operations, and a result per operation: None for a valid one (to be
    filled in once applied), a rejection for an invalid one.

    A batch with an operation lacking an ``op_id`` is refused whole: there would be
    nothing to acknowledge it by.
    """
    valid: list[AddOp | UpdateOp | DeleteOp] = []
    results: list[dict[str, Any] | None] = []
    for raw in raw_ops:
        if not isinstance(raw.get("op_id"), str):
            raise Refused("bad_message", "every operation needs an op_id")
        try:
            valid.append(OP.validate_python(raw))
            results.append(None)
        except ValidationError as error:
            rejected = {"op_id": raw["op_id"], "status": "rejected"}
            rejected |= {"code": "bad_message", "message": describe(error)}
            results.append(rejected)
    return valid, results
