"""The point-in-time restore's cloud and Pulumi commands, checked for shape (no
cloud CLI runs here)."""

from datetime import UTC, datetime, timedelta, timezone

import pytest

from ops.pitr import (
    HOST_OVERRIDE_KEY,
    RestoreRequest,
    RestoreRequestError,
    parse_restore_time,
    restore_steps,
    rollback_steps,
    switch_steps,
)
from ops.restore import main

# 09:30 in UTC, written in a zone an hour ahead.
RESTORE_TIME = datetime(2026, 12, 4, 10, 30, tzinfo=timezone(timedelta(hours=1)))


def request(cloud: str, stack: str = "prod", **options: object) -> RestoreRequest:
    defaults: dict[str, object] = {
        "aws": {
            "aws_region": "eu-west-1",
            "aws_subnet_group": "whiteboard-prod-db",
            "aws_security_groups": ["sg-0a", "sg-0b"],
        },
        "gcp": {"gcp_project": "whiteboard-prod"},
        "azure": {"azure_resource_group": "whiteboard-prod"},
    }.get(cloud, {})
    settings = {**defaults, **options}  # type: ignore[dict-item]
    return RestoreRequest(
        cloud=cloud,
        source="whiteboard-prod-writer",
        restore_time=RESTORE_TIME,
        stack=stack,
        **settings,  # type: ignore[arg-type]
    )


def value_after(argv: list[str], flag: str) -> str:
    return argv[argv.index(flag) + 1]


def test_aws_restores_into_a_new_private_instance_in_the_sources_network() -> None:
    restore, wait, host = (step.argv for step in restore_steps(request("aws")))

    assert restore[:3] == ["aws", "rds", "restore-db-instance-to-point-in-time"]
    assert value_after(restore, "--source-db-instance-identifier") == (
        "whiteboard-prod-writer"
    )
    assert value_after(restore, "--target-db-instance-identifier") == (
        "whiteboard-prod-writer-pitr-202612040930"
    )
    assert value_after(restore, "--restore-time") == "2026-12-04T09:30:00Z"
    assert value_after(restore, "--db-subnet-group-name") == "whiteboard-prod-db"
    groups = restore.index("--vpc-security-group-ids")
    assert restore[groups + 1 : groups + 3] == ["sg-0a", "sg-0b"]
    assert "--no-publicly-accessible" in restore
    assert {"--multi-az", "--deletion-protection"} <= set(restore)
    assert wait[:4] == ["aws", "rds", "wait", "db-instance-available"]
    assert host[:3] == ["aws", "rds", "describe-db-instances"]
    assert value_after(host, "--query") == "DBInstances[0].Endpoint.Address"


def test_aws_staging_restore_is_single_zone_and_unprotected() -> None:
    restore = restore_steps(request("aws", stack="staging"))[0].argv
    assert "--multi-az" not in restore
    assert "--deletion-protection" not in restore


def test_gcp_clones_the_instance_as_of_the_time() -> None:
    restore, wait, host = (step.argv for step in restore_steps(request("gcp")))

    assert restore[:6] == [
        "gcloud",
        "sql",
        "instances",
        "clone",
        "whiteboard-prod-writer",
        "whiteboard-prod-writer-pitr-202612040930",
    ]
    assert value_after(restore, "--point-in-time") == "2026-12-04T09:30:00.000Z"
    assert value_after(restore, "--project") == "whiteboard-prod"
    assert "--format=value(state)" in wait
    assert "--format=value(ipAddresses[0].ipAddress)" in host


def test_azure_restores_the_flexible_server_as_of_the_time() -> None:
    restore, wait, host = (step.argv for step in restore_steps(request("azure")))

    assert restore[:4] == ["az", "postgres", "flexible-server", "restore"]
    assert value_after(restore, "--source-server") == "whiteboard-prod-writer"
    assert value_after(restore, "--name") == "whiteboard-prod-writer-pitr-202612040930"
    assert value_after(restore, "--restore-time") == "2026-12-04T09:30:00+00:00"
    assert value_after(restore, "--resource-group") == "whiteboard-prod"
    assert "--created" in wait
    assert value_after(host, "--query") == "fullyQualifiedDomainName"


@pytest.mark.parametrize(
    ("cloud", "missing", "option"),
    [
        ("aws", {"aws_subnet_group": ""}, "--aws-subnet-group"),
        ("aws", {"aws_security_groups": []}, "--aws-security-group"),
        ("gcp", {"gcp_project": ""}, "--gcp-project"),
        ("azure", {"azure_resource_group": ""}, "--azure-resource-group"),
    ],
)
def test_missing_cloud_option_is_named(
    cloud: str, missing: dict[str, object], option: str
) -> None:
    with pytest.raises(RestoreRequestError, match=option):
        restore_steps(request(cloud, **missing))


def test_new_database_name_stays_within_63_characters() -> None:
    long_source = "whiteboard-" + "x" * 60
    name = RestoreRequest("aws", long_source, RESTORE_TIME, "prod").target
    assert len(name) <= 63
    assert name.endswith("-pitr-202612040930")


def test_restore_time_needs_a_zone_and_must_be_past() -> None:
    now = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)
    assert parse_restore_time("2026-12-04T09:30:00Z", now) == datetime(
        2026, 12, 4, 9, 30, tzinfo=UTC
    )
    with pytest.raises(RestoreRequestError, match="no timezone"):
        parse_restore_time("2026-12-04T09:30:00", now)
    with pytest.raises(RestoreRequestError, match="in the future"):
        parse_restore_time("2026-12-04T13:00:00Z", now)
    with pytest.raises(RestoreRequestError, match="not an ISO 8601 time"):
        parse_restore_time("yesterday", now)


def test_switch_sets_the_host_override_then_updates_with_the_guardrails() -> None:
    set_host, up = (step.argv for step in switch_steps("prod", "db.internal"))

    assert set_host == [
        "pulumi",
        "config",
        "set",
        "--stack",
        "prod",
        HOST_OVERRIDE_KEY,
        "db.internal",
    ]
    assert up[:4] == ["pulumi", "up", "--stack", "prod"]
    assert value_after(up, "--policy-pack") == "policy"


def test_rollback_removes_the_override() -> None:
    remove, up = (step.argv for step in rollback_steps("staging"))
    assert remove == ["pulumi", "config", "rm", "--stack", "staging", HOST_OVERRIDE_KEY]
    assert up[:2] == ["pulumi", "up"]


def test_switch_refuses_text_that_is_not_a_host_name() -> None:
    with pytest.raises(RestoreRequestError, match="not a host name"):
        switch_steps("prod", "db.internal; rm -rf /")


def test_dry_run_prints_the_commands_and_what_to_do_next(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status = main(
        [
            "pitr",
            "--stack",
            "staging",
            "--cloud",
            "gcp",
            "--source",
            "whiteboard-stg-db",
            "--gcp-project",
            "whiteboard-staging",
            "--time",
            "2026-12-01T08:00:00Z",
        ]
    )

    output = capsys.readouterr().out
    assert status == 0
    assert "$ gcloud sql instances clone whiteboard-stg-db" in output
    assert "python -m ops.restore check" in output
    assert "python -m ops.restore switch --stack staging" in output


def test_bad_request_ends_with_a_one_line_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    naive_time = ["--time", "2026-12-01T08:00:00"]
    status = main(
        ["pitr", "--stack", "prod", "--cloud", "aws", "--source", "db", *naive_time]
    )
    assert status == 2
    assert capsys.readouterr().err.startswith("error: '2026-12-01T08:00:00' has no")
