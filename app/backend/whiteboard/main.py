"""The ASGI app: ``whiteboard.main:app``."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from whiteboard.api import boards, health, ws
from whiteboard.api.body_limit import BodyLimit
from whiteboard.api.errors import add_error_handlers
from whiteboard.api.headers import SecurityHeaders
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


def create_app() -> FastAPI:
    """Build the app with every route."""
    app = FastAPI(title="whiteboard", lifespan=lifespan)
    app.state.services = None
    add_error_handlers(app)
    app.add_middleware(BodyLimit)
    app.add_middleware(SecurityHeaders)
    app.include_router(health.router)
    app.include_router(boards.router)
    app.include_router(ws.router)
    return app


app = create_app()
