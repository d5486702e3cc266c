"""PostgreSQL, two backend instances, a frontend server for each, and Chromium.

Everything listens on 127.0.0.1 and stops after the run. Screenshots go to
test-artifacts/e2e/, server logs to test-artifacts/e2e/logs/.
"""

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from e2e_servers import ROOT, Backend, Frontend, built_frontend_copy, free_port
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright
from whiteboard.devdb import DevDatabase

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = ROOT / "test-artifacts" / "e2e"
VIEWPORT = {"width": 1280, "height": 800}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test here e2e, with a time limit so nothing hangs."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.path).parents:
            item.add_marker(pytest.mark.e2e)
            item.add_marker(pytest.mark.timeout(180))


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def logs(artifacts: Path) -> Path:
    """Server logs of this run, kept beside the screenshots for failures."""
    folder = artifacts / "logs"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    return folder


@pytest.fixture(scope="session")
def database_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    data_dir = tmp_path_factory.mktemp("e2e-pg") / "data"
    with DevDatabase(data_dir, port=free_port(), fast=True) as database:
        yield database.environment()


@pytest.fixture(scope="session")
def backends(database_env: dict[str, str], logs: Path) -> Iterator[list[Backend]]:
    """Two backend instances on one database, as behind a load balancer."""
    started = [Backend(database_env, logs) for _ in range(2)]
    for backend in started:
        backend.spawn_backend()
    for backend in started:
        backend.wait_ready()
    yield started
    for backend in started:
        backend.stop()


@pytest.fixture(scope="session")
def frontends(
    backends: list[Backend], logs: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[list[Frontend]]:
    """A frontend server per backend instance: frontends[i] proxies to backends[i]."""
    dist = built_frontend_copy(tmp_path_factory.mktemp("e2e-app") / "dist")
    started = [Frontend([backend], dist, logs) for backend in backends]
    for frontend in started:
        frontend.start()
    yield started
    for frontend in started:
        frontend.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.skip("the end-to-end tests need Chromium at /usr/bin/chromium")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        yield launched
        launched.close()


@pytest.fixture
def new_page(browser: Browser) -> Iterator[Callable[[], Page]]:
    """Pages in separate browser contexts (separate storage), closed after the test."""
    contexts: list[BrowserContext] = []

    def open_page() -> Page:
        context = browser.new_context(viewport=VIEWPORT)
        context.grant_permissions(["clipboard-read", "clipboard-write"])
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(20_000)
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def backend_logs(backends: list[Backend]) -> Callable[[], str]:
    """Every backend's log so far, for failure messages."""
    return lambda: "\n".join(backend.log.read_text() for backend in backends)
