"""Prints the cloud a stack deploys to: `whiteboard:cloud` from its stack file.

    python -m tools.stack_cloud prod      # -> aws

The workflows use it to pick which cloud to sign in to before `pulumi preview` or
`pulumi up`. A stack file without the key gets the default from `Pulumi.yaml`.
"""

import argparse
import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
KEY = "whiteboard:cloud"
CLOUDS = ("aws", "gcp", "azure")


def _read(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text()) or {}


def cloud_of(stack: str, root: Path = ROOT) -> str:
    """The cloud `stack` deploys to; raises ValueError for a missing or odd one."""
    stack_file = root / f"Pulumi.{stack}.yaml"
    if not stack_file.exists():
        raise ValueError(f"no stack file {stack_file.name}")

    value = (_read(stack_file).get("config") or {}).get(KEY)
    if value is None:
        declared = (_read(root / "Pulumi.yaml").get("config") or {}).get("cloud")
        value = declared.get("default") if isinstance(declared, dict) else declared
    if value not in CLOUDS:
        raise ValueError(f"{KEY} of stack {stack} is {value!r}, not one of {CLOUDS}")
    return str(value)


def main(argv: list[str] | None = None) -> int:
    """Print the stack's cloud, or explain on stderr why there is none."""
    parser = argparse.ArgumentParser(prog="python -m tools.stack_cloud")
    parser.add_argument("stack", help="stack name, e.g. staging or prod")
    args = parser.parse_args(argv)
    try:
        sys.stdout.write(cloud_of(args.stack) + "\n")
    except ValueError as error:
        sys.stderr.write(f"{error}\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
