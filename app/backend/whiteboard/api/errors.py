"""Every REST error in the protocol's shape: ``{"detail": {"code", "message"}}``."""

from collections.abc import Mapping

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from whiteboard.api.headers import SECURITY_HEADERS

log = structlog.get_logger(__name__)

# Codes for the errors the framework raises by itself.
CODES_BY_STATUS = {
    400: "bad_message",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    429: "rate_limited",
}


def protocol_error(
    status: int, code: str, message: str, headers: Mapping[str, str] | None = None
) -> JSONResponse:
    """A JSON error response in the protocol's shape."""
    detail = {"code": code, "message": message}
    return JSONResponse({"detail": detail}, status_code=status, headers=headers)


async def http_error(request: Request, exc: Exception) -> JSONResponse:
    """Errors raised by routes (already shaped) or by the framework (shaped here)."""
    assert isinstance(exc, HTTPException)
    if isinstance(exc.detail, dict) and "code" in exc.detail:
        return JSONResponse(
            {"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers
        )
    if exc.status_code == 400 and exc.__cause__ is not None:
        # The body could not be read as JSON (nested too deeply, for one).
        return protocol_error(422, "bad_json", "the body must be one JSON value")
    code = CODES_BY_STATUS.get(exc.status_code, "error")
    return protocol_error(exc.status_code, code, str(exc.detail), exc.headers)


async def invalid_request(request: Request, exc: Exception) -> JSONResponse:
    """Answer invalid bodies in the protocol's error shape."""
    assert isinstance(exc, RequestValidationError)
    errors = exc.errors()
    first = errors[0] if errors else {"loc": (), "msg": "invalid request"}
    where = ".".join(str(part) for part in first["loc"])
    code = "bad_json" if first.get("type") == "json_invalid" else "bad_message"
    return protocol_error(422, code, f"{where}: {first['msg']}")


async def internal_error(request: Request, exc: Exception) -> JSONResponse:
    """An unexpected failure: a protocol-shaped 500 (the traceback goes to the log)."""
    log.error("request failed", path=request.url.path, error=type(exc).__name__)
    message = "the server could not answer this request"
    return protocol_error(500, "internal", message, dict(SECURITY_HEADERS))


def add_error_handlers(app: FastAPI) -> None:
    """Install the handlers that give every error the protocol's shape."""
    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(RequestValidationError, invalid_request)
    app.add_exception_handler(Exception, internal_error)
