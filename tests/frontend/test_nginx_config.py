"""The frontend's nginx configuration: valid for nginx, and behaving as the app needs.

These tests run the Debian nginx binary on the rendered template. They are skipped only
when nginx is not installed (``.ci/run`` installs it).
"""

import http.server
import json
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from nginx_render import environment_defaults, render_template, standalone_config

NGINX = shutil.which("nginx") or (
    "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
)
needs_nginx = pytest.mark.skipif(
    NGINX is None, reason="nginx is not installed (apt-get install nginx)"
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class FakeBackend(http.server.BaseHTTPRequestHandler):
    """Answers every request with what it received, as JSON."""

    def do_GET(self) -> None:
        body = json.dumps(
            {
                "path": self.path,
                "upgrade": self.headers.get("Upgrade"),
                "connection": self.headers.get("Connection"),
                "forwarded_for": self.headers.get("X-Forwarded-For"),
            }
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


def test_template_leaves_nginx_variables_alone() -> None:
    rendered = render_template({"BACKEND_UPSTREAM": "api:9000", "NGINX_RESOLVER": "x"})
    assert "set $backend http://api:9000;" in rendered
    assert "$http_upgrade" in rendered
    assert "${" not in rendered


def test_websocket_proxy_keeps_connections_for_at_least_an_hour() -> None:
    rendered = render_template(environment_defaults())
    ws_block = rendered.split("location /ws/")[1].split("location ")[0]
    assert "proxy_set_header Upgrade $http_upgrade;" in ws_block
    assert "proxy_set_header Connection $connection_upgrade;" in ws_block
    timeout = ws_block.split("proxy_read_timeout ")[1].split(";")[0]
    assert timeout.endswith("s") and int(timeout[:-1]) >= 3600


@needs_nginx
def test_rendered_config_passes_nginx_test(tmp_path: Path) -> None:
    config = tmp_path / "nginx.conf"
    (tmp_path / "html").mkdir()
    config.write_text(
        standalone_config(render_template(environment_defaults()), tmp_path, 8080)
    )
    assert NGINX is not None
    done = subprocess.run(
        [NGINX, "-t", "-p", str(tmp_path), "-c", str(config), "-e", "stderr"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "test is successful" in done.stderr


@pytest.fixture
def running_nginx(tmp_path: Path) -> Iterator[str]:
    """nginx on the rendered config, with a fake backend behind /api and /ws."""
    backend = http.server.ThreadingHTTPServer(("127.0.0.1", 0), FakeBackend)
    threading.Thread(target=backend.serve_forever, daemon=True).start()
    html = tmp_path / "html"
    (html / "assets").mkdir(parents=True)
    (html / "index.html").write_text("<!doctype html><title>app</title>")
    (html / "assets" / "index-abc123.js").write_text("console.log(1)")

    port = free_port()
    upstream = f"127.0.0.1:{backend.server_address[1]}"
    rendered = render_template(
        {"BACKEND_UPSTREAM": upstream, "NGINX_RESOLVER": "127.0.0.1"}
    )
    config = tmp_path / "nginx.conf"
    config.write_text(standalone_config(rendered, tmp_path, port))
    assert NGINX is not None
    process = subprocess.Popen(
        [NGINX, "-p", str(tmp_path), "-c", str(config), "-e", "stderr"],
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                httpx.get(f"{url}/healthz", timeout=0.5)
                break
            except httpx.TransportError:
                assert process.poll() is None, process.stderr
                time.sleep(0.05)
        yield url
    finally:
        process.terminate()
        process.wait(10)
        backend.shutdown()


@needs_nginx
def test_healthz_answers_200(running_nginx: str) -> None:
    answer = httpx.get(f"{running_nginx}/healthz")
    assert answer.status_code == 200
    assert answer.text == "ok\n"


@needs_nginx
def test_app_routes_fall_back_to_index_html_without_caching(running_nginx: str) -> None:
    answer = httpx.get(f"{running_nginx}/b/some-board-id")
    assert answer.status_code == 200
    assert "<title>app</title>" in answer.text
    assert answer.headers["cache-control"] == "no-cache"
    csp = answer.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert answer.headers["x-content-type-options"] == "nosniff"


@needs_nginx
def test_hashed_assets_are_cached_for_good(running_nginx: str) -> None:
    answer = httpx.get(f"{running_nginx}/assets/index-abc123.js")
    assert answer.status_code == 200
    assert "immutable" in answer.headers["cache-control"]
    missing = httpx.get(f"{running_nginx}/assets/index-gone.js")
    assert missing.status_code == 404


@needs_nginx
def test_api_is_proxied_to_the_backend(running_nginx: str) -> None:
    answer = httpx.get(f"{running_nginx}/api/boards/abc")
    assert answer.status_code == 200
    assert answer.json()["path"] == "/api/boards/abc"
    assert answer.json()["forwarded_for"] == "127.0.0.1"
    assert "cache-control" not in answer.headers


@needs_nginx
def test_websocket_upgrade_headers_reach_the_backend(running_nginx: str) -> None:
    answer = httpx.get(
        f"{running_nginx}/ws/boards/abc",
        headers={"Upgrade": "websocket", "Connection": "Upgrade"},
    )
    seen = answer.json()
    assert seen["path"] == "/ws/boards/abc"
    assert seen["upgrade"] == "websocket"
    assert seen["connection"] == "upgrade"
