"""Starting without a database: alive at once, ready once the database answers."""

import time
import uuid
from pathlib import Path

import httpx
from backend_servers import Server, free_port
from whiteboard.devdb import DevDatabase


def wait_for(condition: object, timeout_seconds: float = 20) -> bool:
    """Poll ``condition`` until it holds or the time is up."""
    deadline = time.monotonic() + timeout_seconds
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.2)
    return False


def test_unreachable_database_keeps_liveness_and_withholds_readiness(
    postgres: DevDatabase, tmp_path: Path
) -> None:
    nowhere = {**postgres.environment(), "DATABASE_PORT": str(free_port())}
    server = Server(nowhere, tmp_path).start()
    try:
        assert wait_for(lambda: "database not ready" in server.logs())
        assert httpx.get(f"{server.url}/healthz").status_code == 200
        assert httpx.get(f"{server.url}/readyz").status_code == 503
        assert wait_for(lambda: server.logs().count("database not ready") >= 2)
    finally:
        server.stop()


def test_instance_becomes_ready_when_its_database_appears(
    postgres: DevDatabase, tmp_path: Path
) -> None:
    name = f"late_{uuid.uuid4().hex[:12]}"
    server = Server(postgres.environment(name), tmp_path).start()
    try:
        assert wait_for(lambda: "database not ready" in server.logs())
        assert httpx.get(f"{server.url}/readyz").status_code == 503

        postgres.create_database(name)

        server.wait_ready()
        assert httpx.post(f"{server.url}/api/boards", json={}).status_code == 201
    finally:
        server.stop()
