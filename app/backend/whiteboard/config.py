"""Settings, read once from the environment (names in CONTRACT.md and the README)."""

import re
from functools import lru_cache
from typing import Annotated, Literal, Self

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

PLACEHOLDER_SECRET = "change-me"  # noqa: S105 (refused outside development)
DEVELOPMENT_ORIGINS = (r"^https?://(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$",)

CommaList = Annotated[list[str], NoDecode]


class Settings(BaseSettings):
    """Everything the backend can be told, with the defaults a local run needs."""

    model_config = SettingsConfigDict(extra="ignore")

    environment: Literal["development", "staging", "production"] = "development"
    host: str = "127.0.0.1"
    port: int = 8000
    log_level: str = "info"
    secret_key: SecretStr = SecretStr(PLACEHOLDER_SECRET)
    secret_key_previous: SecretStr | None = None
    allowed_origins: CommaList = []
    shutdown_grace_seconds: float = Field(default=20, gt=0)

    database_host: str = "127.0.0.1"
    database_port: int = 5432
    database_name: str = "whiteboard"
    database_user: str = "postgres"
    database_password: SecretStr = SecretStr("")
    database_reader_hosts: CommaList = []
    database_sslmode: str = "disable"
    database_pool_size: int = Field(default=5, ge=1)

    ws_frame_limit_bytes: int = Field(default=1_048_576, ge=1024)
    max_message_bytes: int = Field(default=262_144, ge=1024)
    max_element_bytes: int = Field(default=65_536, ge=256)
    max_board_bytes: int = Field(default=16_777_216, ge=1024)
    max_board_elements: int = Field(default=10_000, ge=1)
    max_batch_ops: int = Field(default=100, ge=1)
    max_stroke_points: int = Field(default=5_000, ge=2)
    max_live_points: int = Field(default=100, ge=1)
    max_text_chars: int = Field(default=10_000, ge=1)
    replay_limit: int = Field(default=1_000, ge=1)
    messages_per_second: float = Field(default=60, gt=0)
    message_burst: int = Field(default=120, ge=1)
    ops_per_second: float = Field(default=200, gt=0)
    ops_burst: int = Field(default=1_000, ge=1)
    presence_interval_ms: int = Field(default=50, ge=10)
    boards_per_minute_per_address: int = Field(default=30, ge=1)
    connections_per_minute_per_address: int = Field(default=120, ge=1)
    send_queue_messages: int = Field(default=1_000, ge=10)
    batch_frame_ms: int = Field(default=16, ge=1, le=1000)
    # Proxies in front that append to X-Forwarded-For (0: use the socket peer).
    trusted_proxy_hops: int = Field(default=0, ge=0, le=10)

    @field_validator("allowed_origins", "database_reader_hosts", mode="before")
    @classmethod
    def split_commas(cls, value: object) -> object:
        """Read a comma-separated list; an empty string means none."""
        if isinstance(value, str):
            return [item.strip() for item in value.split(",") if item.strip()]
        return value

    @model_validator(mode="after")
    def refuse_unsafe_production(self) -> Self:
        """Refuse placeholder secrets and plaintext databases outside development."""
        if self.max_message_bytes >= self.ws_frame_limit_bytes:
            raise ValueError(
                "MAX_MESSAGE_BYTES must stay below WS_FRAME_LIMIT_BYTES, so that an "
                "oversized message gets an error instead of a dropped connection"
            )
        if self.ops_burst < self.max_batch_ops:
            raise ValueError(
                "OPS_BURST must be at least MAX_BATCH_OPS, or a full batch could "
                "never be accepted"
            )
        if self.environment == "development":
            return self
        if self.secret_key.get_secret_value() in ("", PLACEHOLDER_SECRET):
            raise ValueError(f"SECRET_KEY must be set in {self.environment}")
        if self.database_sslmode in ("disable", "allow", "prefer"):
            raise ValueError(
                f"DATABASE_SSLMODE={self.database_sslmode} is allowed only in "
                "development; use require, verify-ca or verify-full"
            )
        return self

    @property
    def signing_keys(self) -> list[str]:
        """Keys that verify link tokens, oldest first; the last one signs."""
        keys = [self.secret_key.get_secret_value()]
        if self.secret_key_previous is not None:
            keys.insert(0, self.secret_key_previous.get_secret_value())
        return keys

    @property
    def origin_patterns(self) -> list[str]:
        """Allowed WebSocket origins as regular expressions."""
        exact = [
            f"^{re.escape(origin.rstrip('/'))}$" for origin in self.allowed_origins
        ]
        if self.environment == "development":
            return [*exact, *DEVELOPMENT_ORIGINS]
        return exact


@lru_cache
def get_settings() -> Settings:
    """The process's settings, read on first use."""
    return Settings()
