"""Restoring the whiteboard's database, and moving boards between environments.

    python -m ops.restore pitr --stack prod --source DB --time 2026-12-04T09:30:00Z \\
        [cloud options] [--check-database-url URL] [--execute]
    python -m ops.restore check --database-url URL [--not-after TIME]
    python -m ops.restore switch --stack prod --database-host HOST [--execute]
    python -m ops.restore rollback --stack prod [--execute]
    python -m ops.restore export-boards --database-url URL --board=ID... --out FILE
    python -m ops.restore import-boards --database-url URL --file FILE [--replace]

`pitr`, `switch` and `rollback` print the cloud and Pulumi commands they would run;
with `--execute` they run them, stopping at the first failure. `pitr` switches the
stack only after the restored database passed `check` (so give it
`--check-database-url` from a machine that reaches the database); without one it
stops after the restore and says what to run next. The database commands take a
libpq URL without the password (set PGPASSWORD) and the client programs of
`--pg-bin` (default: the pg_dump on PATH), refused when older than the server.
"""

import argparse
import shlex
import subprocess
import sys
from pathlib import Path

from ops import pitr
from ops.boardset import check_database, export_boards, import_boards
from ops.pgtools import PgTools

STEP_TIMEOUT_SECONDS = 3 * 3600


def _say(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def run_steps(steps: list[pitr.Step], execute: bool) -> str:
    """Print each step; with `execute`, run it. The last step's output."""
    output = ""
    for number, step in enumerate(steps, 1):
        _say(f"{number}. {step.purpose}\n   $ {shlex.join(step.argv)}")
        if not execute:
            continue
        # Steps are argument lists built in ops.pitr, run without a shell.
        done = subprocess.run(  # noqa: S603
            step.argv,
            stdout=subprocess.PIPE,
            text=True,
            timeout=STEP_TIMEOUT_SECONDS,
            check=False,
        )
        if done.returncode != 0:
            raise SystemExit(f"step {number} failed with exit status {done.returncode}")
        output = done.stdout.strip()
    return output


def _check(args: argparse.Namespace, url: str, not_after: object) -> bool:
    tools = PgTools.find(args.pg_bin)
    result = check_database(tools, url, not_after)  # type: ignore[arg-type]
    for line in result.lines:
        _say(f"   ok: {line}")
    for problem in result.problems:
        _say(f"   PROBLEM: {problem}")
    return result.healthy


def command_pitr(args: argparse.Namespace) -> int:
    restore_time = pitr.parse_restore_time(args.time)
    request = pitr.RestoreRequest(
        cloud=args.cloud,
        source=args.source,
        restore_time=restore_time,
        stack=args.stack,
        aws_region=args.aws_region,
        aws_subnet_group=args.aws_subnet_group,
        aws_security_groups=args.aws_security_group,
        gcp_project=args.gcp_project,
        azure_resource_group=args.azure_resource_group,
    )
    host = run_steps(pitr.restore_steps(request), args.execute)
    if not args.execute:
        host = "<host of step 3>"

    _say(f"Check the restored database {request.target}:")
    if args.check_database_url is None:
        _say(
            "   from a machine that reaches it, run: python -m ops.restore check"
            f" --database-url <its URL> --not-after {request.utc_time.isoformat()}\n"
            "   then switch: python -m ops.restore switch"
            f" --stack {args.stack} --database-host {host} --execute"
        )
        return 0
    if not _check(args, args.check_database_url, request.utc_time):
        _say("The restored database failed the check: the stack was not switched.")
        return 1

    _say("Switch the stack to it:")
    if args.execute:
        run_steps(pitr.switch_steps(args.stack, host), True)
    else:
        _say(
            f"   python -m ops.restore switch --stack {args.stack} --database-host HOST"
        )
    return 0


def command_check(args: argparse.Namespace) -> int:
    not_after = pitr.parse_restore_time(args.not_after) if args.not_after else None
    _say(f"Checking {args.database_url}")
    healthy = _check(args, args.database_url, not_after)
    _say("healthy" if healthy else "NOT healthy")
    return 0 if healthy else 1


def command_switch(args: argparse.Namespace) -> int:
    run_steps(pitr.switch_steps(args.stack, args.database_host), args.execute)
    return 0


def command_rollback(args: argparse.Namespace) -> int:
    run_steps(pitr.rollback_steps(args.stack), args.execute)
    return 0


def command_export(args: argparse.Namespace) -> int:
    tools = PgTools.find(args.pg_bin)
    counts = export_boards(tools, args.database_url, args.board, args.out)
    summary = ", ".join(f"{count} {table}" for table, count in sorted(counts.items()))
    _say(f"exported {summary} to {args.out}")
    return 0


def command_import(args: argparse.Namespace) -> int:
    tools = PgTools.find(args.pg_bin)
    counts = import_boards(tools, args.database_url, args.file, args.replace)
    summary = ", ".join(f"{count} {table}" for table, count in sorted(counts.items()))
    _say(f"imported {summary} from {args.file}")
    return 0


def parser() -> argparse.ArgumentParser:
    """The command line, one subcommand per task."""
    main = argparse.ArgumentParser(
        prog="python -m ops.restore",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = main.add_subparsers(dest="command", required=True)

    def database_command(name: str, help_text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text)
        sub.add_argument(
            "--pg-bin", type=Path, help="directory of psql, pg_dump and pg_restore"
        )
        return sub

    restore = database_command("pitr", "restore to a point in time, check, switch")
    restore.add_argument("--stack", required=True, choices=["staging", "prod"])
    restore.add_argument("--cloud", required=True, choices=["aws", "gcp", "azure"])
    restore.add_argument("--source", required=True, help="the stack's database")
    restore.add_argument("--time", required=True, help="e.g. 2026-12-04T09:30:00Z")
    restore.add_argument("--aws-region", default="")
    restore.add_argument("--aws-subnet-group", default="")
    restore.add_argument("--aws-security-group", action="append", default=[])
    restore.add_argument("--gcp-project", default="")
    restore.add_argument("--azure-resource-group", default="")
    restore.add_argument("--check-database-url", help="the restored database's URL")
    restore.add_argument("--execute", action="store_true", help="run, not print")
    restore.set_defaults(run=command_pitr)

    check = database_command("check", "check that a database can serve the app")
    check.add_argument("--database-url", required=True)
    check.add_argument("--not-after", help="no operation may be later than this")
    check.set_defaults(run=command_check)

    switch = commands.add_parser("switch", help="point a stack at a database host")
    switch.add_argument("--stack", required=True, choices=["staging", "prod"])
    switch.add_argument("--database-host", required=True)
    switch.add_argument("--execute", action="store_true")
    switch.set_defaults(run=command_switch)

    rollback = commands.add_parser("rollback", help="back to the stack's database")
    rollback.add_argument("--stack", required=True, choices=["staging", "prod"])
    rollback.add_argument("--execute", action="store_true")
    rollback.set_defaults(run=command_rollback)

    export = database_command("export-boards", "dump a set of boards to a file")
    export.add_argument("--database-url", required=True)
    export.add_argument(
        "--board",
        action="append",
        required=True,
        help="a board id, as --board=<id> (an id may start with '-'); repeatable",
    )
    export.add_argument("--out", type=Path, required=True)
    export.set_defaults(run=command_export)

    load = database_command("import-boards", "load a dumped set of boards")
    load.add_argument("--database-url", required=True)
    load.add_argument("--file", type=Path, required=True)
    load.add_argument("--replace", action="store_true", help="overwrite same ids")
    load.set_defaults(run=command_import)
    return main


def main(argv: list[str] | None = None) -> int:
    """Run one subcommand; errors of the request end with a one-line message."""
    args = parser().parse_args(argv)
    try:
        status: int = args.run(args)
    except (pitr.RestoreRequestError, RuntimeError) as error:
        sys.stderr.write(f"error: {error}\n")
        return 2
    return status


if __name__ == "__main__":
    sys.exit(main())
