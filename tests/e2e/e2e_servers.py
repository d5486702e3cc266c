"""The whole app on 127.0.0.1 for browser tests: backend processes and frontend servers.

Each frontend server (app/frontend/server/serve.mjs) serves the built app and proxies
/api and /ws to the backend instances it is given, so a browser on one frontend port
talks to one chosen backend instance.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
BACKEND_DIR = ROOT / "app" / "backend"
FRONTEND_DIR = ROOT / "app" / "frontend"
SECRET_KEY = "e2e-signing-key"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(url: str, process: subprocess.Popen[bytes], log: Path, seconds: float):
    """Wait until ``url`` answers 200, failing with the log if the process dies."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, f"{url} exited:\n{log.read_text()}"
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"{url} did not answer within {seconds} s:\n{log.read_text()}")


class Process:
    """A child process with its output in a log file, stopped with SIGTERM."""

    def __init__(self, log: Path) -> None:
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None

    def spawn(self, args: list[str], cwd: Path, env: dict[str, str]) -> None:
        with self.log.open("ab") as output:
            self.process = subprocess.Popen(
                args, cwd=cwd, env=env, stdout=output, stderr=subprocess.STDOUT
            )

    def stop(self) -> None:
        """SIGTERM, then SIGKILL if it does not end within 15 seconds."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)


class Backend(Process):
    """One backend instance (python -m whiteboard) on a fixed port."""

    def __init__(self, database_env: dict[str, str], log_dir: Path) -> None:
        self.port = free_port()
        super().__init__(log_dir / f"backend-{self.port}.log")
        self.env = {
            **os.environ,
            **database_env,
            "HOST": "127.0.0.1",
            "PORT": str(self.port),
            "ENVIRONMENT": "development",
            "DATABASE_SSLMODE": "disable",
            "DATABASE_POOL_SIZE": "3",
            "SECRET_KEY": SECRET_KEY,
            # A short drain keeps the restart tests quick; clients are told to
            # come back within half of it.
            "SHUTDOWN_GRACE_SECONDS": "4",
            "PYTHONPATH": str(BACKEND_DIR),
        }

    def spawn_backend(self) -> None:
        """Start the process without waiting for it."""
        self.spawn([sys.executable, "-m", "whiteboard"], BACKEND_DIR, self.env)

    def wait_ready(self) -> None:
        """Wait until /readyz answers 200."""
        assert self.process is not None
        url = f"http://127.0.0.1:{self.port}/readyz"
        wait_for(url, self.process, self.log, 90)

    def start(self) -> "Backend":
        """Start and wait until /readyz answers 200."""
        self.spawn_backend()
        self.wait_ready()
        return self


class Frontend(Process):
    """The built app served on its own port, proxying to the given backends."""

    def __init__(self, backends: list[Backend], dist: Path, log_dir: Path) -> None:
        self.port = free_port()
        self.dist = dist
        self.url = f"http://127.0.0.1:{self.port}"
        super().__init__(log_dir / f"frontend-{self.port}.log")
        self.backends = backends

    def start(self) -> "Frontend":
        """Start and wait until /healthz answers 200."""
        args = ["node", "server/serve.mjs", "--port", str(self.port)]
        args += ["--dist", str(self.dist)]
        for backend in self.backends:
            args += ["--upstream", f"127.0.0.1:{backend.port}"]
        self.spawn(args, FRONTEND_DIR, dict(os.environ))
        assert self.process is not None
        wait_for(f"{self.url}/healthz", self.process, self.log, 30)
        return self


def built_frontend_copy(target: Path) -> Path:
    """A private copy of the built app, so a rebuild during the run changes nothing.

    The app is built first if dist/ is missing (scripts/setup.sh normally builds it).
    """
    if not (FRONTEND_DIR / "dist" / "index.html").exists():
        build = ["npm", "run", "--silent", "build"]
        subprocess.run(build, cwd=FRONTEND_DIR, check=True)
    shutil.copytree(FRONTEND_DIR / "dist", target)
    return target
