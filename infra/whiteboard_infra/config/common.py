"""The settings every cloud shares: names, sizes of the backend and the database,
timeouts and secrets.

Each field is one flat stack key, `whiteboard:<alias>`; its description is the
documentation that Pulumi.yaml and the README repeat (a test keeps the three in step).
Cloud-specific settings live in one sub-model per cloud (`config/aws.py`).
"""

import re
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    field_validator,
    model_validator,
)
from pydantic.alias_generators import to_camel, to_snake

from whiteboard_infra.config.errors import refuse, setting

SUPPORTED_CLOUDS = ("aws", "gcp", "azure")
"""Clouds whose `deploy` exists; the others are accepted names that fail clearly."""

LOG_RETENTION_DAYS = (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731)
"""Retention periods every cloud's log store accepts (CloudWatch's list, shortened)."""

POSTGRES_PORT = 5432
"""The port every cloud's managed PostgreSQL listens on."""

_RESOURCE_PREFIX = re.compile(r"^[a-z](?:[a-z0-9]|-(?!-))*[a-z0-9]$")
_SQL_IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]*$")
_RESERVED_DATABASE_USERS = {"rdsadmin", "rdsrepladmin", "rds_superuser", "public"}
_RESERVED_DATABASE_NAMES = {"postgres", "template0", "template1", "rdsadmin"}


def secret(description: str) -> Any:
    """A field set only with `pulumi config set --secret`; generated when unset."""
    return Field(
        default=None, description=description, json_schema_extra={"secret": True}
    )


