"""Writes what the program plans to create, per stack and cloud, as Markdown.

    python -m tools.plan           # rewrite docs/plan/<stack>-<cloud>.md
    python -m tools.plan --check   # exit 1 if a committed summary is out of date

The program runs under mocks (no cloud, no credentials), so a reviewer sees in the
diff of `docs/plan/` what a change does to the infrastructure. Every input of every
resource is listed, flattened to one `path: value` line each; values under names
that look secret are masked.
"""

import argparse
import difflib
import json
import re
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tools import program_runs

PLAN_DIR = program_runs.ROOT / "docs" / "plan"
REFRESH_COMMAND = ".venv/bin/python -m tools.plan"

SECRET_KEY = re.compile(r"password|secret|token|private_?key", re.I)
MAX_VALUE_CHARS = 160


def plan_path(stack: str, cloud: str) -> Path:
    return PLAN_DIR / f"{stack}-{cloud}.md"


def _decoded(value: Any) -> Any:
    """A string holding a JSON document (IAM policies, ECS containers), decoded."""
    if isinstance(value, str) and value[:1] in ("{", "["):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _flatten(value: Any, path: str) -> Iterator[tuple[str, str]]:
    value = _decoded(value)
    if SECRET_KEY.search(path.rsplit(".", 1)[-1]) and not isinstance(
        value, dict | list
    ):
        yield path, "(secret)"
    elif isinstance(value, dict):
        if not value:
            yield path, "{}"
        for key in sorted(value):
            yield from _flatten(value[key], f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        if not value:
            yield path, "[]"
        for index, item in enumerate(value):
            yield from _flatten(item, f"{path}[{index}]")
    else:
        yield path, _scalar(value)


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, float) and value.is_integer():
        text = str(int(value))
    elif value is None:
        text = "null"
    else:
        text = str(value)
    text = text.replace("\n", "\\n").replace("`", "'")
    if len(text) > MAX_VALUE_CHARS:
        text = text[: MAX_VALUE_CHARS - 1] + "…"
    return f"`{text}`"


def render(stack: str, cloud: str, run: Any) -> str:
    """The Markdown summary of one program run."""
    resources = sorted(run.resources, key=lambda r: (r.type, r.name))
    by_urn = {resource.urn: resource for resource in run.resources}
    counts = Counter(resource.type for resource in resources)

    lines = [
        f"# Planned resources: stack `{stack}` on {cloud}",
        "",
        "Written by `python -m tools.plan` from the Pulumi program under mocks: what",
        f"`pulumi up` declares for `{stack}` with `whiteboard:cloud={cloud}`. Do not",
        f"edit by hand; after changing the program run `{REFRESH_COMMAND}`.",
        "",
        f"{len(resources)} resources:",
        "",
        "| type | count |",
        "|---|---|",
    ]
    lines += [f"| `{type_}` | {count} |" for type_, count in sorted(counts.items())]

    for resource in resources:
        notes = []
        parent = by_urn.get(resource.parent)
        if parent is not None:
            notes.append(f"in `{parent.name}`")
        if resource.protect:
            notes.append("protected")
        if not resource.custom:
            notes.append("component")
        suffix = f" ({', '.join(notes)})" if notes else ""
        lines += ["", f"## `{resource.name}`: `{resource.type}`{suffix}", ""]
        settings = list(_flatten(resource.inputs, ""))
        if not settings:
            lines.append("- no inputs")
        lines += [f"- {path}: {value}" for path, value in settings if path]
    return "\n".join(lines) + "\n"


def current_plans() -> dict[Path, str]:
    """Each summary file as the program would write it now."""
    return {
        plan_path(stack, cloud): render(stack, cloud, run)
        for stack, cloud, run in program_runs.all_runs()
    }


def stale_plans(wanted: dict[Path, str]) -> list[str]:
    """Problems between the committed summaries and `wanted`, one message each."""
    problems = []
    for path, text in sorted(wanted.items()):
        name = path.relative_to(program_runs.ROOT)
        if not path.exists():
            problems.append(f"{name} is missing")
            continue
        committed = path.read_text()
        if committed != text:
            diff = difflib.unified_diff(
                committed.splitlines(),
                text.splitlines(),
                f"{name} (committed)",
                f"{name} (program)",
                lineterm="",
                n=1,
            )
            shown = list(diff)[:40]
            problems.append(f"{name} is out of date:\n" + "\n".join(shown))
    for path in sorted(PLAN_DIR.glob("*.md")):
        if path not in wanted and path.name != "README.md":
            name = path.relative_to(program_runs.ROOT)
            problems.append(f"{name} names a stack or cloud the program lacks")
    return problems


def main(argv: list[str] | None = None) -> int:
    """Write the summaries, or with --check report the ones out of date."""
    parser = argparse.ArgumentParser(prog="python -m tools.plan", description=__doc__)
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    args = parser.parse_args(argv)

    wanted = current_plans()
    if args.check:
        problems = stale_plans(wanted)
        for problem in problems:
            sys.stderr.write(problem + "\n")
        if problems:
            sys.stderr.write(f"Refresh with: {REFRESH_COMMAND}\n")
        return 1 if problems else 0

    PLAN_DIR.mkdir(parents=True, exist_ok=True)
    for path, text in wanted.items():
        path.write_text(text)
        sys.stdout.write(f"wrote {path.relative_to(program_runs.ROOT)}\n")
    for problem in stale_plans(wanted):
        sys.stdout.write(f"note: {problem}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
