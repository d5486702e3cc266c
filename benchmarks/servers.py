"""PostgreSQL and backend instances for the benchmarks, all on 127.0.0.1.

Everything started here is stopped when the ``Stack`` context ends. The database
is the devdb helper's PostgreSQL with its normal (durable) settings; each run
gets a database of its own.
"""

import fcntl
import logging
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from benchmarks.procstat import children

ROOT = Path(__file__).resolve().parents[1]
BACKEND_DIR = ROOT / "app" / "backend"
DATA_DIR = ROOT / ".local" / "bench-pg"
START_TIMEOUT_SECONDS = 60.0
STOP_TIMEOUT_SECONDS = 15.0

# Limits lifted so that one address may open every benchmark connection, and a
# board may hold the largest snapshot measured; everything else stays default.
BENCHMARK_SETTINGS = {
    "CONNECTIONS_PER_MINUTE_PER_ADDRESS": "100000",
    "MAX_BOARD_ELEMENTS": "20000",
}

log = logging.getLogger(__name__)

# Appended, not prepended: app/backend holds a ``benchmarks`` package of its own.
if str(BACKEND_DIR) not in sys.path:
    sys.path.append(str(BACKEND_DIR))

from whiteboard.devdb import DevDatabase  # noqa: E402


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Instance:
    """One backend process (``python -m whiteboard``)."""

    port: int
    process: subprocess.Popen[bytes]
    log_path: Path

    @property
    def url(self) -> str:
        """The instance's HTTP base address."""
        return f"http://127.0.0.1:{self.port}"

    def ws_url(self, board_id: str) -> str:
        """The WebSocket address of a board on this instance."""
        return f"ws://127.0.0.1:{self.port}/ws/boards/{board_id}"

    def wait_ready(self) -> None:
        """Wait until /readyz answers 200."""
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"instance exited; see {self.log_path}")
            try:
                if httpx.get(f"{self.url}/readyz", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"instance not ready in time; see {self.log_path}")

    def stop(self) -> None:
        """SIGTERM, then SIGKILL if it does not end in time."""
        if self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)


@dataclass
class Stack:
    """A PostgreSQL server and the backend instances on it."""

    database: DevDatabase
    instances: list[Instance] = field(default_factory=list)

    def postgres_pids(self) -> list[int]:
        """The postmaster and every backend process of PostgreSQL."""
        pid_file = self.database.data_dir / "postmaster.pid"
        postmaster = int(pid_file.read_text().split()[0])
        return [postmaster, *children(postmaster)]

    def create_board(self, name: str = "bench") -> tuple[str, str]:
        """A new board's id and edit token, through the REST API."""
        answer = httpx.post(
            f"{self.instances[0].url}/api/boards", json={"name": name}, timeout=10
        )
        answer.raise_for_status()
        body = answer.json()
        return body["id"], body["edit_token"]


@contextmanager
def running_stack(
    instance_count: int,
    log_dir: Path,
    pool_size: int = 5,
    backend_dir: Path = BACKEND_DIR,
    extra_settings: dict[str, str] | None = None,
) -> Iterator[Stack]:
    """Start PostgreSQL (a fresh database) and ``instance_count`` instances.

    ``backend_dir`` may name another checkout's app/backend, to compare versions.
    """
    log_dir.mkdir(parents=True, exist_ok=True)
    with _only_run():
        yield from _stack(
            instance_count, log_dir, pool_size, backend_dir, extra_settings
        )


@contextmanager
def _only_run() -> Iterator[None]:
    """Hold the benchmarks' database for this run; refuse if another run has it."""
    DATA_DIR.parent.mkdir(parents=True, exist_ok=True)
    with (DATA_DIR.parent / "bench-pg.lock").open("w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RuntimeError(
                f"another benchmark run is using {DATA_DIR}: wait for it to end"
            ) from None
        yield


def _stack(
    instance_count: int,
    log_dir: Path,
    pool_size: int,
    backend_dir: Path,
    extra_settings: dict[str, str] | None,
) -> Iterator[Stack]:
    database = DevDatabase(DATA_DIR, port=free_port())
    database.stop()  # a server left behind by an interrupted run
    database.start()
    name = f"bench_{uuid.uuid4().hex[:8]}"
    database.create_database(name)
    stack = Stack(database)
    # Every instance signs and checks links with the same key, as in a deployment.
    settings = {
        **database.environment(name),
        **BENCHMARK_SETTINGS,
        "SECRET_KEY": f"bench-{uuid.uuid4().hex}",
        "DATABASE_POOL_SIZE": str(pool_size),
        **(extra_settings or {}),
    }
    try:
        for _ in range(instance_count):
            stack.instances.append(_start_instance(settings, log_dir, backend_dir))
        for instance in stack.instances:
            instance.wait_ready()
        log.info("stack ready: %d instances on %s", instance_count, name)
        yield stack
    finally:
        for instance in stack.instances:
            instance.stop()
        database.stop()


def _start_instance(
    settings: dict[str, str], log_dir: Path, backend_dir: Path
) -> Instance:
    port = free_port()
    log_path = log_dir / f"instance-{port}.log"
    env = {
        **os.environ,
        **settings,
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "ENVIRONMENT": "development",
        "PYTHONPATH": str(backend_dir),
    }
    with log_path.open("ab") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "whiteboard"],
            env=env,
            cwd=backend_dir,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    return Instance(port, process, log_path)