class SettingsModel(BaseModel):
    """Base for every settings model: camelCase stack keys, immutable, no extras."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        frozen=True,
        extra="forbid",
        hide_input_in_errors=True,
    )


class CommonSettings(SettingsModel):
    """Settings every cloud reads. Defaults are the cheap `staging` values."""

    cloud: Literal["aws", "gcp", "azure"] = Field(
        default="aws", description="The cloud to deploy to: `aws`, `gcp` or `azure`."
    )
    environment: Literal["staging", "production"] = Field(
        default="staging",
        description="What the backend is told it runs in (`ENVIRONMENT`).",
    )
    resource_prefix: str = Field(
        default="whiteboard",
        description="Start of every cloud resource name: 2-20 lowercase letters, "
        "digits and single hyphens, starting with a letter.",
    )
    domain_name: str = Field(
        default="",
        description="Public host name of the app, e.g. `board.example.com`. Empty: "
        "plain HTTP on the load balancer's own name.",
    )
    backend_min_instances: int = Field(
        default=2, description="Fewest backend instances the autoscaler keeps (2-10)."
    )
    backend_max_instances: int = Field(
        default=10, description="Most backend instances the autoscaler starts (2-10)."
    )
    backend_cpu_target_percent: int = Field(
        default=60,
        ge=10,
        le=90,
        description="Average CPU use the autoscaler aims for, in percent (10-90).",
    )
    backend_connections_target_per_instance: int = Field(
        default=1000,
        ge=10,
        le=50000,
        description="Open client connections per backend instance the autoscaler "
        "aims for (10-50000).",
    )
    scale_out_cooldown_seconds: int = Field(
        default=60,
        ge=0,
        le=3600,
        description="Seconds after a scale-out before the next one (0-3600).",
    )
    scale_in_cooldown_seconds: int = Field(
        default=300,
        ge=0,
        le=3600,
        description="Seconds after a scale-in before the next one (0-3600).",
    )
    frontend_instances: int = Field(
        default=2, ge=1, le=10, description="Frontend (nginx) instances (1-10)."
    )
    shutdown_grace_seconds: int = Field(
        default=20,
        ge=1,
        le=110,
        description="Seconds a stopping backend has to drain (`SHUTDOWN_GRACE_SECONDS`,"
        " 1-110); the platform waits longer before it kills.",
    )
    websocket_idle_timeout_seconds: int = Field(
        default=3600,
        description="Seconds an idle WebSocket stays open at the load balancer; at "
        "least 3600, at most what the cloud allows.",
    )
    log_level: Literal["debug", "info", "warning", "error"] = Field(
        default="info", description="The backend's `LOG_LEVEL`."
    )
    log_retention_days: int = Field(
        default=14,
        description="Days container logs are kept: one of "
        + ", ".join(map(str, LOG_RETENTION_DAYS))
        + ".",
    )
    backend_image: str = Field(
        default="",
        description="Prebuilt backend image reference (what CI passes). Empty: build "
        "`app/backend` and push it.",
    )
    frontend_image: str = Field(
        default="",
        description="Prebuilt frontend image reference. Empty: build `app/frontend` "
        "and push it.",
    )
    database_name: str = Field(
        default="whiteboard",
        description="PostgreSQL database name (`DATABASE_NAME`): lowercase letters, "
        "digits, `_`, starting with a letter, at most 63.",
    )
    database_user: str = Field(
        default="whiteboard",
        description="PostgreSQL user the backend connects as (`DATABASE_USER`), same "
        "rules as the name.",
    )
    database_pool_size: int = Field(
        default=5,
        ge=1,
        le=100,
        description="Connections per backend instance, besides its one listener "
        "connection (`DATABASE_POOL_SIZE`, 1-100).",
    )
    database_storage_gib: int = Field(
        default=20, ge=20, le=65536, description="Initial database storage in GiB."
    )
    database_max_storage_gib: int = Field(
        default=100,
        ge=20,
        le=65536,
        description="Storage autoscaling ceiling in GiB (at least the initial size).",
    )
    database_high_availability: bool = Field(
        default=False,
        description="A standby in a second zone that takes over on failure.",
    )
    database_read_replicas: int = Field(
        default=0,
        ge=0,
        le=5,
        description="Read replicas (0-5); their hosts reach the backend as "
        "`DATABASE_READER_HOSTS`.",
    )
    database_backup_retention_days: int = Field(
        default=3,
        ge=1,
        le=35,
        description="Days automated backups and point-in-time recovery reach back "
        "(1-35).",
    )
    database_deletion_protection: bool = Field(
        default=False,
        description="Refuse to delete the database, in the cloud and in Pulumi "
        "(`protect`); deleting also takes a final snapshot.",
    )
    database_host_override: str = Field(
        default="",
        description="Host name, or `host:port`, of a restored database the backend "
        "uses as its writer (`DATABASE_HOST`) instead of the stack's own; "
        "`DATABASE_READER_HOSTS` is then empty. Empty: the stack's own database.",
    )
    database_password: SecretStr | None = secret(
        "Password of the database user. Unset: generated and kept in the stack state."
    )
    secret_key: SecretStr | None = secret(
        "Key that signs share links (`SECRET_KEY`). Unset: generated."
    )

    @field_validator("resource_prefix")
    @classmethod
    def _prefix_is_a_name_every_cloud_accepts(cls, value: str) -> str:
        if not 2 <= len(value) <= 20 or not _RESOURCE_PREFIX.fullmatch(value):
            raise refuse(
                "resourcePrefix",
                value,
                "use 2-20 lowercase letters, digits and single hyphens, starting "
                "with a letter and ending with a letter or digit",
            )
        if value.startswith("internal"):
            raise refuse(
                "resourcePrefix", value, "load balancer names may not start 'internal'"
            )
        return value

    @field_validator("domain_name")
    @classmethod
    def _domain_is_a_host_name(cls, value: str) -> str:
        labels = value.split(".")
        valid = all(
            re.fullmatch(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?", label)
            for label in labels
        )
        if value and (len(labels) < 2 or len(value) > 253 or not valid):
            raise refuse(
                "domainName", value, "a lowercase DNS name such as board.example.com"
            )
        return value

    @field_validator("backend_min_instances", "backend_max_instances")
    @classmethod
    def _instances_in_range(cls, value: int, info: Any) -> int:
        if not 2 <= value <= 10:
            raise refuse(to_camel(info.field_name), value, "between 2 and 10")
        return value

    @field_validator("websocket_idle_timeout_seconds")
    @classmethod
    def _idle_websocket_survives_an_hour(cls, value: int) -> int:
        if value < 3600:
            raise refuse(
                "websocketIdleTimeoutSeconds",
                value,
                "at least 3600, so an idle WebSocket stays open for an hour",
            )
        return value

    @field_validator("log_retention_days")
    @classmethod
    def _retention_is_offered(cls, value: int) -> int:
        if value not in LOG_RETENTION_DAYS:
            allowed = ", ".join(map(str, LOG_RETENTION_DAYS))
            raise refuse("logRetentionDays", value, f"one of {allowed}")
        return value

    @field_validator("database_name", "database_user")
    @classmethod
    def _sql_identifier(cls, value: str, info: Any) -> str:
        key = to_camel(info.field_name)
        reserved = (
            _RESERVED_DATABASE_NAMES
            if info.field_name == "database_name"
            else _RESERVED_DATABASE_USERS
        )
        if len(value) > 63 or not _SQL_IDENTIFIER.fullmatch(value):
            raise refuse(
                key,
                value,
                "1-63 lowercase letters, digits and underscores, starting with a "
                "letter",
            )
        if value in reserved or value.startswith("pg_"):
            raise refuse(key, value, "a name the database does not reserve for itself")
        return value

    @field_validator("database_host_override")
    @classmethod
    def _override_is_a_host(cls, value: str) -> str:
        host, colon, port = value.partition(":")
        labels = host.split(".")
        valid_host = len(host) <= 253 and all(
            re.fullmatch(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?", label)
            for label in labels
        )
        valid_port = not colon or (
            port.isascii() and port.isdigit() and 1 <= int(port) <= 65535
        )
        if value and not (valid_host and valid_port):
            raise refuse(
                "databaseHostOverride",
                value,
                "a host name such as restored.db.internal, optionally with :port "
                "(1-65535)",
            )
        return value

    @field_validator("database_password")
    @classmethod
    def _password_the_database_accepts(cls, value: SecretStr | None) -> Any:
        if value is None:
            return value
        password = value.get_secret_value()
        printable = all(33 <= ord(char) <= 126 for char in password)
        if not 8 <= len(password) <= 128 or not printable or set(password) & set('/"@'):
            raise refuse(
                "databasePassword",
                "(secret)",
                '8-128 printable ASCII characters without space, / " or @',
            )
        return value

    @field_validator("secret_key")
    @classmethod
    def _secret_key_is_long(cls, value: SecretStr | None) -> Any:
        if value is not None and len(value.get_secret_value()) < 32:
            raise refuse("secretKey", "(secret)", "at least 32 characters")
        return value

    @model_validator(mode="after")
    def _ranges_are_ordered(self) -> "CommonSettings":
        if self.backend_min_instances > self.backend_max_instances:
            raise refuse(
                "backendMinInstances",
                self.backend_min_instances,
                f"at most {setting('backendMaxInstances', self.backend_max_instances)}",
            )
        if self.database_max_storage_gib < self.database_storage_gib:
            raise refuse(
                "databaseMaxStorageGib",
                self.database_max_storage_gib,
                f"at least {setting('databaseStorageGib', self.database_storage_gib)}",
            )
        return self

    @model_validator(mode="after")
    def _production_is_safe(self) -> "CommonSettings":
        if self.environment != "production":
            return self
        unsafe = {
            "databaseHighAvailability": (self.database_high_availability, "true"),
            "databaseReadReplicas": (self.database_read_replicas >= 1, "1 or more"),
            "databaseBackupRetentionDays": (
                self.database_backup_retention_days >= 14,
                "14 or more",
            ),
            "databaseDeletionProtection": (self.database_deletion_protection, "true"),
        }
        for key, (safe, allowed) in unsafe.items():
            if not safe:
                value = getattr(self, to_snake(key))
                raise refuse(
                    key, str(value).lower(), f"{allowed} when environment=production"
                )
        return self

    @property
    def database_override_host(self) -> str:
        """The restored writer's host name; empty when the stack's own is used."""
        return self.database_host_override.partition(":")[0]

    @property
    def database_port(self) -> int:
        """The writer's port: the override's, else PostgreSQL's 5432."""
        port = self.database_host_override.partition(":")[2]
        return int(port) if port else POSTGRES_PORT

    def writer_connections_at_peak(self, surge_percent: int) -> int:
        """Connections all backends hold to the writer when everything runs at once.

        That is the maximum instance count, raised by what a rolling deploy runs
        beside it (`surge_percent` of the desired count, e.g. 200), times each
        instance's pool plus its one listener connection.
        """
        instances_at_peak = self.backend_max_instances * surge_percent // 100
        return instances_at_peak * (self.database_pool_size + 1)
