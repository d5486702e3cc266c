"""Bad input over the WebSocket: refused with an error, the connection stays open."""

import httpx
import pytest
from backend_client import Client, add, bearer, create_board, rect
from backend_servers import Server
from conftest import Fleet
from websockets.exceptions import InvalidStatus

pytestmark = pytest.mark.asyncio


@pytest.fixture
def strict_server(fleet: Fleet) -> Server:
    """The shared server with small limits."""
    return fleet.strict


async def editor(server: Server) -> tuple[Client, dict]:
    """A fresh board and a client joined to it with the edit link."""
    board = create_board(server.url)
    client = await Client.open(server.ws_url(board["id"]))
    await client.join(board["edit_token"])
    await client.receive_type("snapshot")
    return client, board


async def refused_code(client: Client, message: dict | str) -> str:
    """Send ``message``; the error code it gets, after checking the socket is open."""
    await client.send(message)
    error = await client.receive_type("error")
    assert await client.is_alive()
    return str(error["code"])


async def test_malformed_json_is_refused_and_connection_stays_open(
    strict_server: Server,
) -> None:
    client, _ = await editor(strict_server)

    assert await refused_code(client, "{not json") == "bad_json"
    await client.close()


async def test_unknown_message_type_is_refused(strict_server: Server) -> None:
    client, _ = await editor(strict_server)

    assert await refused_code(client, {"type": "explode"}) == "bad_message"
    assert await refused_code(client, [1, 2]) == "bad_message"
    await client.close()


async def test_unknown_operation_kind_is_rejected(strict_server: Server) -> None:
    client, _ = await editor(strict_server)

    results = await client.operate({"op_id": "x", "kind": "merge", "element_id": "e"})

    assert results[0]["status"] == "rejected"
    assert results[0]["code"] == "bad_message"
    assert await client.is_alive()
    await client.close()


async def test_invalid_element_shape_is_rejected(strict_server: Server) -> None:
    client, _ = await editor(strict_server)
    line = {"id": "l1", "type": "line", "points": [[0, 0]], "z": 1}

    results = await client.operate(add("bad-line", line), add("ok", rect("r1")))

    assert results[0]["code"] == "bad_message"
    assert results[1]["status"] == "applied"
    await client.close()


async def test_oversized_message_is_refused_below_frame_limit(
    strict_server: Server,
) -> None:
    client, _ = await editor(strict_server)
    padding = "x" * 6000

    code = await refused_code(client, {"type": "ping", "padding": padding})

    assert code == "too_large"
    await client.close()


async def test_oversized_element_is_rejected(strict_server: Server) -> None:
    client, _ = await editor(strict_server)
    stroke = {"id": "s1", "type": "stroke", "points": [[i, i, 0.5] for i in range(80)]}

    results = await client.operate(add("big", stroke))

    assert results[0]["code"] == "too_large"
    await client.close()


async def test_batch_above_limit_is_refused(strict_server: Server) -> None:
    client, _ = await editor(strict_server)
    batch = [add(f"o{i}", rect(f"r{i}")) for i in range(6)]

    assert await refused_code(client, {"type": "ops", "ops": batch}) == "too_large"
    await client.close()


async def test_full_board_rejects_more_elements(strict_server: Server) -> None:
    client, _ = await editor(strict_server)

    results = await client.operate(*(add(f"o{i}", rect(f"r{i}")) for i in range(4)))

    assert [r["status"] for r in results[:3]] == ["applied"] * 3
    assert results[3]["code"] == "too_large"
    await client.close()


async def test_text_that_looks_like_markup_is_stored_as_typed(
    strict_server: Server,
) -> None:
    client, board = await editor(strict_server)
    box = {"type": "text", "x": 0, "y": 0, "w": 50, "h": 20}
    typed = ["<script>", "if a<b and c>d then", "<img src=x onerror=alert(1)>"]

    results = await client.operate(
        *(
            add(f"t{i}", {**box, "id": f"t{i}", "text": text, "z": i})
            for i, text in enumerate(typed)
        )
    )

    assert [r["status"] for r in results] == ["applied"] * 3
    snapshot = httpx.get(
        f"{strict_server.url}/api/boards/{board['id']}",
        headers=bearer(board["view_token"]),
    ).json()
    assert [e["text"] for e in snapshot["elements"]] == typed
    await client.close()


async def test_too_many_messages_are_rate_limited(strict_server: Server) -> None:
    client, _ = await editor(strict_server)
    bystander, _ = await editor(strict_server)

    for _ in range(20):
        await client.send({"type": "ping"})
    error = await client.receive_type("error")

    assert error["code"] == "rate_limited"
    assert await bystander.is_alive()
    await client.close()
    await bystander.close()


async def test_too_many_operations_are_rate_limited_whatever_the_messages(
    strict_server: Server,
) -> None:
    client, _ = await editor(strict_server)
    batches = [[add(f"o{b}{i}", rect(f"r{b}{i}")) for i in range(5)] for b in range(3)]

    for batch in batches:
        await client.send({"type": "ops", "ops": batch})
    error = await client.receive_type("error")

    assert error["code"] == "rate_limited"
    assert await client.is_alive()
    await client.close()


async def test_messages_before_join_are_refused(strict_server: Server) -> None:
    board = create_board(strict_server.url)
    client = await Client.open(strict_server.ws_url(board["id"]))

    await client.send({"type": "cursor", "x": 1, "y": 2})

    assert (await client.receive_type("error"))["code"] == "not_joined"
    await client.join(board["view_token"])
    await client.close()


async def test_bad_token_closes_with_policy_violation(strict_server: Server) -> None:
    board = create_board(strict_server.url)
    client = await Client.open(strict_server.ws_url(board["id"]))

    await client.send({"type": "join", "token": "forged.token"})

    assert (await client.receive())["code"] == "bad_token"
    await client.connection.wait_closed()
    assert client.close_code == 1008


async def test_frame_above_server_limit_closes_with_1009(strict_server: Server) -> None:
    client, _ = await editor(strict_server)

    await client.send("x" * 20_000)
    await client.connection.wait_closed()

    assert client.close_code == 1009


async def test_foreign_origin_is_refused(strict_server: Server) -> None:
    board = create_board(strict_server.url)

    with pytest.raises(InvalidStatus):
        await Client.open(strict_server.ws_url(board["id"]), "https://evil.example")
    local = await Client.open(
        strict_server.ws_url(board["id"]), "http://localhost:5173"
    )

    assert (await local.join(board["view_token"]))["role"] == "view"
    await local.close()


@pytest.fixture
def limited_server(fleet: Fleet) -> Server:
    """The shared server allowing two boards and two connections per minute."""
    return fleet.limited


async def test_connections_per_address_are_limited(limited_server: Server) -> None:
    board_id = "any-board-id"
    first = await Client.open(limited_server.ws_url(board_id))
    second = await Client.open(limited_server.ws_url(board_id))

    with pytest.raises(InvalidStatus):
        await Client.open(limited_server.ws_url(board_id))
    await first.close()
    await second.close()


async def test_board_creation_per_address_is_limited(limited_server: Server) -> None:
    create_board(limited_server.url)
    create_board(limited_server.url)

    response = httpx.post(f"{limited_server.url}/api/boards", json={"name": "third"})

    assert response.status_code == 429
    assert response.json()["detail"]["code"] == "rate_limited"
