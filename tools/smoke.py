"""The post-deploy checklist: is the whiteboard at this URL up and working end to end?

    python -m tools.smoke https://whiteboard.example.com

Checks, in order, and prints one line per check:
1. the frontend answers `GET /healthz`;
2. the load balancer sends `/api/` to the backend (a JSON error for a missing board);
3. the backend is ready (`GET /readyz`: the database answers, migrations applied),
   where the URL routes `/readyz` to the backend (skipped where it does not);
4. a board can be created (`POST /api/boards`);
5. a WebSocket from a foreign Origin is refused;
6. two WebSocket clients join the board (the app's own Origin), one with the edit
   link, one with the view link;
7. an operation sent by the first is acknowledged to it, and reaches the second;
8. the board is deleted again, so a smoke run leaves nothing behind.

A check whose prerequisite failed is skipped. The exit status is 0 only when no
check failed.
"""

import argparse
import asyncio
import json
import logging
import secrets
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.typing import Origin

logger = logging.getLogger(__name__)

FOREIGN_ORIGIN = "https://smoke-test.invalid"
MISSING_BOARD_ID = "AAAAAAAAAAAAAAAAAAAAAA"


class CheckFailed(Exception):
    """A check found the app not doing what it should; the message says what."""


class CheckSkipped(Exception):
    """A check cannot be made at this URL; the message says why."""


@dataclass
class CheckResult:
    name: str
    status: str  # "pass", "fail" or "skip"
    detail: str = ""
    duration_ms: float = 0.0

    def line(self) -> str:
        label = {"pass": "PASS", "fail": "FAIL", "skip": "SKIP"}[self.status]
        timing = f" ({self.duration_ms:.0f} ms)" if self.status != "skip" else ""
        detail = f": {self.detail}" if self.detail else ""
        return f"{label}  {self.name}{timing}{detail}"


@dataclass
class SmokeRun:
    """What the checks learned so far, and their results."""

    base_url: str
    timeout_seconds: float
    results: list[CheckResult] = field(default_factory=list)
    board_id: str | None = None
    edit_token: str | None = None
    view_token: str | None = None
    editor: ClientConnection | None = None
    viewer: ClientConnection | None = None

    @property
    def origin(self) -> str:
        parts = urlsplit(self.base_url)
        return f"{parts.scheme}://{parts.netloc}"

    def ws_url(self, path: str) -> str:
        parts = urlsplit(self.base_url)
        scheme = "wss" if parts.scheme == "https" else "ws"
        return urlunsplit((scheme, parts.netloc, path, "", ""))

    @property
    def passed(self) -> bool:
        """No check failed (a skipped one either could not apply or follows a
        failed prerequisite, which failed the run already)."""
        return bool(self.results) and all(r.status != "fail" for r in self.results)

    def report(self) -> str:
        lines = [f"Smoke test of {self.base_url}", ""]
        lines += [result.line() for result in self.results]
        counts = {status: 0 for status in ("pass", "fail", "skip")}
        for result in self.results:
            counts[result.status] += 1
        verdict = "OK" if self.passed else "FAILED"
        lines += [
            "",
            f"{verdict}: {counts['pass']} passed, {counts['fail']} failed,"
            f" {counts['skip']} skipped",
        ]
        return "\n".join(lines)


Check = Callable[[SmokeRun, httpx.AsyncClient], Awaitable[str]]


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise CheckFailed(message)


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError as error:
        content_type = response.headers.get("content-type", "?")
        raise CheckFailed(
            f"{response.request.url.path} answered {response.status_code} with"
            f" {content_type}, not JSON: is it routed to the backend?"
        ) from error


async def check_frontend_health(run: SmokeRun, http: httpx.AsyncClient) -> str:
    response = await http.get("/healthz")
    _require(response.status_code == 200, f"GET /healthz: {response.status_code}")
    return "GET /healthz 200"


async def check_api_routed_to_backend(run: SmokeRun, http: httpx.AsyncClient) -> str:
    response = await http.get(f"/api/boards/{MISSING_BOARD_ID}")
    body = _json(response)
    _require(
        response.status_code in (401, 404),
        f"GET /api/boards/<missing>: {response.status_code}, expected 401 or 404",
    )
    code = body.get("detail", {}).get("code") if isinstance(body, dict) else None
    _require(code is not None, f"error without detail.code: {body!r}")
    return f"GET /api/boards/<missing> {response.status_code} {code}"


