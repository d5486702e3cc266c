"""Settings: what the environment may say, and what is refused."""

import pytest
from pydantic import ValidationError
from whiteboard.config import Settings


def test_placeholder_secret_is_refused_outside_development() -> None:
    with pytest.raises(ValidationError, match="SECRET_KEY"):
        Settings(environment="production", database_sslmode="require")


def test_plaintext_database_is_refused_outside_development() -> None:
    with pytest.raises(ValidationError, match="DATABASE_SSLMODE"):
        Settings(environment="staging", secret_key="s3cret-value")


def test_message_limit_must_stay_below_frame_limit() -> None:
    with pytest.raises(ValidationError, match="WS_FRAME_LIMIT_BYTES"):
        Settings(max_message_bytes=2048, ws_frame_limit_bytes=2048)


def test_lists_are_read_comma_separated(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_READER_HOSTS", "replica-1, replica-2")
    monkeypatch.setenv("ALLOWED_ORIGINS", "https://board.example.com")

    settings = Settings()

    assert settings.database_reader_hosts == ["replica-1", "replica-2"]
    assert settings.allowed_origins == ["https://board.example.com"]


def test_previous_key_verifies_and_current_key_signs() -> None:
    settings = Settings(secret_key="new", secret_key_previous="old")

    assert settings.signing_keys == ["old", "new"]


def test_production_allows_only_listed_origins() -> None:
    settings = Settings(
        environment="production",
        secret_key="s3cret-value",
        database_sslmode="require",
        allowed_origins="https://board.example.com",
    )

    assert settings.origin_patterns == [r"^https://board\.example\.com$"]
