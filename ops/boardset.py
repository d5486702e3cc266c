"""Moving a set of boards between databases, and checking a restored database.

Export copies the chosen boards, and every row of each table with a `board_id`
column that belongs to them, into a schema of their own (`board_transfer`), dumps
that schema with pg_dump (custom format) and drops it again. Import restores the
schema with pg_restore into the target, checks that both databases run the same
migration, copies the rows into the app's tables in one transaction and drops the
schema. The app's tables are found by looking, so a new table keyed by `board_id`
travels without a change here.
"""

import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from string import Template

from ops.pgtools import PgTools, PgToolsError

TRANSFER_SCHEMA = "board_transfer"
BOARD_ID = re.compile(r"^[A-Za-z0-9_-]{22}$")


class BoardSetError(RuntimeError):
    """The board set cannot be moved as asked; the message says why."""


IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")


def _literal(text: str) -> str:
    """A quoted SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def _identifier(name: str) -> str:
    """A table or schema name, refused unless it is a plain lowercase identifier."""
    if not IDENTIFIER.match(name):
        raise BoardSetError(f"unexpected table name {name!r}")
    return name


def _sql(template: str, **values: str) -> str:
    """SQL from a template whose $names are identifiers or literals made above."""
    return Template(template).substitute(schema=TRANSFER_SCHEMA, **values)


def _board_tables(tools: PgTools, database_url: str) -> list[str]:
    """The app's tables that hold rows of a board, besides `boards` itself."""
    rows = tools.psql(
        database_url,
        """
        SELECT table_name FROM information_schema.columns
        WHERE table_schema = 'public' AND column_name = 'board_id'
        ORDER BY table_name;
        """,
    )
    return [row[0] for row in rows]


def _counts(tools: PgTools, database_url: str, schema: str) -> dict[str, int]:
    tables = ["boards", *_board_tables(tools, database_url)]
    selects = " UNION ALL ".join(
        _sql(
            "SELECT $name, count(*) FROM $source.$table",
            name=_literal(table),
            source=_identifier(schema),
            table=_identifier(table),
        )
        for table in tables
    )
    return {name: int(count) for name, count in tools.psql(database_url, selects)}


def export_boards(
    tools: PgTools, database_url: str, board_ids: list[str], dump_file: Path
) -> dict[str, int]:
    """Dump the boards `board_ids` to `dump_file`; rows exported per table."""
    bad = [board_id for board_id in board_ids if not BOARD_ID.match(board_id)]
    if bad or not board_ids:
        raise BoardSetError(f"not board ids (22 URL-safe characters): {bad}")
    tools.require_client_for(database_url)

    wanted = ", ".join(_literal(board_id) for board_id in board_ids)
    statements = [
        "BEGIN;",
        _sql("CREATE SCHEMA $schema;"),
        _sql(
            "CREATE TABLE $schema.boards AS"
            " SELECT * FROM public.boards WHERE id IN ($wanted);",
            wanted=wanted,
        ),
        _sql(
            "CREATE TABLE $schema.alembic_version AS"
            " SELECT * FROM public.alembic_version;"
        ),
    ]
    for table in _board_tables(tools, database_url):
        statements.append(
            _sql(
                "CREATE TABLE $schema.$table AS SELECT * FROM public.$table"
                " WHERE board_id IN (SELECT id FROM $schema.boards);",
                table=_identifier(table),
            )
        )
    statements.append("COMMIT;")
    tools.psql(database_url, "\n".join(statements))

    try:
        found = tools.psql(database_url, _sql("SELECT id FROM $schema.boards;"))
        missing = sorted(set(board_ids) - {row[0] for row in found})
        if missing:
            raise BoardSetError(f"no such boards in the source: {missing}")
        counts = _counts(tools, database_url, TRANSFER_SCHEMA)
        tools.run(
            "pg_dump",
            [
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--schema={TRANSFER_SCHEMA}",
                "--file",
                str(dump_file),
                database_url,
            ],
        )
    finally:
        tools.psql(database_url, _sql("DROP SCHEMA IF EXISTS $schema CASCADE;"))
    return counts


def _columns(tools: PgTools, database_url: str, table: str) -> list[str]:
    """The columns of ``table`` a row is inserted with (generated ones are not)."""
    rows = tools.psql(
        database_url,
        _sql(
            "SELECT column_name FROM information_schema.columns WHERE table_schema ="
            " 'public' AND table_name = $name AND is_generated = 'NEVER'"
            " ORDER BY ordinal_position;",
            name=_literal(table),
        ),
    )
    return [row[0] for row in rows]