async def check_backend_ready(run: SmokeRun, http: httpx.AsyncClient) -> str:
    response = await http.get("/readyz")
    if "json" not in response.headers.get("content-type", ""):
        # The clouds' load balancers send only /api/ and /ws/ to the backend, so
        # the frontend answers /readyz there; the board and WebSocket checks below
        # then show that the backend reaches its database.
        raise CheckSkipped("/readyz is not routed to the backend at this URL")
    body = _json(response)
    status = body.get("status") if isinstance(body, dict) else None
    _require(
        response.status_code == 200 and status == "ready",
        f"GET /readyz: {response.status_code} {status!r}",
    )
    return "GET /readyz 200 ready"


async def check_create_board(run: SmokeRun, http: httpx.AsyncClient) -> str:
    name = f"smoke test {time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime())}"
    response = await http.post("/api/boards", json={"name": name})
    body = _json(response)
    _require(response.status_code == 201, f"POST /api/boards: {response.status_code}")
    for key in ("id", "name", "seq", "edit_token", "view_token"):
        _require(key in body, f"BoardCreated lacks {key!r}: {sorted(body)}")
    _require(len(body["id"]) == 22, f"board id {body['id']!r} is not 22 characters")
    run.board_id = body["id"]
    run.edit_token = body["edit_token"]
    run.view_token = body["view_token"]
    return f"board {run.board_id}"


async def _receive(client: ClientConnection, wanted: str, seconds: float) -> Any:
    """The next message of type `wanted`, skipping presence and other chatter."""
    async with asyncio.timeout(seconds):
        while True:
            message = json.loads(await client.recv())
            if message.get("type") == wanted:
                return message
            if message.get("type") == "error":
                raise CheckFailed(f"server error while waiting for {wanted}: {message}")


async def check_foreign_origin_refused(run: SmokeRun, http: httpx.AsyncClient) -> str:
    url = run.ws_url(f"/ws/boards/{run.board_id}")
    try:
        async with connect(
            url, origin=Origin(FOREIGN_ORIGIN), open_timeout=run.timeout_seconds
        ) as client:
            await client.send(json.dumps(_join(run.view_token)))
            async with asyncio.timeout(run.timeout_seconds):
                async for raw in client:
                    if json.loads(raw).get("type") == "welcome":
                        raise CheckFailed(f"Origin {FOREIGN_ORIGIN} was let in")
    except InvalidStatus as refused:
        return f"refused at the handshake ({refused.response.status_code})"
    except ConnectionClosed as closed:
        _require(
            closed.rcvd is not None and closed.rcvd.code == 1008,
            f"closed with {closed.rcvd}, expected 1008",
        )
        return "closed with 1008"
    return "closed with 1008"


def _join(token: str | None, name: str = "smoke") -> dict[str, Any]:
    return {
        "type": "join",
        "token": token,
        "last_seq": None,
        "user": {"name": name, "color": "#1e88e5"},
    }


async def _join_board(run: SmokeRun, token: str | None, name: str) -> ClientConnection:
    url = run.ws_url(f"/ws/boards/{run.board_id}")
    client = await connect(
        url, origin=Origin(run.origin), open_timeout=run.timeout_seconds
    )
    await client.send(json.dumps(_join(token, name)))
    welcome = await _receive(client, "welcome", run.timeout_seconds)
    _require(
        welcome.get("board", {}).get("id") == run.board_id,
        f"welcome names another board: {welcome}",
    )
    await _receive(client, "snapshot", run.timeout_seconds)
    return client


async def check_two_clients_join(run: SmokeRun, http: httpx.AsyncClient) -> str:
    run.editor = await _join_board(run, run.edit_token, "smoke-editor")
    run.viewer = await _join_board(run, run.view_token, "smoke-viewer")
    return "editor and viewer welcomed, each with a snapshot"


