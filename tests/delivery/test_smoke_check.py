"""The post-deploy smoke test against a real backend on this machine, and against
addresses where the app is missing or broken."""

import asyncio
import http.server
import subprocess
import sys
import threading
from collections.abc import Iterator

import pytest
from backend_servers import Server

from tools.smoke import main, run_checks

pytestmark = pytest.mark.timeout(120)

CHECK_NAMES = [
    "frontend health",
    "/api routed to the backend",
    "backend ready",
    "create a board",
    "WebSocket refuses a foreign Origin",
    "two clients join the board",
    "operation acknowledged and broadcast",
    "delete the board",
]


def test_every_check_passes_against_a_working_backend(backend: Server) -> None:
    run = asyncio.run(run_checks(backend.url, timeout_seconds=10))

    assert [result.name for result in run.results] == CHECK_NAMES
    assert [result.status for result in run.results] == ["pass"] * len(CHECK_NAMES)
    assert run.passed
    assert run.board_id is not None and len(run.board_id) == 22


def test_command_prints_the_report_and_exits_zero(backend: Server) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "tools.smoke", backend.url],
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "PASS  operation acknowledged and broadcast" in done.stdout
    assert "OK: 8 passed, 0 failed, 0 skipped" in done.stdout


def test_smoke_board_is_gone_afterwards(backend: Server) -> None:
    import httpx

    run = asyncio.run(run_checks(backend.url, timeout_seconds=10))
    response = httpx.get(
        f"{backend.url}/api/boards/{run.board_id}",
        headers={"Authorization": f"Bearer {run.view_token}"},
    )
    assert response.status_code in (401, 404)


def test_unreachable_app_fails_and_skips_what_depends_on_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from backend_servers import free_port

    status = main([f"http://127.0.0.1:{free_port()}", "--timeout-seconds", "2"])

    report = capsys.readouterr().out
    assert status == 1
    assert "FAIL  create a board" in report
    assert "SKIP  operation acknowledged and broadcast" in report
    assert "FAILED: 0 passed" in report


class _BrokenApp(http.server.BaseHTTPRequestHandler):
    """Answers /healthz like a frontend, and every API call with an HTML 502."""

    def do_GET(self) -> None:
        if self.path == "/healthz":
            self._answer(200, b"ok", "text/plain")
        else:
            self._answer(502, b"<html>Bad Gateway</html>", "text/html")

    def do_POST(self) -> None:
        self._answer(502, b"<html>Bad Gateway</html>", "text/html")

    def _answer(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture
def broken_app() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _BrokenApp)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_frontend_up_but_backend_down_is_a_failure(broken_app: str) -> None:
    run = asyncio.run(run_checks(broken_app, timeout_seconds=3))
    statuses = {result.name: result.status for result in run.results}

    assert statuses["frontend health"] == "pass"
    assert statuses["/api routed to the backend"] == "fail"
    assert statuses["backend ready"] == "skip"  # /readyz answered by the frontend
    assert statuses["create a board"] == "fail"
    assert statuses["two clients join the board"] == "skip"
    assert not run.passed
    detail = next(r.detail for r in run.results if r.name == "create a board")
    assert "not JSON" in detail


def test_a_url_that_is_not_http_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["app.example.com"])
    assert exit_info.value.code == 2
    assert "expected an http(s) URL" in capsys.readouterr().err
