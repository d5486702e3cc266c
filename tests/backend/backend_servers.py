"""Real backend processes (python -m whiteboard) on 127.0.0.1, for the tests."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

BACKEND_DIR = Path(__file__).resolve().parents[2] / "app" / "backend"
TEST_SECRET = "test-secret-key"
START_TIMEOUT_SECONDS = 150.0


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """One backend process with its own settings."""

    def __init__(self, database_env: dict[str, str], log_dir: Path, **settings: str):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_dir / f"server-{self.port}.log"
        self.env = {
            **os.environ,
            **database_env,
            "HOST": "127.0.0.1",
            "PORT": str(self.port),
            "ENVIRONMENT": "development",
            "SECRET_KEY": TEST_SECRET,
            "DATABASE_POOL_SIZE": "3",
            "SHUTDOWN_GRACE_SECONDS": "6",
            "PYTHONPATH": str(BACKEND_DIR),
            **{name.upper(): value for name, value in settings.items()},
        }
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> "Server":
        """Start the process without waiting for it."""
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "whiteboard"],
            env=self.env,
            cwd=BACKEND_DIR,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        return self

    def wait_ready(self) -> "Server":
        """Wait until /readyz answers 200."""
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            assert self.process is not None and self.process.poll() is None, self.logs()
            try:
                if httpx.get(f"{self.url}/readyz", timeout=1).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        raise AssertionError(f"server not ready:\n{self.logs()}")

    def ws_url(self, board_id: str) -> str:
        """The WebSocket address of a board on this server."""
        return f"ws://127.0.0.1:{self.port}/ws/boards/{board_id}"

    def terminate(self) -> None:
        """Send SIGTERM (the drain starts)."""
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)

    def wait(self, timeout: float) -> int:
        """Wait for the process to end; its exit code."""
        assert self.process is not None
        return self.process.wait(timeout)

    def stop(self) -> None:
        """End the process, forcibly if it does not stop in time."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)

    def logs(self) -> str:
        """What the process printed so far."""
        return self.log_path.read_text() if self.log_path.exists() else ""
