"""Bringing an instance up (database, migrations, fan-out) and down (drain)."""

import asyncio

import asyncpg
import structlog
from fastapi import FastAPI
from sqlalchemy.exc import SQLAlchemyError

from whiteboard.config import Settings
from whiteboard.db import Database, migrate
from whiteboard.links import LinkSigner
from whiteboard.realtime.hub import Hub
from whiteboard.realtime.live import LiveRelay
from whiteboard.realtime.writer import BoardWriters
from whiteboard.services import Services

log = structlog.get_logger(__name__)

RETRY_SECONDS = 2.0
# Clients are told to come back within this spread, so they don't all return at once.
RECONNECT_SPREAD_MS = 5_000


async def bring_up(app: FastAPI, settings: Settings) -> None:
    """Migrate and connect, retrying until the database answers; then serve."""
    while True:
        db = None
        try:
            await migrate(settings)
            db = await Database.open(settings)
            hub = Hub(settings, db)
            await hub.start()
            break
        except (OSError, asyncpg.PostgresError, SQLAlchemyError) as error:
            log.warning("database not ready", error=str(error))
            if db is not None:
                await db.close()
            await asyncio.sleep(RETRY_SECONDS)

    relay = LiveRelay(
        hub.notify, settings.batch_frame_ms / 1000, settings.presence_interval_ms / 1000
    )
    relay.start()
    signer = LinkSigner(settings.signing_keys)
    writers = BoardWriters(db.writer, settings)
    app.state.services = Services(settings, db, hub, relay, writers, signer)
    log.info("ready", pool_size=settings.database_pool_size)


async def drain(app: FastAPI, timeout_seconds: float) -> None:
    """Ask clients to reconnect elsewhere and wait for their sessions to end."""
    services: Services | None = app.state.services
    if services is None or services.hub.draining:
        return
    spread_ms = min(RECONNECT_SPREAD_MS, int(timeout_seconds * 500))
    log.info("draining", connections=services.hub.connection_count)
    try:
        await asyncio.wait_for(services.hub.drain(spread_ms), timeout_seconds)
    except TimeoutError:
        log.warning("drain timed out", connections=services.hub.connection_count)


async def shut_down(app: FastAPI, timeout_seconds: float) -> None:
    """Send what is queued and close every database connection."""
    services: Services | None = app.state.services
    if services is None:
        return
    await drain(app, timeout_seconds / 2)
    try:
        await asyncio.wait_for(services.writers.stop(), timeout_seconds / 8)
    except TimeoutError:
        log.warning("board writes cut short at shutdown")
    try:
        await asyncio.wait_for(services.relay.stop(), timeout_seconds / 4)
    except (TimeoutError, OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as x:
        log.warning("live messages dropped at shutdown", error=str(x))
    await services.hub.stop()
    try:
        await asyncio.wait_for(services.db.close(), timeout_seconds / 4)
    except TimeoutError:
        log.warning("database pools closed forcibly")
        services.db.terminate()
    log.info("stopped")
