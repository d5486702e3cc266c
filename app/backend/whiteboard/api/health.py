"""Liveness, readiness and metrics for the platform (CONTRACT.md)."""

import asyncio

import asyncpg
from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from whiteboard.services import Services

router = APIRouter()


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    """Answer while the process serves; never touches the database."""
    return {"status": "ok"}


@router.get("/readyz")
async def readyz(request: Request) -> JSONResponse:
    """Answer 200 only when the database answers and migrations are applied."""
    services: Services | None = request.app.state.services
    if services is None:
        return JSONResponse({"status": "starting"}, status_code=503)
    if services.hub.draining:
        return JSONResponse({"status": "draining"}, status_code=503)
    if not services.hub.listening:
        return JSONResponse({"status": "listener down"}, status_code=503)
    try:
        applied = await asyncio.wait_for(services.db.migrations_applied(), 3)
    except (OSError, TimeoutError, asyncpg.PostgresError):
        return JSONResponse({"status": "database unreachable"}, status_code=503)
    if not applied:
        return JSONResponse({"status": "migrations pending"}, status_code=503)
    return JSONResponse({"status": "ready"})


@router.get("/metrics")
async def metrics() -> Response:
    """Prometheus metrics of this instance."""
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