def import_boards(
    tools: PgTools, database_url: str, dump_file: Path, replace: bool = False
) -> dict[str, int]:
    """Load a board set exported by `export_boards`; rows imported per table.

    Boards that already exist in the target are refused, or with `replace` deleted
    first (with their rows) and loaded again from the dump.
    """
    tools.require_client_for(database_url)
    leftover = tools.psql(
        database_url,
        _sql(
            "SELECT 1 FROM information_schema.schemata WHERE schema_name = $name;",
            name=_literal(TRANSFER_SCHEMA),
        ),
    )
    if leftover:
        raise BoardSetError(
            f"schema {TRANSFER_SCHEMA} already exists in the target: another transfer"
            " runs, or one was cut short (drop the schema once it has not)"
        )

    tools.run(
        "pg_restore",
        ["--no-owner", "--no-privileges", "--dbname", database_url, str(dump_file)],
    )
    try:
        source_version = tools.psql(
            database_url, _sql("SELECT version_num FROM $schema.alembic_version;")
        )
        target_version = tools.psql(
            database_url, "SELECT version_num FROM public.alembic_version;"
        )
        if source_version != target_version:
            raise BoardSetError(
                f"the dump is of migration {source_version} and the target runs"
                f" {target_version}: upgrade the older side first"
            )
        counts = _counts(tools, database_url, TRANSFER_SCHEMA)

        existing = tools.psql(
            database_url,
            _sql(
                "SELECT id FROM public.boards"
                " WHERE id IN (SELECT id FROM $schema.boards);"
            ),
        )
        if existing and not replace:
            names = sorted(row[0] for row in existing)
            raise BoardSetError(
                f"boards already in the target: {names} (pass --replace to overwrite)"
            )

        statements = ["BEGIN;"]
        if replace:
            statements.append(
                _sql(
                    "DELETE FROM public.boards"
                    " WHERE id IN (SELECT id FROM $schema.boards);"
                )
            )
        for table in ["boards", *_board_tables(tools, database_url)]:
            columns = ", ".join(
                _identifier(column) for column in _columns(tools, database_url, table)
            )
            statements.append(
                _sql(
                    "INSERT INTO public.$table ($columns)"
                    " SELECT $columns FROM $schema.$table;",
                    table=_identifier(table),
                    columns=columns,
                )
            )
        statements.append("COMMIT;")
        tools.psql(database_url, "\n".join(statements))
    finally:
        tools.psql(database_url, _sql("DROP SCHEMA IF EXISTS $schema CASCADE;"))
    return counts


@dataclass
class DatabaseCheck:
    """What `check_database` found: readable lines, and problems if any."""

    lines: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def healthy(self) -> bool:
        return not self.problems


def check_database(
    tools: PgTools, database_url: str, not_after: datetime | None = None
) -> DatabaseCheck:
    """Whether a (restored) database is one the app can run on, with its contents.

    `not_after`: the restore time; an operation recorded later means the database
    is not the point-in-time copy it should be.
    """
    result = DatabaseCheck()
    try:
        major = tools.server_major(database_url)
    except PgToolsError as error:
        result.problems.append(f"cannot connect: {error}")
        return result
    result.lines.append(f"PostgreSQL {major} answers")

    tables = {row[0] for row in tools.psql(database_url, _PUBLIC_TABLES)}
    missing = sorted({"alembic_version", "boards", "elements", "ops"} - tables)
    if missing:
        result.problems.append(f"tables missing: {missing}")
        return result

    version = tools.psql(database_url, "SELECT version_num FROM alembic_version;")
    if not version:
        result.problems.append("no migration recorded in alembic_version")
    else:
        result.lines.append(f"migration {version[0][0]}")

    counts = _counts(tools, database_url, "public")
    result.lines.append(
        ", ".join(f"{count} {table}" for table, count in sorted(counts.items()))
    )

    latest = tools.psql(
        database_url,
        "SELECT to_char(max(created_at) AT TIME ZONE 'UTC',"
        ' \'YYYY-MM-DD"T"HH24:MI:SS.US"Z"\') FROM ops;',
    )
    latest_text = latest[0][0] if latest and latest[0][0] else None
    result.lines.append(f"latest operation: {latest_text or 'none'}")
    if latest_text and not_after is not None:
        latest_time = datetime.fromisoformat(latest_text.replace("Z", "+00:00"))
        if latest_time > not_after:
            result.problems.append(
                f"an operation at {latest_text} is later than the restore time"
                f" {not_after.isoformat()}"
            )
    return result


_PUBLIC_TABLES = (
    "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public';"
)
