"""A real PostgreSQL for the whole run, and backend processes on it."""

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
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
            item.add_marker(pytest.mark.timeout(300))


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


# A server with small limits, for the bad-input tests.
STRICT_SETTINGS = {
    "max_message_bytes": "4096",
    "ws_frame_limit_bytes": "16384",
    "max_element_bytes": "1024",
    "max_board_elements": "3",
    "max_batch_ops": "5",
    "messages_per_second": "5",
    "message_burst": "15",
    "ops_per_second": "1",
    "ops_burst": "10",
}

# A server allowing two boards and two connections per address and minute.
LIMITED_SETTINGS = {
    "boards_per_minute_per_address": "2",
    "connections_per_minute_per_address": "2",
}


@dataclass
class Fleet:
    """The servers shared by the whole run."""

    pair: tuple[Server, Server]
    strict: Server
    limited: Server


@pytest.fixture(scope="session")
def fleet(
    postgres: DevDatabase, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Fleet]:
    """Start every shared server at once (they start faster side by side)."""
    log_dir = tmp_path_factory.mktemp("fleet")
    shared_database = new_database(postgres)
    servers = [
        Server(shared_database, log_dir, **SHARED_SETTINGS),
        Server(shared_database, log_dir, **SHARED_SETTINGS),
        Server(new_database(postgres), log_dir, **STRICT_SETTINGS),
        Server(new_database(postgres), log_dir, **LIMITED_SETTINGS),
    ]
    try:
        for server in servers:
            server.start()
        for server in servers:
            server.wait_ready()
        yield Fleet((servers[0], servers[1]), servers[2], servers[3])
    finally:
        for server in servers:
            server.stop()


@pytest.fixture
def pair(fleet: Fleet) -> tuple[Server, Server]:
    """Two shared servers on one database."""
    return fleet.pair


@pytest.fixture
def server(fleet: Fleet) -> Server:
    """The first shared server."""
    return fleet.pair[0]
