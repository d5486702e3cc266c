"""The devdb helper's command line: start detached, print settings, stop."""

import subprocess
import sys
from pathlib import Path

import asyncpg
import pytest
from backend_servers import BACKEND_DIR, free_port


def devdb(*args: str) -> str:
    """Run ``python -m whiteboard.devdb`` with ``args``; its output."""
    done = subprocess.run(
        [sys.executable, "-m", "whiteboard.devdb", *args],
        cwd=BACKEND_DIR,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return done.stdout


@pytest.mark.asyncio
async def test_detached_database_answers_until_stopped(tmp_path: Path) -> None:
    data_dir, port = str(tmp_path / "pg"), str(free_port())

    printed = devdb("--data-dir", data_dir, "--port", port, "--detach")
    settings = dict(line.split("=", 1) for line in printed.splitlines())
    try:
        conn = await asyncpg.connect(settings["DATABASE_URL"])
        assert await conn.fetchval("SELECT current_database()") == "whiteboard"
        await conn.close()
        assert settings["DATABASE_HOST"] == "127.0.0.1"
        assert settings["DATABASE_PORT"] == port
    finally:
        devdb("--data-dir", data_dir, "--stop")

    with pytest.raises(OSError):
        await asyncpg.connect(settings["DATABASE_URL"], timeout=5)
