"""The program's shape: a short cloud-neutral entry point, and cloud packages that
never reach into each other."""

import ast

import pytest
from pulumi_harness import INFRA

PACKAGE = INFRA / "whiteboard_infra"
CLOUDS = ("aws", "gcp", "azure")


def imported_modules(path) -> set[str]:
    tree = ast.parse(path.read_text())
    modules = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            modules.add(node.module)
    return modules


def test_entry_point_is_short_and_cloud_neutral() -> None:
    main = INFRA / "__main__.py"
    assert len(main.read_text().splitlines()) <= 30
    assert imported_modules(main) == {
        "pulumi",
        "whiteboard_infra.config",
        "whiteboard_infra.deploy",
    }


@pytest.mark.parametrize("cloud", [c for c in CLOUDS if (PACKAGE / c).is_dir()])
def test_cloud_package_imports_no_other_cloud(cloud: str) -> None:
    others = [f"whiteboard_infra.{c}" for c in CLOUDS if c != cloud]
    others += [f"pulumi_{c}" for c in CLOUDS if c != cloud]
    for path in (PACKAGE / cloud).rglob("*.py"):
        for module in imported_modules(path):
            assert not any(
                module == other
                or module.startswith(f"{other}.")
                or module.startswith(f"{other}_")
                for other in others
            ), f"{path.name} imports {module}"


def test_aws_components_have_whiteboard_aws_type_tokens() -> None:
    tokens = set()
    for path in (PACKAGE / "aws").glob("*.py"):
        tokens |= set(
            node.value
            for node in ast.walk(ast.parse(path.read_text()))
            if isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and node.value.startswith("whiteboard:aws:")
        )
    assert tokens == {
        "whiteboard:aws:Network",
        "whiteboard:aws:Secrets",
        "whiteboard:aws:Database",
        "whiteboard:aws:Registry",
        "whiteboard:aws:LoadBalancer",
        "whiteboard:aws:ContainerService",
    }
