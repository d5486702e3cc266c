"""The ASGI app: ``whiteboard.main:app``."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from whiteboard.api import boards, health, ws
from whiteboard.api.body_limit import BodyLimit
from whiteboard.config import get_settings
from whiteboard.lifecycle import bring_up, shut_down
from whiteboard.logs import configure_logging


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Connect in the background (so /healthz answers at once); drain at the end."""
    settings = get_settings()
    configure_logging(settings.log_level)
    app.state.services = None
    starting = asyncio.create_task(bring_up(app, settings))
    yield
    starting.cancel()
    await asyncio.gather(starting, return_exceptions=True)
    await shut_down(app, settings.shutdown_grace_seconds / 2)


async def invalid_request(request: Request, exc: Exception) -> JSONResponse:
    """Answer invalid bodies in the protocol's error shape."""
    assert isinstance(exc, RequestValidationError)
    errors = exc.errors()
    first = errors[0] if errors else {"loc": (), "msg": "invalid request"}
    where = ".".join(str(part) for part in first["loc"])
    detail = {"code": "bad_message", "message": f"{where}: {first['msg']}"}
    return JSONResponse({"detail": detail}, status_code=422)


def create_app() -> FastAPI:
    """Build the app with every route."""
    app = FastAPI(title="whiteboard", lifespan=lifespan)
    app.state.services = None
    app.add_exception_handler(RequestValidationError, invalid_request)
    app.add_middleware(BodyLimit)
    app.include_router(health.router)
    app.include_router(boards.router)
    app.include_router(ws.router)
    return app


app = create_app()
