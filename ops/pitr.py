"""Point-in-time restore, as the commands each cloud's CLI takes, built as data.

The restore goes into a new database next to the stack's own (which stays as it
is, for a way back). Each step is an argv list, so the tests check the commands'
shape and `ops.restore` prints them (dry run) or runs them (`--execute`):

1. restore the source database as it was at the chosen time into a new one;
2. wait until it is available, then read its host name;
3. (the check: `python -m ops.restore check`, from where the database is reachable)
4. switch the stack to it: `whiteboard:databaseHostOverride`, then `pulumi up`.

Rolling back is `pulumi config rm whiteboard:databaseHostOverride` and `pulumi up`.
"""

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

HOST_OVERRIDE_KEY = "whiteboard:databaseHostOverride"
MAX_NAME_CHARS = 63
PROD_RESTORE_FLAGS = ["--multi-az", "--deletion-protection"]
NAME = re.compile(r"^[a-z][a-z0-9-]*[a-z0-9]$")


class RestoreRequestError(ValueError):
    """The restore was asked for in a way that cannot work; the message says why."""


@dataclass(frozen=True)
class Step:
    """One command of the procedure, with what it is for."""

    purpose: str
    argv: list[str]


@dataclass(frozen=True)
class RestoreRequest:
    """What to restore, to when, and where the cloud keeps it.

    cloud: `aws`, `gcp` or `azure`.
    source: the stack's database: RDS instance identifier, Cloud SQL instance name,
        or Azure flexible server name.
    restore_time: the moment to restore to (timezone-aware, in the past).
    stack: the Pulumi stack to switch (`staging` or `prod`).
    aws_region, aws_subnet_group, aws_security_groups: where the new RDS instance
        goes (the source's own; `aws rds describe-db-instances` shows them).
    gcp_project: the Cloud SQL instance's project.
    azure_resource_group: the flexible server's resource group.
    """

    cloud: str
    source: str
    restore_time: datetime
    stack: str
    aws_region: str = ""
    aws_subnet_group: str = ""
    aws_security_groups: list[str] = field(default_factory=list)
    gcp_project: str = ""
    azure_resource_group: str = ""

    @property
    def utc_time(self) -> datetime:
        return self.restore_time.astimezone(UTC)

    @property
    def target(self) -> str:
        """The new database's name: the source's, `-pitr-`, and the time."""
        suffix = f"-pitr-{self.utc_time:%Y%m%d%H%M}"
        return self.source[: MAX_NAME_CHARS - len(suffix)].rstrip("-") + suffix


def parse_restore_time(text: str, now: datetime | None = None) -> datetime:
    """An ISO 8601 time with its zone (`2026-12-04T09:30:00Z`), in the past."""
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as error:
        raise RestoreRequestError(f"not an ISO 8601 time: {text!r}") from error
    if moment.tzinfo is None:
        raise RestoreRequestError(
            f"{text!r} has no timezone: write it in UTC, e.g. 2026-12-04T09:30:00Z"
        )
    if moment > (now or datetime.now(UTC)):
        raise RestoreRequestError(f"{text} is in the future")
    return moment


def _require(value: str | list[str], option: str, cloud: str) -> None:
    if not value:
        raise RestoreRequestError(f"{option} is needed to restore on {cloud}")


def validate(request: RestoreRequest) -> None:
    """Refuse a request that the cloud would refuse, before running anything."""
    if request.stack not in ("staging", "prod"):
        raise RestoreRequestError(f"unknown stack {request.stack!r}")
    if not NAME.match(request.source):
        raise RestoreRequestError(
            f"{request.source!r} is not a database name: lowercase letters, digits"
            " and hyphens, starting with a letter"
        )
    if request.cloud == "aws":
        _require(request.aws_region, "--aws-region", "aws")
        _require(request.aws_subnet_group, "--aws-subnet-group", "aws")
        _require(request.aws_security_groups, "--aws-security-group", "aws")
    elif request.cloud == "gcp":
        _require(request.gcp_project, "--gcp-project", "gcp")
    elif request.cloud == "azure":
        _require(request.azure_resource_group, "--azure-resource-group", "azure")
    else:
        raise RestoreRequestError(f"unknown cloud {request.cloud!r}")


