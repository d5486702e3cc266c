"""Request bodies above MAX_MESSAGE_BYTES are refused while they arrive.

Counting the bytes received, rather than trusting Content-Length, also covers a
chunked body of unknown length: its reading stops as soon as it is too large.
"""

from fastapi import HTTPException
from fastapi.responses import JSONResponse
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from whiteboard.config import get_settings


def too_large(limit: int) -> dict[str, str]:
    """The protocol's error detail for a body above ``limit`` bytes."""
    return {"code": "too_large", "message": f"a request body is at most {limit} bytes"}


class BodyLimit:
    """ASGI middleware that answers 413 ``too_large`` to oversized request bodies."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on, counting its body's bytes as they are read."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        limit = get_settings().max_message_bytes
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            response = JSONResponse({"detail": too_large(limit)}, status_code=413)
            await response(scope, receive, send)
            return

        received = 0

        async def counted_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    # Raised while the route reads its body; answered as a 413.
                    raise HTTPException(413, detail=too_large(limit))
            return message

        await self.app(scope, counted_receive, send)
