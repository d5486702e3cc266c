"""The configuration model, Pulumi.yaml and the README say the same thing, and the
stack files hold only known, plain settings."""

import re

import pytest
from pulumi_harness import ROOT, STACKS, project_file, stack_file
from whiteboard_infra.config import SETTINGS_MODELS, config_keys

PULUMI_TYPES = {bool: "boolean", int: "integer", str: "string"}


def is_secret(field) -> bool:
    return bool((field.json_schema_extra or {}).get("secret"))


def pulumi_type(field) -> str:
    annotation = field.annotation
    if annotation in PULUMI_TYPES:
        return PULUMI_TYPES[annotation]
    return "string"  # Literal choices are strings


def readme_section(title: str) -> str:
    text = (ROOT / "README.md").read_text()
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", text, re.M | re.S)
    assert match, f"README has no '{title}' section"
    return match.group(1)


def declared() -> dict:
    return project_file().get("config", {})


def test_every_plain_key_is_declared_in_pulumi_yaml_with_type_and_default() -> None:
    for key, field in config_keys().items():
        if is_secret(field):
            continue
        assert key in declared(), f"{key} missing from Pulumi.yaml"
        entry = declared()[key]
        assert entry["type"] == pulumi_type(field), key
        assert entry["description"], key
        default = entry["default"]
        assert default == field.default, f"{key}: {default!r} != {field.default!r}"


def test_secret_keys_are_not_declared_with_a_plain_default() -> None:
    secrets = [key for key, field in config_keys().items() if is_secret(field)]
    assert set(secrets) >= {"databasePassword", "secretKey"}
    for key in secrets:
        assert "default" not in declared().get(key, {}), key


def test_pulumi_yaml_declares_no_key_the_model_lacks() -> None:
    project_keys = {key for key in declared() if ":" not in key}
    assert project_keys <= set(config_keys())


def test_readme_configuration_reference_lists_every_key_once() -> None:
    section = readme_section("Configuration reference")
    documented = re.findall(r"^\| `whiteboard:([A-Za-z0-9]+)`", section, re.M)
    assert sorted(documented) == sorted(config_keys())


@pytest.mark.parametrize("model", SETTINGS_MODELS, ids=lambda m: m.__name__)
def test_every_field_has_a_description(model) -> None:
    for name, field in model.model_fields.items():
        assert field.description, f"{model.__name__}.{name}"


@pytest.mark.parametrize("stack", STACKS)
def test_stack_files_set_only_known_keys_and_no_secrets(stack: str) -> None:
    config = stack_file(stack).get("config", {})
    for key, value in config.items():
        namespace, _, name = key.partition(":")
        assert namespace == "whiteboard", key
        assert name in config_keys(), key
        assert not isinstance(value, dict), f"{key}: no secure or object values"
