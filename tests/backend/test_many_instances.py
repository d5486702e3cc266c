"""Several instances on one database: fan-out, start-up, key rotation."""

import asyncio

import asyncpg
import httpx
import psutil
import pytest
from backend_client import Client, add, bearer, create_board, rect, update
from backend_servers import Server
from conftest import ServerFactory
from whiteboard.links import LinkSigner

pytestmark = pytest.mark.asyncio


async def joined(server: Server, token: str, board_id: str) -> Client:
    """A client joined to a board on ``server``."""
    client = await Client.open(server.ws_url(board_id))
    await client.join(token)
    await client.receive_type("snapshot")
    return client


async def test_clients_on_two_instances_see_each_others_changes(
    pair: tuple[Server, Server],
) -> None:
    first, second = pair
    board = create_board(first.url)
    alice = await joined(first, board["edit_token"], board["id"])
    bob = await joined(second, board["edit_token"], board["id"])

    await alice.operate(add("from-alice", rect("a")))
    await bob.operate(add("from-bob", rect("b")))
    seen_by_alice, seen_by_bob = await alice.ops_until(2), await bob.ops_until(2)

    assert [op["op_id"] for op in seen_by_alice] == ["from-alice", "from-bob"]
    assert [op["op_id"] for op in seen_by_bob] == ["from-alice", "from-bob"]

    await bob.send({"type": "cursor", "x": 3, "y": 4})
    assert (await alice.receive_type("presence"))["x"] == 3
    await alice.close()
    await bob.close()


async def test_large_batch_crosses_instances_by_pointer(
    pair: tuple[Server, Server],
) -> None:
    first, second = pair
    board = create_board(first.url)
    writer = await joined(first, board["edit_token"], board["id"])
    reader = await joined(second, board["view_token"], board["id"])
    text = "plain words " * 200
    notes = [
        add(f"n{i}", {**rect(f"n{i}"), "type": "sticky", "text": text})
        for i in range(10)
    ]

    results = await writer.operate(*notes)
    seen = await reader.ops_until(10)

    assert all(result["status"] == "applied" for result in results)
    assert [op["seq"] for op in seen] == list(range(1, 11))
    assert seen[-1]["element"]["text"] == text
    metrics = httpx.get(f"{second.url}/metrics").text
    assert 'whiteboard_notifications_total{channel="ops",form="pointer"}' in metrics
    await writer.close()
    await reader.close()


async def test_instances_starting_together_migrate_once(
    start_server: ServerFactory,
) -> None:
    servers = [start_server(wait=False) for _ in range(2)]

    await asyncio.gather(*(asyncio.to_thread(s.wait_ready) for s in servers))

    upgraded = [server for server in servers if "Running upgrade" in server.logs()]
    assert len(upgraded) == 1
    boards = [create_board(server.url) for server in servers]
    assert len({board["id"] for board in boards}) == 2


async def test_rotated_secret_key_keeps_old_links_working(
    server: Server,
) -> None:
    rotated = server
    board = create_board(rotated.url)
    signed_before = LinkSigner(["key-one"]).token(board["id"], "view", 1)
    signed_elsewhere = LinkSigner(["key-three"]).token(board["id"], "view", 1)
    url = f"{rotated.url}/api/boards/{board['id']}"

    assert httpx.get(url, headers=bearer(signed_before)).status_code == 200
    assert httpx.get(url, headers=bearer(signed_elsewhere)).status_code == 401
    assert LinkSigner(["key-two"]).verify(board["view_token"]) is not None


async def test_instance_stays_within_its_connection_budget(
    server: Server,
) -> None:
    database_env = server.env
    board = create_board(server.url)
    clients = [await joined(server, board["edit_token"], board["id"]) for _ in range(6)]

    await asyncio.gather(
        *(
            client.operate(*(add(f"c{n}-{i}", rect(f"c{n}-{i}")) for i in range(5)))
            for n, client in enumerate(clients)
        ),
        *(client.send({"type": "cursor", "x": 1, "y": 1}) for client in clients),
    )
    # Count this process's TCP connections to PostgreSQL (its partner shares the
    # database, so pg_stat_activity alone cannot tell them apart).
    assert server.process is not None
    postgres_port = int(database_env["DATABASE_PORT"])
    used = sum(
        1
        for connection in psutil.Process(server.process.pid).net_connections("tcp")
        if connection.raddr and connection.raddr.port == postgres_port
    )

    assert 2 <= used <= 3  # the pool (2) and the listener
    for client in clients:
        await client.close()


async def test_changes_made_while_listener_was_down_still_arrive(
    pair: tuple[Server, Server],
) -> None:
    first, second = pair
    board = create_board(first.url)
    writer = await joined(first, board["edit_token"], board["id"])
    reader = await joined(second, board["view_token"], board["id"])
    database = second.env

    conn = await asyncpg.connect(
        host=database["DATABASE_HOST"],
        port=int(database["DATABASE_PORT"]),
        user=database["DATABASE_USER"],
        database=database["DATABASE_NAME"],
    )
    try:
        await conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE application_name = 'whiteboard-listener'"
        )
    finally:
        await conn.close()
    while httpx.get(f"{second.url}/readyz").status_code == 200:
        await asyncio.sleep(0.02)
    results = await writer.operate(add("during-gap", rect("g")))

    seen = await reader.ops_until(results[0]["seq"])
    assert [op["op_id"] for op in seen] == ["during-gap"]
    assert httpx.get(f"{second.url}/readyz").status_code == 200
    await writer.close()
    await reader.close()


async def test_op_resent_to_another_instance_is_answered_duplicate(
    pair: tuple[Server, Server],
) -> None:
    first, second = pair
    board = create_board(first.url)
    before = await joined(first, board["edit_token"], board["id"])
    applied = await before.operate(add("once-only", rect("r1")))
    await before.close()

    after = await joined(second, board["edit_token"], board["id"])
    again = await after.operate(add("once-only", rect("r1")))

    assert again == [{"op_id": "once-only", "status": "duplicate", "seq": 1}]
    assert applied[0]["seq"] == 1
    await after.close()


async def test_racing_writes_on_two_instances_are_all_applied_once_in_order(
    pair: tuple[Server, Server],
) -> None:
    first, second = pair
    board = create_board(first.url)
    token, board_id = board["edit_token"], board["id"]
    alice = await joined(first, token, board_id)
    bob = await joined(second, token, board_id)
    await alice.operate(add("start", rect("shared")))

    # Sent without waiting for acks, so both instances write the board at once.
    edits_a = [update(f"a{i}", "shared", x=i) for i in range(30)]
    edits_b = [update(f"b{i}", "shared", y=i) for i in range(30)]
    await asyncio.gather(
        *(alice.send({"type": "ops", "ops": [op]}) for op in edits_a),
        *(bob.send({"type": "ops", "ops": [op]}) for op in edits_b),
    )
    seen_a = [op for op in await alice.ops_until(61) if op["seq"] > 1]
    seen_b = [op for op in await bob.ops_until(61) if op["seq"] > 1]

    assert [op["seq"] for op in seen_a] == list(range(2, 62))
    assert [op["op_id"] for op in seen_a] == [op["op_id"] for op in seen_b]
    mine = [op["op_id"] for op in seen_a if op["op_id"].startswith("a")]
    assert mine == [f"a{i}" for i in range(30)]  # one client's order is kept
    final = seen_a[-1]["element"]
    assert final["version"] == 61
    assert (final["x"], final["y"]) == (29, 29)
    await alice.close()
    await bob.close()
