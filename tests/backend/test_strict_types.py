"""Protocol fields have exact types: nothing is converted from another type."""

import pytest
from backend_client import Client, add, create_board, rect
from backend_servers import Server

pytestmark = pytest.mark.asyncio


async def editor(server: Server) -> Client:
    """A client joined to a fresh board with the edit link."""
    board = create_board(server.url)
    client = await Client.open(server.ws_url(board["id"]))
    await client.join(board["edit_token"])
    await client.receive_type("snapshot")
    return client


async def test_wrongly_typed_element_fields_are_rejected_not_coerced(
    server: Server,
) -> None:
    client = await editor(server)

    results = await client.operate(
        add("text-x", {**rect("r1"), "x": "10"}),
        add("bool-w", {**rect("r2"), "w": True}),
        add("ok", rect("r3")),
    )

    assert [r["status"] for r in results] == ["rejected", "rejected", "applied"]
    await client.close()


async def test_wrongly_typed_join_fields_are_refused_not_coerced(
    server: Server,
) -> None:
    board = create_board(server.url)
    client = await Client.open(server.ws_url(board["id"]))
    token = board["view_token"]

    await client.send({"type": "join", "token": token, "last_seq": "0"})
    seq_error = await client.receive_type("error")
    await client.send({"type": "join", "token": token, "batch": "yes"})
    batch_error = await client.receive_type("error")

    assert (seq_error["code"], batch_error["code"]) == ("bad_message", "bad_message")
    assert (await client.join(token))["role"] == "view"
    await client.close()


async def test_negative_width_or_height_is_rejected(server: Server) -> None:
    client = await editor(server)

    results = await client.operate(
        add("neg-w", {**rect("r1"), "w": -5}), add("neg-h", {**rect("r2"), "h": -1})
    )

    assert [r["status"] for r in results] == ["rejected", "rejected"]
    await client.close()


async def test_pressure_out_of_range_is_named_in_the_refusal(server: Server) -> None:
    client = await editor(server)
    stroke = {"id": "s1", "type": "stroke", "points": [[0, 0, 5], [1, 1, 0.5]]}

    results = await client.operate(add("heavy", stroke))

    assert results[0]["status"] == "rejected"
    assert "pressure" in results[0]["message"]
    await client.close()
