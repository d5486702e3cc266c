"""Puts the delivery tooling (tools/, ops/) and the policy pack on the import path,
and provides a real PostgreSQL and backend for the smoke and restore tests (the
backend's own helpers: `whiteboard.devdb` and `tests/backend/backend_servers.py`)."""

import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]

for path in (REPO_ROOT, REPO_ROOT / "policy", REPO_ROOT / "tests" / "backend"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from backend_servers import Server, free_port  # noqa: E402
from whiteboard.devdb import DevDatabase  # noqa: E402


@pytest.fixture(scope="session")
def postgres(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevDatabase]:
    """One throwaway PostgreSQL server on 127.0.0.1 for the run."""
    data_dir = tmp_path_factory.mktemp("delivery-pg") / "data"
    with DevDatabase(data_dir, port=free_port(), fast=True) as database:
        yield database


@pytest.fixture
def database_name(postgres: DevDatabase) -> str:
    """A fresh, empty database of this test's own."""
    name = f"delivery_{uuid.uuid4().hex[:12]}"
    postgres.create_database(name)
    return name


@pytest.fixture(scope="module")
def backend(
    postgres: DevDatabase, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    """A real backend process on its own database, ready, stopped afterwards."""
    name = f"smoke_{uuid.uuid4().hex[:12]}"
    postgres.create_database(name)
    log_dir = tmp_path_factory.mktemp("smoke-backend")
    server = Server(postgres.environment(name), log_dir).start().wait_ready()
    yield server
    server.stop()
