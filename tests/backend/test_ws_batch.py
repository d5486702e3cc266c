"""Clients that join with ``batch`` get several messages per frame, in order."""

import asyncio
import json
from typing import Any

import pytest
from backend_client import Client, add, create_board, rect
from conftest import ServerFactory

pytestmark = pytest.mark.asyncio

# Long enough that strokes sent back to back share one frame.
SLOW_RELAY = {"batch_frame_ms": "400"}


async def joined(url: str, token: str, batch: bool) -> Client:
    """A client that has the board (the welcome and snapshot may share a frame)."""
    client = await Client.open(url)
    join = {"type": "join", "token": token, "last_seq": None, "batch": batch}
    await client.send(join)
    kinds: list[str] = []
    while "snapshot" not in kinds:
        frame = json.loads(await asyncio.wait_for(client.connection.recv(), 10))
        inner = frame["messages"] if frame["type"] == "batch" else [frame]
        kinds += [message["type"] for message in inner]
    assert kinds == ["welcome", "snapshot"]
    return client


async def frames_until(client: Client, strokes: int) -> list[dict[str, Any]]:
    """Raw frames until ``strokes`` stroke messages have arrived in them."""
    frames: list[dict[str, Any]] = []
    seen = 0
    while seen < strokes:
        text = await asyncio.wait_for(client.connection.recv(), 10)
        frame = json.loads(text)
        frames.append(frame)
        inner = frame["messages"] if frame["type"] == "batch" else [frame]
        seen += sum(1 for message in inner if message["type"] == "stroke")
    return frames


async def send_strokes(client: Client, count: int) -> None:
    for number in range(count):
        points = [[float(number), 0.0, 0.5]]
        await client.send({"type": "stroke", "stroke_id": "s1", "points": points})


async def test_live_strokes_of_one_interval_arrive_in_one_batch_frame_in_order(
    start_server: ServerFactory,
) -> None:
    server = start_server(**SLOW_RELAY)
    board = create_board(server.url)
    url, token = server.ws_url(board["id"]), board["edit_token"]
    watcher = await joined(url, token, batch=True)
    drawer = await joined(url, token, batch=False)

    await send_strokes(drawer, 3)
    frames = await frames_until(watcher, 3)

    assert [frame["type"] for frame in frames] == ["batch"]
    firsts = [message["points"][0][0] for message in frames[0]["messages"]]
    assert firsts == [0.0, 1.0, 2.0]


async def test_client_without_batch_gets_one_frame_per_message(
    start_server: ServerFactory,
) -> None:
    server = start_server(**SLOW_RELAY)
    board = create_board(server.url)
    url, token = server.ws_url(board["id"]), board["edit_token"]
    watcher = await joined(url, token, batch=False)
    drawer = await joined(url, token, batch=True)

    await send_strokes(drawer, 3)
    frames = await frames_until(watcher, 3)

    assert [frame["type"] for frame in frames] == ["stroke"] * 3


async def test_operations_reach_batching_and_plain_clients_alike(
    start_server: ServerFactory,
) -> None:
    server = start_server()
    board = create_board(server.url)
    url, token = server.ws_url(board["id"]), board["edit_token"]
    batching = await joined(url, token, batch=True)
    plain = await joined(url, token, batch=False)

    results = await plain.operate(add("o1", rect("r1")), add("o2", rect("r2")))
    assert [result["status"] for result in results] == ["applied", "applied"]

    received: list[str] = []
    while len(received) < 2:
        frame = json.loads(await asyncio.wait_for(batching.connection.recv(), 10))
        inner = frame["messages"] if frame["type"] == "batch" else [frame]
        for message in inner:
            if message["type"] == "ops":
                received += [op["op_id"] for op in message["ops"]]
    assert received == ["o1", "o2"]
