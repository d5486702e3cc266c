"""Connections to PostgreSQL: the writer pool, optional replica pools, migrations."""

import itertools
from pathlib import Path
from typing import Any

import asyncpg
import structlog
from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import URL, Connection, text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from whiteboard.config import Settings
from whiteboard.store import init_connection

log = structlog.get_logger(__name__)

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
# Shown in pg_stat_activity, so the connections of the backend can be told apart.
APPLICATION_NAME = "whiteboard"
# Any fixed number shared by every instance; it names the migration lock.
MIGRATION_LOCK_KEY = 0x57_48_49_54_45_42_44


def connect_kwargs(settings: Settings, host: str | None = None) -> dict[str, Any]:
    """asyncpg connection arguments for the writer, or for a replica ``host``."""
    return {
        "host": host or settings.database_host,
        "port": settings.database_port,
        "database": settings.database_name,
        "user": settings.database_user,
        "password": settings.database_password.get_secret_value() or None,
        "ssl": settings.database_sslmode,
        "server_settings": {"application_name": APPLICATION_NAME},
    }


class Database:
    """The writer pool (DATABASE_POOL_SIZE connections) and replica pools, if any."""

    def __init__(self, writer: asyncpg.Pool, readers: list[asyncpg.Pool]) -> None:
        self.writer = writer
        self.readers = readers
        self._next_reader = itertools.cycle(readers or [writer])

    @classmethod
    async def open(cls, settings: Settings) -> "Database":
        """Open the pools; replicas get their own pools of the same size."""
        size = settings.database_pool_size
        writer = await asyncpg.create_pool(
            **connect_kwargs(settings),
            min_size=min(2, size),
            max_size=size,
            init=init_connection,
        )
        readers = [
            await asyncpg.create_pool(
                **connect_kwargs(settings, host),
                min_size=1,
                max_size=size,
                init=init_connection,
            )
            for host in settings.database_reader_hosts
        ]
        return cls(writer, readers)

    def reader(self) -> asyncpg.Pool:
        """A pool for reads that tolerate replica lag (round-robin over replicas)."""
        return next(self._next_reader)

    def terminate(self) -> None:
        """Close every connection at once."""
        for pool in [self.writer, *self.readers]:
            pool.terminate()

    async def close(self) -> None:
        """Close every pool, waiting for connections in use."""
        for pool in [self.writer, *self.readers]:
            await pool.close()

    async def migrations_applied(self) -> bool:
        """Whether the writer's schema is at the newest migration."""
        async with self.writer.acquire(timeout=2) as conn:
            current = await conn.fetchval(
                "SELECT version_num FROM alembic_version LIMIT 1", timeout=2
            )
        return bool(current == head_revision())


def head_revision() -> str | None:
    """The newest migration shipped with this code."""
    return ScriptDirectory.from_config(_alembic_config()).get_current_head()


async def migrate(settings: Settings) -> None:
    """Upgrade the schema to head under an advisory lock: one instance at a time."""
    url = URL.create(
        "postgresql+asyncpg",
        username=settings.database_user,
        password=settings.database_password.get_secret_value() or None,
        host=settings.database_host,
        port=settings.database_port,
        database=settings.database_name,
    )
    engine = create_async_engine(
        url,
        poolclass=NullPool,
        connect_args={
            "ssl": settings.database_sslmode,
            "server_settings": {"application_name": APPLICATION_NAME},
        },
    )
    try:
        async with engine.connect() as conn:
            lock = {"key": MIGRATION_LOCK_KEY}
            await conn.execute(text("SELECT pg_advisory_lock(:key)"), lock)
            await conn.commit()
            try:
                await conn.run_sync(_upgrade)
                await conn.commit()
            finally:
                await conn.execute(text("SELECT pg_advisory_unlock(:key)"), lock)
                await conn.commit()
    finally:
        await engine.dispose()
    log.info("migrations applied", revision=head_revision())


def _alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def _upgrade(connection: Connection) -> None:
    config = _alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, "head")
