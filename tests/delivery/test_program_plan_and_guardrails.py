"""The whole Pulumi program, under mocks, for every stack and implemented cloud: it
passes every guardrail, and its committed plan summary (docs/plan/) is current.

The (stack, cloud) pairs come from the program itself, so a cloud added to it is
covered here with no change."""

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from guardrails import INSPECTED_TYPES, POLICIES
from guardrails.evaluate import PlannedResource, evaluate

from tools import plan, program_runs

PAIRS = program_runs.stack_cloud_pairs()
PAIR_IDS = [f"{stack}-{cloud}" for stack, cloud in PAIRS]

# Cloud SQL and Azure Database for PostgreSQL encrypt storage always: no setting.
NOTHING_TO_SET = {("storage-encrypted", "gcp"), ("storage-encrypted", "azure")}

# Azure keeps backups 7 days at least, so only some clouds accept a 3-day setting.
SHORT_RETENTION_ALLOWED = {"aws", "gcp"}

pytestmark = pytest.mark.timeout(300)


def planned(stack: str, run: Any) -> list[PlannedResource]:
    return [
        PlannedResource(r.type, r.name, r.inputs, stack, protect=r.protect)
        for r in run.resources
    ]


def test_the_program_declares_both_stacks_on_aws_at_least() -> None:
    assert ("staging", "aws") in PAIRS
    assert ("prod", "aws") in PAIRS


@pytest.mark.parametrize(("stack", "cloud"), PAIRS, ids=PAIR_IDS)
def test_program_passes_every_guardrail(stack: str, cloud: str) -> None:
    run = program_runs.program_run(stack, cloud)
    violations = evaluate(planned(stack, run))
    assert violations == [], "\n".join(map(str, violations))


@pytest.mark.parametrize(("stack", "cloud"), PAIRS, ids=PAIR_IDS)
def test_every_guardrail_has_something_to_inspect(stack: str, cloud: str) -> None:
    run = program_runs.program_run(stack, cloud)
    present = {resource.type for resource in run.resources}
    idle = [
        policy.name
        for policy in POLICIES
        if not INSPECTED_TYPES[policy.name] & present
        and (policy.name, cloud) not in NOTHING_TO_SET
    ]
    assert idle == [], f"policies that see no resource of {stack} on {cloud}"

    backend_inspected = [
        resource
        for resource in run.resources
        if resource.type in INSPECTED_TYPES["backend-runs-at-least-two-instances"]
        and "backend" in resource.name
    ]
    assert backend_inspected, "no backend service named *backend*"


@pytest.mark.parametrize("cloud", sorted({cloud for _, cloud in PAIRS}))
def test_guardrails_stop_a_prod_stack_configured_like_staging(cloud: str) -> None:
    # The program's configuration holds production to its rules through
    # `environment`; the guardrails go by the stack, so a prod stack told it is
    # staging is still stopped.
    weakened: dict[str, Any] = {
        "environment": "staging",
        "databaseDeletionProtection": False,
    }
    expected = {"prod-database-deletion-protected"}
    if cloud in SHORT_RETENTION_ALLOWED:
        weakened["databaseBackupRetentionDays"] = 3
        expected.add("database-backups-retained")
    run = program_runs.fresh_run("prod", cloud, weakened)

    violations = evaluate(planned("prod", run))
    assert expected <= {violation.policy for violation in violations}


@pytest.mark.parametrize(("stack", "cloud"), PAIRS, ids=PAIR_IDS)
def test_committed_plan_summary_matches_the_program(stack: str, cloud: str) -> None:
    path = plan.plan_path(stack, cloud)
    wanted = plan.render(stack, cloud, program_runs.program_run(stack, cloud))
    problems = plan.stale_plans({path: wanted})
    problems = [p for p in problems if "names a stack or cloud" not in p]
    assert problems == [], (
        "\n".join(problems) + f"\nRefresh the summaries with: {plan.REFRESH_COMMAND}"
    )


def test_no_plan_summary_names_a_stack_or_cloud_the_program_lacks() -> None:
    wanted = {plan.plan_path(stack, cloud) for stack, cloud in PAIRS}
    extra = sorted(
        path.name
        for path in plan.PLAN_DIR.glob("*.md")
        if path not in wanted and path.name != "README.md"
    )
    assert extra == [], f"remove these, or run {plan.REFRESH_COMMAND}"


def fake_run(resources: list[dict[str, Any]]) -> SimpleNamespace:
    registered = [
        SimpleNamespace(
            urn=f"urn:pulumi:prod::whiteboard::{r['type']}::{r['name']}",
            parent="",
            custom=True,
            **{"protect": False, **r},
        )
        for r in resources
    ]
    return SimpleNamespace(resources=registered)


def test_plan_lists_settings_one_per_line_and_masks_secrets() -> None:
    run = fake_run(
        [
            {
                "type": "aws:rds/instance:Instance",
                "name": "writer",
                "protect": True,
                "inputs": {
                    "password": "hunter2",
                    "backupRetentionPeriod": 14.0,
                    "tags": {"Name": "writer"},
                },
            },
            {
                "type": "aws:ecs/taskDefinition:TaskDefinition",
                "name": "backend",
                "inputs": {
                    "containerDefinitions": '[{"name": "backend", "secrets":'
                    ' [{"name": "SECRET_KEY", "valueFrom": "arn:secret"}]}]'
                },
            },
        ]
    )
    text = plan.render("prod", "aws", run)

    assert "hunter2" not in text
    assert "- password: (secret)" in text
    assert "- backupRetentionPeriod: `14`" in text
    assert "- tags.Name: `writer`" in text
    assert "## `writer`: `aws:rds/instance:Instance` (protected)" in text
    assert "- containerDefinitions[0].secrets[0].name: `SECRET_KEY`" in text
    assert "| `aws:rds/instance:Instance` | 1 |" in text


def test_stale_summary_is_reported_with_its_diff(tmp_path: Path) -> None:
    path = plan.PLAN_DIR / "prod-aws.md"
    text = path.read_text() if path.exists() else ""
    problems = plan.stale_plans({path: text + "- extra: `line`\n"})
    assert any(
        "out of date" in problem and "+- extra" in problem for problem in problems
    )
