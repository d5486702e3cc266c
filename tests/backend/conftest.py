"""A real PostgreSQL for the whole run, and backend processes on it."""

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from backend_servers import Server, free_port
from whiteboard.devdb import DevDatabase

ServerFactory = Callable[..., Server]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Give each test of this folder a time limit, so nothing hangs."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.path).parents:
            item.add_marker(pytest.mark.timeout(150))


@pytest.fixture(scope="session")
def postgres(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevDatabase]:
    """One throwaway PostgreSQL server for the run."""
    data_dir = tmp_path_factory.mktemp("pg") / "data"
    with DevDatabase(data_dir, port=free_port(), fast=True) as database:
        yield database


def new_database(postgres: DevDatabase) -> dict[str, str]:
    """A fresh, empty database, as DATABASE_* settings."""
    name = f"test_{uuid.uuid4().hex[:12]}"
    postgres.create_database(name)
    return postgres.environment(name)


@pytest.fixture
def database_env(postgres: DevDatabase) -> dict[str, str]:
    """A database of this test's own."""
    return new_database(postgres)


@pytest.fixture
def start_server(
    database_env: dict[str, str], tmp_path: Path
) -> Iterator[ServerFactory]:
    """Start backend processes on this test's database; all stop afterwards."""
    started: list[Server] = []

    def start(wait: bool = True, **settings: str) -> Server:
        server = Server(database_env, tmp_path, **settings).start()
        started.append(server)
        return server.wait_ready() if wait else server

    yield start
    for server in started:
        server.stop()


# The servers most tests share: mid key rotation, a small pool, a short replay limit.
SHARED_SETTINGS = {
    "secret_key": "key-two",
    "secret_key_previous": "key-one",
    "database_pool_size": "2",
    "replay_limit": "5",
}


@pytest.fixture(scope="session")
def pair(
    postgres: DevDatabase, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Server, Server]]:
    """Two servers on one database, shared by the whole run."""
    log_dir = tmp_path_factory.mktemp("pair")
    database_env = new_database(postgres)
    servers = [Server(database_env, log_dir, **SHARED_SETTINGS) for _ in range(2)]
    for server in servers:
        server.start()
    yield servers[0].wait_ready(), servers[1].wait_ready()
    for server in servers:
        server.stop()


@pytest.fixture
def server(pair: tuple[Server, Server]) -> Server:
    """The first shared server."""
    return pair[0]
