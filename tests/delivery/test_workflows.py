"""The GitHub workflows: valid against GitHub's schema, clean under checkov, and
keeping the delivery rules (OIDC only, pinned actions, no overlapping deploys)."""

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
ACTIONS = sorted((ROOT / ".github" / "actions").glob("*/action.yml"))
CHECKOV = ROOT / ".venv-tools" / "bin" / "checkov"
PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+(\.\d+)*$")
LONG_LIVED_KEY_INPUTS = (
    "aws-access-key-id",
    "aws-secret-access-key",
    "credentials_json",
)


def load(path: Path) -> dict[str, Any]:
    document = yaml.safe_load(path.read_text())
    # YAML 1.1 reads the key `on` as True.
    if True in document:
        document["on"] = document.pop(True)
    return document


def workflow(name: str) -> dict[str, Any]:
    return load(ROOT / ".github" / "workflows" / name)


def uses_lines() -> list[tuple[Path, str]]:
    found = []
    for path in [*WORKFLOWS, *ACTIONS]:
        for line in path.read_text().splitlines():
            match = re.match(r"^\s*(?:- )?uses: (.+)$", line)
            if match:
                found.append((path, match.group(1).strip()))
    return found


@pytest.fixture(scope="module")
def checkov_results() -> dict[str, subprocess.CompletedProcess[str]]:
    """Checkov over the workflows and over the Dockerfiles, both runs at once (most
    of their time is checkov starting up)."""
    assert CHECKOV.exists(), "checkov is missing: run scripts/setup.sh --test-tools"
    dockerfiles = sorted((ROOT / "app").glob("*/Dockerfile"))
    assert dockerfiles, "no Dockerfile under app/"
    scans = {
        "workflows": ["-d", str(ROOT / ".github"), "--framework", "github_actions"],
        "dockerfiles": [
            *[arg for path in dockerfiles for arg in ("-f", str(path))],
            "--framework",
            "dockerfile",
        ],
    }
    running = {
        name: subprocess.Popen(
            [str(CHECKOV), "--skip-download", "--compact", "--quiet", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name, args in scans.items()
    }
    results = {}
    for name, process in running.items():
        stdout, stderr = process.communicate(timeout=300)
        results[name] = subprocess.CompletedProcess(
            process.args, process.returncode, stdout, stderr
        )
    return results


def test_there_are_pull_request_main_and_production_workflows() -> None:
    names = {path.name for path in WORKFLOWS}
    assert {"pull-request.yml", "main.yml", "prod.yml", "deploy.yml"} <= names


def schema_check(schema: str, files: list[Path]) -> subprocess.CompletedProcess[str]:
    """check-jsonschema with one of the schemas it ships (works offline)."""
    command = [sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema]
    return subprocess.run(
        [*command, *map(str, files)], capture_output=True, text=True, check=False
    )


def test_workflows_match_the_github_workflow_schema() -> None:
    done = schema_check("vendor.github-workflows", WORKFLOWS)
    assert done.returncode == 0, done.stdout + done.stderr


def test_composite_actions_match_the_github_action_schema() -> None:
    assert ACTIONS, "no composite action found"
    done = schema_check("vendor.github-actions", ACTIONS)
    assert done.returncode == 0, done.stdout + done.stderr


def test_checkov_finds_nothing_in_the_workflows(
    checkov_results: dict[str, subprocess.CompletedProcess[str]],
) -> None:
    done = checkov_results["workflows"]
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Passed checks" in done.stdout


def test_checkov_finds_nothing_in_the_dockerfiles(
    checkov_results: dict[str, subprocess.CompletedProcess[str]],
) -> None:
    done = checkov_results["dockerfiles"]
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Passed checks" in done.stdout


def test_every_action_is_pinned_to_a_commit_with_its_version_named() -> None:
    external = [(path, ref) for path, ref in uses_lines() if not ref.startswith("./")]
    assert external
    unpinned = [
        f"{path.name}: {ref}" for path, ref in external if not PINNED.match(ref)
    ]
    assert unpinned == []


def test_clouds_are_reached_through_oidc_only() -> None:
    for path in [*WORKFLOWS, *ACTIONS]:
        text = path.read_text()
        for key in LONG_LIVED_KEY_INPUTS:
            assert f"{key}:" not in text, f"{path.name} passes {key}"
        assert "secrets." not in text, f"{path.name} reads a stored secret"

    for path in WORKFLOWS:
        for name, job in load(path).get("jobs", {}).items():
            signs_in = "cloud-login" in yaml.safe_dump(job.get("steps", []))
            if signs_in:
                assert job["permissions"]["id-token"] == "write", f"{path.name}:{name}"


def test_two_updates_of_one_stack_never_overlap() -> None:
    (job,) = workflow("deploy.yml")["jobs"].values()
    assert job["concurrency"] == {
        "group": "deploy-${{ inputs.stack }}",
        "cancel-in-progress": False,
    }
    assert job["environment"]["name"] == "${{ inputs.stack }}"


def test_pull_requests_preview_both_stacks_with_the_policy_pack_and_comment() -> None:
    preview = workflow("pull-request.yml")["jobs"]["preview"]
    assert preview["strategy"]["matrix"]["stack"] == ["staging", "prod"]
    (step,) = [s for s in preview["steps"] if "pulumi/actions" in s.get("uses", "")]
    assert step["with"]["command"] == "preview"
    assert step["with"]["policyPacks"] == "policy"
    assert step["with"]["comment-on-pr"] is True
    assert preview["permissions"]["pull-requests"] == "write"


def test_pull_requests_and_main_run_every_check() -> None:
    for name in ("pull-request.yml", "main.yml"):
        checks = workflow(name)["jobs"]["checks"]
        assert checks["uses"] == "./.github/workflows/checks.yml"
    steps = workflow("checks.yml")["jobs"]["test"]["steps"]
    assert any(step.get("run") == "bash .ci/run" for step in steps)


def test_main_builds_once_then_updates_staging_and_smoke_tests_it() -> None:
    jobs = workflow("main.yml")["jobs"]
    assert jobs["images"]["needs"] == "checks"
    assert jobs["staging"]["needs"] == "images"
    assert jobs["staging"]["with"]["stack"] == "staging"
    up = workflow("deploy.yml")["jobs"]["up"]["steps"]
    commands = [step.get("with", {}).get("command") for step in up]
    assert commands.count("up") == 1
    smoke = up[-1]
    assert "tools.smoke" in smoke["run"]


def test_production_deploys_the_images_main_built_by_digest() -> None:
    prod = workflow("prod.yml")
    assert set(prod["on"]) == {"release", "workflow_dispatch"}
    text = (ROOT / ".github" / "workflows" / "prod.yml").read_text()
    assert "build-push-action" not in text
    assert "@$digest" in text
    assert prod["jobs"]["prod"]["with"]["stack"] == "prod"
    steps = workflow("deploy.yml")["jobs"]["up"]["steps"]
    (up,) = [step for step in steps if step.get("id") == "up"]
    config_map = up["with"]["config-map"]
    assert "whiteboard:backendImage" in config_map
    assert "whiteboard:frontendImage" in config_map


@pytest.mark.parametrize("stack", ["staging", "prod"])
def test_each_stack_names_a_cloud_the_workflows_can_sign_in_to(stack: str) -> None:
    from tools.stack_cloud import cloud_of

    assert cloud_of(stack) in ("aws", "gcp", "azure")
