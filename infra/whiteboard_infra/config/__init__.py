"""The stack's configuration, read in one place and validated before any resource.

`load_config()` reads every `whiteboard:` key, validates it into a `StackConfig`
(common settings plus the chosen cloud's sub-model) and raises `ConfigError` with
one line naming key, value and what is allowed. Nothing else reads Pulumi config.

Adding a cloud: write `config/<cloud>.py` with a `SettingsModel` whose keys start
with the cloud's name and a `check_with(common)` method, add it to `CLOUD_SETTINGS`
and as a field of `StackConfig`, and add the cloud to `SUPPORTED_CLOUDS`.
"""

import re
from collections.abc import Mapping
from typing import Any, TypeVar

import pulumi
import pulumi.runtime
from pydantic import BaseModel, ConfigDict, ValidationError

from whiteboard_infra.config.aws import AwsSettings
from whiteboard_infra.config.azure import AzureSettings
from whiteboard_infra.config.common import (
    SUPPORTED_CLOUDS,
    CommonSettings,
    SettingsModel,
)
from whiteboard_infra.config.errors import (
    ConfigError,
    one_line,
    refuse,
    secret_keys,
    shown,
)
from whiteboard_infra.config.gcp import GcpSettings
from whiteboard_infra.config.images import IMAGE_REFERENCE_FORM, is_image_reference

NAMESPACE = "whiteboard"

CLOUD_SETTINGS: dict[str, type[SettingsModel]] = {
    "aws": AwsSettings,
    "gcp": GcpSettings,
    "azure": AzureSettings,
}
"""Each supported cloud's sub-model, by the value of `whiteboard:cloud`."""

SETTINGS_MODELS: tuple[type[SettingsModel], ...] = (
    CommonSettings,
    AwsSettings,
    GcpSettings,
    AzureSettings,
)
"""Every model whose fields are stack keys; documentation tests walk these."""

__all__ = [
    "CLOUD_SETTINGS",
    "NAMESPACE",
    "SETTINGS_MODELS",
    "AwsSettings",
    "AzureSettings",
    "CommonSettings",
    "ConfigError",
    "GcpSettings",
    "StackConfig",
    "config_keys",
    "load_config",
    "parse_config",
]


Settings = TypeVar("Settings", bound=SettingsModel)

_DECIMAL_INTEGER = re.compile(r"-?[0-9]+")


class StackConfig(BaseModel):
    """The validated configuration of one stack: what `deploy(config)` receives."""

    model_config = ConfigDict(frozen=True)

    common: CommonSettings
    aws: AwsSettings | None = None
    gcp: GcpSettings | None = None
    azure: AzureSettings | None = None


def config_keys() -> dict[str, Any]:
    """Every stack key (without namespace) mapped to its pydantic field."""
    keys: dict[str, Any] = {}
    for model in SETTINGS_MODELS:
        for name, field in model.model_fields.items():
            keys[field.alias or name] = field
    return keys


def load_config() -> StackConfig:
    """Read and validate this stack's `whiteboard:` configuration."""
    config = pulumi.Config(NAMESPACE)
    values = {key: config.get(key) for key in config_keys()}
    present = {key: value for key, value in values.items() if value is not None}
    return parse_config(present, _set_keys(), _secret_keys())


def parse_config(
    values: Mapping[str, str],
    set_keys: set[str] | None = None,
    secret: set[str] | None = None,
) -> StackConfig:
    """Validate raw string values by key into a `StackConfig`.

    `set_keys` are all `whiteboard:` keys the stack sets; unknown ones (typos) are
    refused rather than silently ignored. A refusal shows `(secret)` for the value
    of a key in `secret` and of a key the model always keeps secret.
    """
    with secret_keys((secret or set()) | _always_secret()):
        return _parse(values, set_keys)


