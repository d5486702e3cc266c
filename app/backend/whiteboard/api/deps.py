"""Shared dependencies of the routes, as ``Annotated`` aliases."""

import re
from typing import Annotated

from fastapi import Depends, Header, HTTPException, Request, WebSocketException
from starlette.requests import HTTPConnection
from starlette.websockets import WebSocket

from whiteboard import store
from whiteboard.addresses import client_address
from whiteboard.links import Grant
from whiteboard.services import Services


def error(status: int, code: str, message: str) -> HTTPException:
    """An HTTP error in the protocol's shape."""
    return HTTPException(status, detail={"code": code, "message": message})


def get_services(connection: HTTPConnection) -> Services:
    """The instance's services, once the database is ready."""
    services: Services | None = connection.app.state.services
    if services is None:
        if isinstance(connection, WebSocket):
            raise WebSocketException(1013, "not ready")
        raise error(503, "not_ready", "the service is starting; try again shortly")
    return services


ServicesDep = Annotated[Services, Depends(get_services)]


def limit_board_creation(request: Request, services: ServicesDep) -> None:
    """Refuse board creation beyond the per-address rate."""
    if not services.limiters.board_creation.allow(
        client_address(request, services.settings.trusted_proxy_hops)
    ):
        raise error(429, "rate_limited", "too many boards created; try again later")


async def view_grant(
    board_id: str,
    services: ServicesDep,
    authorization: Annotated[str | None, Header()] = None,
) -> Grant:
    """The grant of the request's link token for this board (any role)."""
    scheme, _, token = (authorization or "").partition(" ")
    grant = services.signer.verify(token) if scheme.lower() == "bearer" else None
    if grant is None or grant.board_id != board_id:
        raise error(401, "bad_token", "send a valid link token as a Bearer token")
    board = await store.get_board(services.db.writer, board_id)
    if board is None:
        raise error(404, "board_deleted", "this board does not exist")
    if board["link_generation"] != grant.generation:
        raise error(401, "bad_token", "this link was revoked")
    return grant


def edit_grant(grant: Annotated[Grant, Depends(view_grant)]) -> Grant:
    """The grant, when it allows editing."""
    if not grant.can_edit:
        raise error(403, "read_only", "this link can only view the board")
    return grant


ViewGrant = Annotated[Grant, Depends(view_grant)]
EditGrant = Annotated[Grant, Depends(edit_grant)]


def check_origin(websocket: WebSocket, services: ServicesDep) -> None:
    """Refuse WebSocket connections from origins not allowed."""
    origin = websocket.headers.get("origin")
    patterns = services.settings.origin_patterns
    if origin is not None and not any(re.match(p, origin) for p in patterns):
        raise WebSocketException(1008, "origin not allowed")


def limit_connections(websocket: WebSocket, services: ServicesDep) -> None:
    """Refuse WebSocket connections beyond the per-address rate."""
    if not services.limiters.connections.allow(
        client_address(websocket, services.settings.trusted_proxy_hops)
    ):
        raise WebSocketException(1008, "rate_limited")
