"""Schema migrations: the stored stack order and JSON text, up and down."""

import json

import asyncpg
import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import Connection
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool
from whiteboard.db import MIGRATIONS_DIR

pytestmark = pytest.mark.asyncio

STACK_INDEX = "elements_stack_order"


def dsn(database_env: dict[str, str]) -> str:
    """A connection string for the test's database."""
    host, port = database_env["DATABASE_HOST"], database_env["DATABASE_PORT"]
    user, name = database_env["DATABASE_USER"], database_env["DATABASE_NAME"]
    return f"postgresql://{user}@{host}:{port}/{name}"


async def migrate(database_env: dict[str, str], direction: str, revision: str) -> None:
    """Upgrade or downgrade the test's database to ``revision``."""

    def run(connection: Connection) -> None:
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS_DIR))
        config.attributes["connection"] = connection
        getattr(command, direction)(config, revision)

    url = dsn(database_env).replace("postgresql://", "postgresql+asyncpg://")
    engine = create_async_engine(url, poolclass=NullPool)
    try:
        async with engine.connect() as conn:
            await conn.run_sync(run)
            await conn.commit()
    finally:
        await engine.dispose()


async def element_columns(conn: asyncpg.Connection) -> set[str]:
    """The names of the elements table's columns."""
    rows = await conn.fetch(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_name = 'elements'"
    )
    return {row["column_name"] for row in rows}


async def test_stack_order_migration_fills_existing_rows_and_reverts(
    database_env: dict[str, str],
) -> None:
    await migrate(database_env, "upgrade", "0002")
    conn = await asyncpg.connect(dsn(database_env))
    body = {"id": "r1", "type": "rect", "z": 2.5, "text": 'a "quoted" note'}
    await conn.execute("INSERT INTO boards (id, name) VALUES ('b1', 'Board')")
    await conn.execute(
        "INSERT INTO elements (board_id, id, body) VALUES "
        "('b1', 'r1', $1::jsonb), ('b1', 'gone', NULL)",
        json.dumps(body),
    )

    await migrate(database_env, "upgrade", "0003")
    stored = await conn.fetch("SELECT id, z, body_text FROM elements ORDER BY id")
    index = await conn.fetchval("SELECT to_regclass($1)::text", STACK_INDEX)

    assert [(row["id"], row["z"]) for row in stored] == [("gone", None), ("r1", 2.5)]
    assert stored[0]["body_text"] is None
    assert json.loads(stored[1]["body_text"]) == body
    assert index == STACK_INDEX

    await migrate(database_env, "downgrade", "0002")

    assert {"z", "body_text"}.isdisjoint(await element_columns(conn))
    assert await conn.fetchval("SELECT to_regclass($1)", STACK_INDEX) is None
    assert await conn.fetchval("SELECT count(*) FROM elements") == 2
    await conn.close()


async def test_stored_columns_follow_every_write_of_the_body(
    database_env: dict[str, str],
) -> None:
    await migrate(database_env, "upgrade", "head")
    conn = await asyncpg.connect(dsn(database_env))
    await conn.execute("INSERT INTO boards (id, name) VALUES ('b1', 'Board')")
    await conn.execute(
        "INSERT INTO elements (board_id, id, body) VALUES ('b1', 'r1', $1::jsonb)",
        json.dumps({"id": "r1", "z": 1}),
    )

    await conn.execute(
        "UPDATE elements SET body = $1::jsonb WHERE id = 'r1'",
        json.dumps({"id": "r1", "z": -4.75}),
    )
    moved = await conn.fetchrow("SELECT z, body_text FROM elements")
    await conn.execute("UPDATE elements SET body = NULL WHERE id = 'r1'")
    deleted = await conn.fetchrow("SELECT z, body_text FROM elements")

    assert moved["z"] == -4.75
    assert json.loads(moved["body_text"]) == {"id": "r1", "z": -4.75}
    assert (deleted["z"], deleted["body_text"]) == (None, None)
    await conn.close()