def _parse(values: Mapping[str, str], set_keys: set[str] | None) -> StackConfig:
    known = config_keys()
    for key in sorted((set_keys or set()) - set(known)):
        raise ConfigError(f"whiteboard:{key} is refused: not a known setting")

    common = _validate(CommonSettings, values)
    _check_images(common)
    if common.cloud not in SUPPORTED_CLOUDS:
        error = refuse(
            "cloud",
            common.cloud,
            f"not yet supported; supported: {', '.join(SUPPORTED_CLOUDS)}",
        )
        raise ConfigError(str(error))

    cloud_model = CLOUD_SETTINGS[common.cloud]
    cloud = _validate(cloud_model, values)
    try:
        cloud.check_with(common)  # type: ignore[attr-defined]
    except ValueError as error:
        raise ConfigError(str(error)) from None
    return StackConfig.model_validate({"common": common, common.cloud: cloud})


def _validate(model: type[Settings], values: Mapping[str, str]) -> Settings:
    fields = {field.alias: field for field in model.model_fields.values()}
    mine = {key: value for key, value in values.items() if key in fields}
    for key, value in mine.items():
        _check_spelling(key, value, fields[key].annotation)
    try:
        return model.model_validate(mine)
    except ValidationError as error:
        raise ConfigError(_one_line(error, mine)) from None


def _check_images(common: CommonSettings) -> None:
    """Refuse a prebuilt image that Docker would not parse as a reference."""
    for key, image in (
        ("backendImage", common.backend_image),
        ("frontendImage", common.frontend_image),
    ):
        if image and not is_image_reference(image):
            allowed = (
                f"an image reference: {IMAGE_REFERENCE_FORM}, e.g. "
                "ghcr.io/acme/whiteboard-backend:1.4.2"
            )
            raise ConfigError(str(refuse(key, image, allowed)))


def _check_spelling(key: str, value: str, annotation: Any) -> None:
    """Refuse a boolean other than true/false and an integer other than plain
    decimal digits.

    Stack values arrive as text, which pydantic would read leniently: "yes", "on"
    or "0" as booleans, " 10 ", "10.0" or "1_0" as integers. Pulumi's own typed
    config accepts only true/false and digits, and so does this program.
    """
    if not isinstance(value, str):
        return
    if annotation is bool and value.lower() not in ("true", "false"):
        raise ConfigError(str(refuse(key, value, "true or false")))
    if annotation is int and not _DECIMAL_INTEGER.fullmatch(value):
        allowed = "a whole number in decimal digits, e.g. 10"
        raise ConfigError(str(refuse(key, value, allowed)))


def _one_line(error: ValidationError, values: Mapping[str, str]) -> str:
    first = error.errors()[0]
    message = str(first["msg"]).removeprefix("Value error, ")
    if message.startswith("whiteboard:"):
        return one_line(message)
    key = str(first["loc"][0]) if first["loc"] else "?"
    value = shown(key, values.get(key, ""))
    return f"whiteboard:{key}={value} is refused: {one_line(message)}"


def _always_secret() -> set[str]:
    """Keys whose fields are marked secret in the model, however they are set."""
    return {
        key
        for key, field in config_keys().items()
        if isinstance(field.json_schema_extra, dict)
        and field.json_schema_extra.get("secret")
    }


def _secret_keys() -> set[str]:
    """Keys under `whiteboard:` that the running stack marks secret."""
    from_env = set(pulumi.runtime.config.get_config_secret_keys_env())
    return {
        key
        for key in config_keys()
        if pulumi.runtime.is_config_secret(f"{NAMESPACE}:{key}")
        or f"{NAMESPACE}:{key}" in from_env
    }


def _set_keys() -> set[str]:
    """Keys under `whiteboard:` that the running stack sets, however it passed them."""
    names = set(pulumi.runtime.config.CONFIG.get()) | set(
        pulumi.runtime.get_config_env()
    )
    prefix = f"{NAMESPACE}:"
    return {name.removeprefix(prefix) for name in names if name.startswith(prefix)}
