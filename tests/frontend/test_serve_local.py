"""app/frontend/server/serve.mjs: the server of scripts/run-local.sh and the e2e tests.

It must serve the built app like nginx does and spread /api and /ws over several backend
instances, skipping one that refuses connections.
"""

import http.server
import json
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from websockets.sync.client import connect
from websockets.sync.server import ServerConnection, serve

FRONTEND = Path(__file__).resolve().parents[2] / "app" / "frontend"
SERVE = FRONTEND / "server" / "serve.mjs"
NODE = shutil.which("node")
pytestmark = pytest.mark.skipif(NODE is None, reason="Node.js is not installed")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class NamedBackend(http.server.BaseHTTPRequestHandler):
    """Answers with the path it got."""

    def do_GET(self) -> None:
        body = json.dumps({"path": self.path}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        received = self.rfile.read(length).decode()
        body = json.dumps({"path": self.path, "body": received}).encode()
        self.send_response(201)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


def echo(connection: ServerConnection) -> None:
    for message in connection:
        connection.send(f"{connection.request.path}: {message}")


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text("<!doctype html><title>app</title>")
    (tmp_path / "assets" / "index-abc.js").write_text("console.log(1)")
    return tmp_path


@contextmanager
def serving(dist: Path, upstreams: list[str]) -> Iterator[str]:
    """serve.mjs on a free port in front of ``upstreams``; yields its URL."""
    port = free_port()
    args = [str(NODE), str(SERVE), "--port", str(port), "--dist", str(dist)]
    for upstream in upstreams:
        args += ["--upstream", upstream]
    process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                httpx.get(f"{url}/healthz", timeout=0.5)
                break
            except httpx.TransportError:
                assert process.poll() is None, process.stdout
                time.sleep(0.05)
        yield url
    finally:
        process.terminate()
        process.wait(10)


def dead_upstream() -> str:
    """An address where nothing listens, like an instance that is restarting."""
    return f"127.0.0.1:{free_port()}"


@pytest.fixture
def local_server(dist: Path) -> Iterator[str]:
    """serve.mjs in front of a stopped instance and a running HTTP one."""
    backend = http.server.ThreadingHTTPServer(("127.0.0.1", 0), NamedBackend)
    threading.Thread(target=backend.serve_forever, daemon=True).start()
    live = f"127.0.0.1:{backend.server_address[1]}"
    try:
        with serving(dist, [dead_upstream(), live]) as url:
            yield url
    finally:
        backend.shutdown()


@pytest.fixture
def local_ws_server(dist: Path) -> Iterator[str]:
    """serve.mjs in front of a stopped instance and a running WebSocket one."""
    backend = serve(echo, "127.0.0.1", 0)
    threading.Thread(target=backend.serve_forever, daemon=True).start()
    live = f"127.0.0.1:{backend.socket.getsockname()[1]}"
    try:
        with serving(dist, [dead_upstream(), live]) as url:
            yield url.replace("http://", "ws://")
    finally:
        backend.shutdown()


def test_healthz_answers_200(local_server: str) -> None:
    assert httpx.get(f"{local_server}/healthz").status_code == 200


def test_app_routes_get_index_html_with_security_headers(local_server: str) -> None:
    answer = httpx.get(f"{local_server}/b/board-id")
    assert "<title>app</title>" in answer.text
    assert answer.headers["cache-control"] == "no-cache"
    assert "frame-ancestors 'none'" in answer.headers["content-security-policy"]
    asset = httpx.get(f"{local_server}/assets/index-abc.js")
    assert "immutable" in asset.headers["cache-control"]


def test_files_outside_dist_are_not_served(local_server: str) -> None:
    answer = httpx.get(f"{local_server}/..%2f..%2fetc%2fpasswd")
    assert "<title>app</title>" in answer.text


def test_api_calls_skip_an_instance_that_refuses_connections(local_server: str) -> None:
    # Round-robin starts at each instance in turn; the stopped one is skipped, so
    # every call is answered.
    for board in ["b1", "b2", "b3", "b4"]:
        answer = httpx.get(f"{local_server}/api/boards/{board}")
        assert answer.status_code == 200
        assert answer.json() == {"path": f"/api/boards/{board}"}


def test_request_bodies_reach_the_instance_that_answers(local_server: str) -> None:
    for name in ["first", "second", "third"]:
        url = f"{local_server}/api/boards"
        answer = httpx.post(url, json={"name": name}, timeout=5)
        assert answer.status_code == 201
        assert json.loads(answer.json()["body"]) == {"name": name}


def test_websockets_skip_an_instance_that_refuses_connections(
    local_ws_server: str,
) -> None:
    for board in ["b1", "b2", "b3"]:
        with connect(f"{local_ws_server}/ws/boards/{board}", open_timeout=5) as ws:
            ws.send("hello")
            assert ws.recv(timeout=5) == f"/ws/boards/{board}: hello"
