"""SIGTERM: clients are told to reconnect, pending writes finish, the process exits."""

import signal
from pathlib import Path

import asyncpg
import pytest
from backend_client import Client, add, create_board, rect
from backend_servers import Server
from conftest import SHARED_SETTINGS, ServerFactory

pytestmark = pytest.mark.asyncio


async def stored_seq(database_env: dict[str, str], board_id: str) -> int:
    """A board's sequence number, read straight from the database."""
    conn = await asyncpg.connect(
        host=database_env["DATABASE_HOST"],
        port=int(database_env["DATABASE_PORT"]),
        user=database_env["DATABASE_USER"],
        database=database_env["DATABASE_NAME"],
    )
    try:
        return int(
            await conn.fetchval("SELECT seq FROM boards WHERE id = $1", board_id)
        )
    finally:
        await conn.close()


async def test_sigterm_sends_reconnect_and_keeps_acknowledged_ops(
    start_server: ServerFactory, database_env: dict[str, str]
) -> None:
    stopping = start_server(shutdown_grace_seconds="6")
    board = create_board(stopping.url)
    client = await Client.open(stopping.ws_url(board["id"]))
    await client.join(board["edit_token"])
    results = await client.operate(*(add(f"o{i}", rect(f"r{i}")) for i in range(20)))

    stopping.terminate()
    reconnect = await client.receive_type("reconnect")
    await client.connection.wait_closed()

    assert 0 <= reconnect["after_ms"] <= 5000
    assert client.close_code == 1012
    # uvicorn re-raises the signal once shut down; the guard would exit with 1.
    assert stopping.wait(timeout=6) in (0, -signal.SIGTERM)
    assert '"event": "stopped"' in stopping.logs()
    assert all(result["status"] == "applied" for result in results)
    stored = await stored_seq(database_env, board["id"])
    assert stored == 20


async def test_client_moves_to_another_instance_and_catches_up(
    server: Server, tmp_path: Path
) -> None:
    staying = server
    database_env = {k: v for k, v in server.env.items() if k.startswith("DATABASE_")}
    stopping = Server(database_env, tmp_path, **SHARED_SETTINGS).start().wait_ready()
    board = create_board(stopping.url)
    mover = await Client.open(stopping.ws_url(board["id"]))
    await mover.join(board["edit_token"])
    await mover.operate(add("before", rect("r1")))
    other = await Client.open(staying.ws_url(board["id"]))
    await other.join(board["edit_token"])

    stopping.terminate()
    await mover.receive_type("reconnect")
    await other.operate(add("while-away", rect("r2")))
    back = await Client.open(staying.ws_url(board["id"]))
    await back.join(board["edit_token"], last_seq=1)

    replay = await back.receive_type("ops")
    assert [op["op_id"] for op in replay["ops"]] == ["while-away"]
    await other.close()
    await back.close()
    stopping.stop()