def restore_steps(request: RestoreRequest) -> list[Step]:
    """Steps 1 and 2: restore into a new database, wait for it, read its host."""
    validate(request)
    target = request.target
    when = request.utc_time

    if request.cloud == "aws":
        region = ["--region", request.aws_region]
        restore = [
            "aws", "rds", "restore-db-instance-to-point-in-time",
            "--source-db-instance-identifier", request.source,
            "--target-db-instance-identifier", target,
            "--restore-time", f"{when:%Y-%m-%dT%H:%M:%SZ}",
            "--db-subnet-group-name", request.aws_subnet_group,
            "--vpc-security-group-ids", *request.aws_security_groups,
            "--no-publicly-accessible",
            "--copy-tags-to-snapshot",
            *(PROD_RESTORE_FLAGS if request.stack == "prod" else []),
            *region,
        ]  # fmt: skip
        wait = ["aws", "rds", "wait", "db-instance-available"]
        wait += ["--db-instance-identifier", target, *region]
        host = ["aws", "rds", "describe-db-instances", "--db-instance-identifier"]
        host += [target, "--query", "DBInstances[0].Endpoint.Address"]
        host += ["--output", "text", *region]

    elif request.cloud == "gcp":
        project = ["--project", request.gcp_project]
        # The clone keeps the source's private network, flags and backups.
        restore = [
            "gcloud", "sql", "instances", "clone", request.source, target,
            "--point-in-time", f"{when:%Y-%m-%dT%H:%M:%S.000Z}",
            *project,
        ]  # fmt: skip
        # `clone` returns once the clone is done; this shows it is RUNNABLE.
        wait = ["gcloud", "sql", "instances", "describe", target, *project]
        wait += ["--format=value(state)"]
        host = ["gcloud", "sql", "instances", "describe", target, *project]
        host += ["--format=value(ipAddresses[0].ipAddress)"]

    else:
        group = ["--resource-group", request.azure_resource_group]
        # The restored server joins the source's virtual network and private DNS.
        restore = [
            "az", "postgres", "flexible-server", "restore",
            *group,
            "--name", target,
            "--source-server", request.source,
            "--restore-time", when.isoformat(),
        ]  # fmt: skip
        wait = ["az", "postgres", "flexible-server", "wait", *group, "--name", target]
        wait += ["--created"]
        host = ["az", "postgres", "flexible-server", "show", *group, "--name", target]
        host += ["--query", "fullyQualifiedDomainName", "--output", "tsv"]

    return [
        Step(f"restore {request.source} as of {when:%Y-%m-%d %H:%M:%S} UTC", restore),
        Step(f"wait until {target} is available", wait),
        Step(f"read the host name of {target}", host),
    ]


def switch_steps(stack: str, database_host: str) -> list[Step]:
    """Step 4: point the stack's services at the restored database."""
    if not re.match(r"^[A-Za-z0-9.-]+$", database_host):
        raise RestoreRequestError(f"{database_host!r} is not a host name")
    set_host = ["pulumi", "config", "set", "--stack", stack]
    return [
        Step(
            f"make {database_host} the writer of stack {stack}",
            [*set_host, HOST_OVERRIDE_KEY, database_host],
        ),
        Step(
            "update the stack (the guardrails run too)",
            ["pulumi", "up", "--stack", stack, "--policy-pack", "policy", "--diff"],
        ),
    ]


def rollback_steps(stack: str) -> list[Step]:
    """The way back to the stack's own database."""
    return [
        Step(
            f"forget the restored database in stack {stack}",
            ["pulumi", "config", "rm", "--stack", stack, HOST_OVERRIDE_KEY],
        ),
        Step(
            "update the stack",
            ["pulumi", "up", "--stack", stack, "--policy-pack", "policy", "--diff"],
        ),
    ]
