"""docker-compose.yml (development) and docker-compose.prod.yml, checked as YAML.

No Docker engine runs here, so these tests read the files: the services and their
wiring, published ports, health checks, and that production holds no secret values.
"""

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
SECRET_NAME = re.compile(r"PASSWORD|SECRET|TOKEN|PRIVATE|_KEY$|^KEY$")


def load(name: str) -> dict[str, Any]:
    data = yaml.safe_load((ROOT / name).read_text())
    assert isinstance(data, dict)
    return data


@pytest.fixture(scope="module")
def dev() -> dict[str, Any]:
    return load("docker-compose.yml")


@pytest.fixture(scope="module")
def prod() -> dict[str, Any]:
    return load("docker-compose.prod.yml")


def test_dev_runs_postgres_backend_and_frontend(dev: dict[str, Any]) -> None:
    assert set(dev["services"]) == {"postgres", "backend", "frontend"}
    assert dev["services"]["backend"]["build"] == "./app/backend"
    assert dev["services"]["frontend"]["build"] == "./app/frontend"


@pytest.mark.parametrize("name", ["docker-compose.yml", "docker-compose.prod.yml"])
def test_every_service_has_a_healthcheck(name: str) -> None:
    for service_name, service in load(name)["services"].items():
        test = service.get("healthcheck", {}).get("test")
        assert test, f"{name}: {service_name} has no healthcheck"


def test_dev_backend_waits_for_a_healthy_database(dev: dict[str, Any]) -> None:
    backend = dev["services"]["backend"]
    assert backend["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert backend["environment"]["DATABASE_HOST"] == "postgres"
    assert backend["environment"]["DATABASE_SSLMODE"] == "disable"
    assert backend["environment"]["ENVIRONMENT"] == "development"


@pytest.mark.parametrize("name", ["docker-compose.yml", "docker-compose.prod.yml"])
def test_only_the_frontend_publishes_a_port_and_it_is_8080(name: str) -> None:
    services = load(name)["services"]
    published = {key: svc["ports"] for key, svc in services.items() if "ports" in svc}
    assert list(published) == ["frontend"]
    assert all(str(port).endswith("8080:8080") for port in published["frontend"])
    frontend_env = services["frontend"]["environment"]
    assert frontend_env["BACKEND_UPSTREAM"] == "backend:8000"


@pytest.mark.parametrize("name", ["docker-compose.yml", "docker-compose.prod.yml"])
def test_backend_runs_at_least_two_instances(name: str) -> None:
    backend = load(name)["services"]["backend"]
    assert backend["deploy"]["replicas"] >= 2
    assert "ports" not in backend


def test_prod_environment_holds_no_secret_values(prod: dict[str, Any]) -> None:
    for service_name, service in prod["services"].items():
        for key in service.get("environment", {}):
            assert not SECRET_NAME.search(key), f"{service_name} sets {key} in plain"
    text = (ROOT / "docker-compose.prod.yml").read_text()
    assert "whiteboard-dev" not in text and "development-only" not in text


def test_prod_reads_secrets_from_files(prod: dict[str, Any]) -> None:
    declared = prod["secrets"]
    assert set(declared) == {"database_password", "secret_key"}
    assert all("file" in secret for secret in declared.values())
    backend = prod["services"]["backend"]
    assert set(backend["secrets"]) == set(declared)
    command = " ".join(backend["entrypoint"])
    for secret in declared:
        assert f"/run/secrets/{secret}" in command
    assert "exec python -m whiteboard" in command


def test_prod_backend_requires_tls_to_the_database(prod: dict[str, Any]) -> None:
    env = prod["services"]["backend"]["environment"]
    assert env["ENVIRONMENT"] == "production"
    assert env["DATABASE_SSLMODE"] in {"require", "verify-ca", "verify-full"}


def test_prod_containers_are_hardened(prod: dict[str, Any]) -> None:
    for service_name, service in prod["services"].items():
        assert service["read_only"] is True, service_name
        assert service["cap_drop"] == ["ALL"], service_name
        assert "no-new-privileges:true" in service["security_opt"], service_name
        assert service["restart"] == "unless-stopped", service_name
        assert "build" not in service, f"{service_name} must run a released image"
        assert ":${WHITEBOARD_VERSION" in service["image"], service_name


def test_prod_frontend_can_render_its_config_on_a_read_only_filesystem(
    prod: dict[str, Any],
) -> None:
    frontend = prod["services"]["frontend"]
    assert {"/tmp", "/etc/nginx/conf.d"} <= set(frontend["tmpfs"])
