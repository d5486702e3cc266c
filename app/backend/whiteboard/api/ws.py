"""The WebSocket route: one connection per board (docs/protocol.md)."""

import random

from fastapi import APIRouter, Depends, WebSocket

from whiteboard.api.deps import ServicesDep, check_origin, limit_connections
from whiteboard.realtime.session import Session

router = APIRouter()


@router.websocket(
    "/ws/boards/{board_id}",
    dependencies=[Depends(check_origin), Depends(limit_connections)],
)
async def board_socket(
    websocket: WebSocket, board_id: str, services: ServicesDep
) -> None:
    """Carry one client's session on one board."""
    await websocket.accept()
    if services.hub.draining:
        after_ms = random.randint(0, 2000)  # noqa: S311
        await websocket.send_json({"type": "reconnect", "after_ms": after_ms})
        await websocket.close(1012)
        return
    await Session(websocket, services, board_id).run()
