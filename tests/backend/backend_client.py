"""A small WebSocket client and REST helpers speaking docs/protocol.md."""

import asyncio
import json
from typing import Any

import httpx
from websockets.asyncio.client import ClientConnection, connect

RECEIVE_TIMEOUT_SECONDS = 15.0


def create_board(base_url: str, name: str = "test board") -> dict[str, Any]:
    """POST /api/boards; the BoardCreated answer."""
    response = httpx.post(f"{base_url}/api/boards", json={"name": name}, timeout=10)
    assert response.status_code == 201, response.text
    return dict(response.json())


def bearer(token: str) -> dict[str, str]:
    """The Authorization header for a link token."""
    return {"Authorization": f"Bearer {token}"}


class Client:
    """One WebSocket connection to one board."""

    def __init__(self, connection: ClientConnection) -> None:
        self.connection = connection
        # Messages skipped by receive_type, kept in order for later calls.
        self.backlog: list[dict[str, Any]] = []

    @classmethod
    async def open(cls, url: str, origin: str | None = None) -> "Client":
        """Connect without joining."""
        headers = {"Origin": origin} if origin else None
        return cls(await connect(url, additional_headers=headers, max_size=None))

    async def send(self, message: dict[str, Any] | str) -> None:
        """Send a message (a dict as JSON, a str as is)."""
        text = message if isinstance(message, str) else json.dumps(message)
        await self.connection.send(text)

    async def receive(self) -> dict[str, Any]:
        """The next message (from the backlog first)."""
        if self.backlog:
            return self.backlog.pop(0)
        text = await asyncio.wait_for(self.connection.recv(), RECEIVE_TIMEOUT_SECONDS)
        return dict(json.loads(text))

    async def receive_type(self, kind: str) -> dict[str, Any]:
        """The next message of type ``kind``; others stay in the backlog."""
        for index, message in enumerate(self.backlog):
            if message["type"] == kind:
                return self.backlog.pop(index)
        while True:
            text = await asyncio.wait_for(
                self.connection.recv(), RECEIVE_TIMEOUT_SECONDS
            )
            message = dict(json.loads(text))
            if message["type"] == kind:
                return message
            self.backlog.append(message)

    async def join(
        self, token: str, last_seq: int | None = None, name: str = "tester"
    ) -> dict[str, Any]:
        """Join; the welcome message (the snapshot or replay follows)."""
        user = {"name": name, "color": "#336699"}
        await self.send(
            {"type": "join", "token": token, "last_seq": last_seq, "user": user}
        )
        return await self.receive_type("welcome")

    async def operate(self, *ops: dict[str, Any]) -> list[dict[str, Any]]:
        """Send one batch; the ack's results."""
        await self.send({"type": "ops", "ops": list(ops)})
        ack = await self.receive_type("ack")
        return list(ack["results"])

    async def ops_until(self, seq: int) -> list[dict[str, Any]]:
        """Applied operations received until ``seq`` is reached."""
        received: list[dict[str, Any]] = []
        while not received or received[-1]["seq"] < seq:
            received.extend((await self.receive_type("ops"))["ops"])
        return received

    async def is_alive(self) -> bool:
        """Whether the connection still answers a ping with pong."""
        await self.send({"type": "ping"})
        return (await self.receive_type("pong"))["type"] == "pong"

    async def close(self) -> None:
        """Close the connection."""
        await self.connection.close()

    @property
    def close_code(self) -> int | None:
        """The close code the server sent, once closed."""
        return self.connection.close_code


def rect(element_id: str, x: float = 0, z: float = 1) -> dict[str, Any]:
    """A rectangle element."""
    return {"id": element_id, "type": "rect", "x": x, "y": 0, "w": 10, "h": 10, "z": z}


def add(op_id: str, element: dict[str, Any]) -> dict[str, Any]:
    """An add operation."""
    return {"op_id": op_id, "kind": "add", "element": element}


def update(op_id: str, element_id: str, **patch: Any) -> dict[str, Any]:
    """An update operation."""
    return {"op_id": op_id, "kind": "update", "element_id": element_id, "patch": patch}


def delete(op_id: str, element_id: str) -> dict[str, Any]:
    """A delete operation."""
    return {"op_id": op_id, "kind": "delete", "element_id": element_id}