async def check_operation_reaches_both(run: SmokeRun, http: httpx.AsyncClient) -> str:
    assert run.editor is not None and run.viewer is not None
    op_id = f"smoke-{secrets.token_hex(6)}"
    element = {
        "id": f"smoke-rect-{secrets.token_hex(4)}",
        "type": "rect",
        "x": 10.0,
        "y": 20.0,
        "w": 120.0,
        "h": 80.0,
        "style": {"stroke": "#1e1e1e", "fill": "transparent", "width": 2},
        "z": 1.0,
    }
    await run.editor.send(
        json.dumps(
            {
                "type": "ops",
                "ops": [{"op_id": op_id, "kind": "add", "element": element}],
            }
        )
    )

    ack = await _receive(run.editor, "ack", run.timeout_seconds)
    results = {result.get("op_id"): result for result in ack.get("results", [])}
    _require(op_id in results, f"ack does not name {op_id}: {ack}")
    _require(
        results[op_id].get("status") == "applied", f"op not applied: {results[op_id]}"
    )
    seq = results[op_id].get("seq")

    while True:
        broadcast = await _receive(run.viewer, "ops", run.timeout_seconds)
        applied = [op for op in broadcast.get("ops", []) if op.get("op_id") == op_id]
        if applied:
            break
    _require(applied[0].get("seq") == seq, f"seq {applied[0].get('seq')} != {seq}")
    version = applied[0].get("element", {}).get("version")
    _require(version == 1, f"the added element has version {version}, expected 1")
    return f"op acknowledged at seq {seq} and received by the second client"


async def check_delete_board(run: SmokeRun, http: httpx.AsyncClient) -> str:
    headers = {"Authorization": f"Bearer {run.edit_token}"}
    response = await http.delete(f"/api/boards/{run.board_id}", headers=headers)
    _require(response.status_code == 204, f"DELETE: {response.status_code}")
    return f"board {run.board_id} deleted"


CHECKS: list[tuple[str, Check, tuple[str, ...]]] = [
    ("frontend health", check_frontend_health, ()),
    ("/api routed to the backend", check_api_routed_to_backend, ()),
    ("backend ready", check_backend_ready, ()),
    ("create a board", check_create_board, ()),
    (
        "WebSocket refuses a foreign Origin",
        check_foreign_origin_refused,
        ("create a board",),
    ),
    ("two clients join the board", check_two_clients_join, ("create a board",)),
    (
        "operation acknowledged and broadcast",
        check_operation_reaches_both,
        ("two clients join the board",),
    ),
    ("delete the board", check_delete_board, ("create a board",)),
]


async def run_checks(base_url: str, timeout_seconds: float = 10.0) -> SmokeRun:
    """Run every check against the app at `base_url`; never raises for a failure."""
    run = SmokeRun(base_url.rstrip("/"), timeout_seconds)
    passed: set[str] = set()
    async with httpx.AsyncClient(
        base_url=run.base_url, timeout=timeout_seconds, follow_redirects=False
    ) as http:
        for name, check, needs in CHECKS:
            missing = [need for need in needs if need not in passed]
            if missing:
                detail = f"needs {', '.join(missing)}"
                run.results.append(CheckResult(name, "skip", detail))
                continue
            started = time.perf_counter()
            try:
                detail = await check(run, http)
                status = "pass"
                passed.add(name)
            except CheckSkipped as skipped:
                status, detail = "skip", str(skipped)
            except (CheckFailed, httpx.HTTPError, OSError, TimeoutError) as error:
                status, detail = "fail", str(error) or type(error).__name__
            except (ConnectionClosed, InvalidStatus, ValueError) as error:
                status, detail = "fail", f"{type(error).__name__}: {error}"
            elapsed_ms = (time.perf_counter() - started) * 1000
            run.results.append(CheckResult(name, status, detail, elapsed_ms))
            logger.debug("check %s: %s (%.0f ms)", name, status, elapsed_ms)

    for client in (run.editor, run.viewer):
        if client is not None:
            await client.close()
    return run


def main(argv: list[str] | None = None) -> int:
    """Command line entry: run the checks, print the report, return the exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m tools.smoke", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("url", help="the app's public URL, e.g. https://example.com")
    parser.add_argument(
        "--timeout-seconds",
        type=float,
        default=10.0,
        help="per request and per awaited message (default 10)",
    )
    args = parser.parse_args(argv)
    _require_http_url(parser, args.url)

    run = asyncio.run(run_checks(args.url, args.timeout_seconds))
    sys.stdout.write(run.report() + "\n")
    return 0 if run.passed else 1


def _require_http_url(parser: argparse.ArgumentParser, url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        parser.error(
            f"expected an http(s) URL such as https://example.com, not {url!r}"
        )


if __name__ == "__main__":
    sys.exit(main())
