"""Each GCP component on its own, built from typed arguments under the mocks."""

from typing import Any

import pulumi
import pytest
from fakes_gcp import PACKAGE, GcpFakes
from pulumi_harness import UNKNOWN, is_secret, register_fakes, run_components, unwrap
from whiteboard_infra.gcp.container_service import (
    ContainerService,
    ContainerServiceArgs,
    InstanceSize,
)
from whiteboard_infra.gcp.database import Database, DatabaseArgs
from whiteboard_infra.gcp.load_balancer import LoadBalancer, LoadBalancerArgs
from whiteboard_infra.gcp.monitoring import Monitoring, MonitoringArgs
from whiteboard_infra.gcp.network import Network, NetworkArgs
from whiteboard_infra.gcp.registry import Registry, RegistryArgs
from whiteboard_infra.gcp.secrets import Secrets, SecretsArgs

register_fakes(PACKAGE, GcpFakes())

SQL = "gcp:sql/databaseInstance:DatabaseInstance"


def network() -> Network:
    return Network("wb", NetworkArgs("wb", "europe-west1", "10.60.0.0/20"))


def database(**overrides: Any) -> dict[str, Any]:
    net = network()
    built = Database(
        "wb",
        DatabaseArgs(
            **{
                "name": "wb",
                "region": "europe-west1",
                "network_id": net.network_id,
                "services_connection": net.services_connection,
                "database_name": "boards",
                "username": "app",
                "password": pulumi.Output.secret("Pass-word-123"),
                **overrides,
            }
        ),
    )
    return {
        "writer": built.writer_endpoint,
        "readers": built.reader_endpoints,
        "ids": pulumi.Output.all(*built.instance_ids),
    }


def test_network_is_custom_mode_with_private_services_access() -> None:
    run = run_components(lambda: {"subnet": network().subnet_id})
    vpc = run.one("gcp:compute/network:Network")
    assert vpc["autoCreateSubnetworks"] is False
    subnet = run.one("gcp:compute/subnetwork:Subnetwork")
    assert subnet["ipCidrRange"] == "10.60.0.0/20"
    assert subnet["network"] == vpc.outputs["id"]
    assert subnet["privateIpGoogleAccess"] is True
    assert run.outputs["subnet"] == subnet.outputs["id"]
    reserved = run.one("gcp:compute/globalAddress:GlobalAddress")
    assert (reserved["purpose"], reserved["addressType"]) == ("VPC_PEERING", "INTERNAL")
    connection = run.one("gcp:servicenetworking/connection:Connection")
    assert connection["reservedPeeringRanges"] == [reserved.outputs["name"]]
    (component,) = run.of_type("whiteboard:gcp:Network")
    assert run.component_outputs[component.urn]["subnet_id"] == subnet.outputs["id"]


def test_secrets_are_generated_and_stored_as_secrets() -> None:
    def declare() -> dict[str, Any]:
        secrets = Secrets("wb", SecretsArgs("wb"))
        return {"password": secrets.database_password, **secrets.secret_ids}

    run = run_components(declare)
    passwords = run.of_type("random:index/randomPassword:RandomPassword")
    assert sorted(p["length"] for p in passwords) == [32, 64]
    assert "password" in run.secret_outputs
    assert run.outputs["database-password"] == (
        "projects/whiteboard-test/secrets/wb-database-password"
    )
    for version in run.of_type("gcp:secretmanager/secretVersion:SecretVersion"):
        assert is_secret(version["secretData"])
    for secret in run.of_type("gcp:secretmanager/secret:Secret"):
        assert secret["replication"] == {"auto": {}}


def test_supplied_secret_is_stored_as_given() -> None:
    run = run_components(
        lambda: {
            "ids": Secrets("wb", SecretsArgs("wb", secret_key="k" * 40)).secret_ids
        }
    )
    assert [
        p.name for p in run.of_type("random:index/randomPassword:RandomPassword")
    ] == ["wb-database-password"]
    stored = [
        unwrap(v["secretData"])
        for v in run.of_type("gcp:secretmanager/secretVersion:SecretVersion")
    ]
    assert "k" * 40 in stored


def test_database_defaults_are_zonal_unprotected_and_tls_only() -> None:
    run = run_components(database)
    (writer,) = run.of_type(SQL)
    settings = writer["settings"]
    assert settings["edition"] == "ENTERPRISE"
    assert settings["availabilityType"] == "ZONAL"
    assert settings["ipConfiguration"]["sslMode"] == "ENCRYPTED_ONLY"
    assert settings["backupConfiguration"]["transactionLogRetentionDays"] == 3
    assert writer["deletionProtection"] is False and not writer.protect
    assert run.outputs["writer"] == f"{writer.outputs['privateIpAddress']}:5432"
    assert run.outputs["readers"] == []
    assert run.outputs["ids"] == [f"whiteboard-test:{writer.outputs['name']}"]


def test_enterprise_recovery_window_is_capped_at_seven_days() -> None:
    run = run_components(lambda: database(backup_retention_days=14))
    backups = run.one(SQL)["settings"]["backupConfiguration"]
    assert backups["backupRetentionSettings"]["retainedBackups"] == 14
    assert backups["transactionLogRetentionDays"] == 7


def test_protected_database_with_replicas_and_high_availability() -> None:
    run = run_components(
        lambda: database(
            deletion_protection=True,
            high_availability=True,
            read_replicas=2,
            tier="db-perf-optimized-N-2",
            edition="ENTERPRISE_PLUS",
            backup_retention_days=14,
        )
    )
    instances = run.of_type(SQL)
    writer = next(i for i in instances if not i.get("masterInstanceName"))
    replicas = [i for i in instances if i.get("masterInstanceName")]
    assert writer["settings"]["availabilityType"] == "REGIONAL"
    assert (
        writer["settings"]["backupConfiguration"]["transactionLogRetentionDays"] == 14
    )
    assert len(replicas) == 2
    for instance in instances:
        assert instance.protect and instance["deletionProtection"] is True
        assert instance["settings"]["tier"] == "db-perf-optimized-N-2"
    for replica in replicas:
        assert replica["masterInstanceName"] == writer.outputs["name"]
        assert replica["settings"]["backupConfiguration"] == {"enabled": False}
    assert len(run.outputs["readers"]) == 2
    assert run.one("gcp:sql/user:User")["deletionPolicy"] == "ABANDON"


def test_registry_builds_both_images_by_digest() -> None:
    def declare() -> dict[str, Any]:
        registry = Registry("wb", RegistryArgs("wb", "europe-west1", "../app"))
        return {"url": registry.repository_url, **registry.images}

    run = run_components(declare)
    assert run.outputs["url"] == "europe-west1-docker.pkg.dev/whiteboard-test/wb"
    assert run.outputs["backend"].startswith(f"{run.outputs['url']}/backend@sha256:")
    build = run.one("docker:index/image:Image", "backend")["build"]
    assert build["context"] == "../app/backend"
    policies = run.one("gcp:artifactregistry/repository:Repository")["cleanupPolicies"]
    assert {p["action"] for p in policies} == {"KEEP", "DELETE"}


def services(**overrides: Any) -> dict[str, Any]:
    built = ContainerService(
        "wb",
        ContainerServiceArgs(
            **{
                "name": "wb",
                "region": "europe-west1",
                "network_id": "projects/p/global/networks/wb-vpc",
                "subnet_id": "projects/p/regions/europe-west1/subnetworks/wb",
                "backend_image": "backend@sha256:1",
                "frontend_image": "frontend@sha256:2",
                "secret_ids": {
                    "database-password": "projects/p/secrets/wb-database-password",
                    "secret-key": "projects/p/secrets/wb-secret-key",
                },
                "app_url": "https://board.example.com",
                "database_host": "10.1.2.3",
                "database_reader_hosts": ["10.1.2.4", "10.1.2.5"],
                "database_name": "boards",
                "database_user": "app",
                **overrides,
            }
        ),
    )
    return {"backend": built.backend_service_name}


def test_container_service_sizes_and_scales_from_its_arguments() -> None:
    run = run_components(
        lambda: services(
            backend=InstanceSize(cpu=2, memory_mib=2048),
            backend_min_instances=3,
            backend_max_instances=7,
            backend_concurrency=500,
        )
    )
    backend = run.one("gcp:cloudrunv2/service:Service", "backend")
    template = backend["template"]
    assert template["scaling"] == {"minInstanceCount": 3, "maxInstanceCount": 7}
    assert template["maxInstanceRequestConcurrency"] == 500
    limits = template["containers"][0]["resources"]["limits"]
    assert limits == {"cpu": "2", "memory": "2048Mi"}
    envs = {e["name"]: e.get("value") for e in template["containers"][0]["envs"]}
    assert envs["DATABASE_READER_HOSTS"] == "10.1.2.4,10.1.2.5"
    assert envs["ALLOWED_ORIGINS"] == "https://board.example.com"
    assert run.outputs["backend"] == "wb-backend"


def test_frontend_has_no_secrets_and_no_vpc_access() -> None:
    run = run_components(services)
    frontend = run.one("gcp:cloudrunv2/service:Service", "frontend")
    template = frontend["template"]
    assert "vpcAccess" not in template
    container = template["containers"][0]
    assert container["ports"]["containerPort"] == 8080
    assert all("valueSource" not in e for e in container["envs"])
    account = run.one("gcp:serviceaccount/account:Account", "frontend")
    members = run.of_type("gcp:secretmanager/secretIamMember:SecretIamMember")
    assert all(m["member"] != account.outputs["member"] for m in members)


def test_production_services_refuse_deletion() -> None:
    run = run_components(lambda: services(deletion_protection=True))
    for service in run.of_type("gcp:cloudrunv2/service:Service"):
        assert service["deletionProtection"] is True


def load_balancer(**overrides: Any) -> dict[str, Any]:
    built = LoadBalancer(
        "wb",
        LoadBalancerArgs(
            **{
                "name": "wb",
                "region": "europe-west1",
                "backend_service_name": "wb-backend",
                "frontend_service_name": "wb-frontend",
                **overrides,
            }
        ),
    )
    return {"url": built.app_url, "ws": built.websocket_url, "ip": built.ip_address}


def test_load_balancer_without_domain_serves_http() -> None:
    run = run_components(load_balancer)
    assert run.outputs["url"] == f"http://{run.outputs['ip']}"
    assert run.outputs["ws"] == f"ws://{run.outputs['ip']}/ws"
    assert not run.of_type("gcp:compute/targetHttpsProxy:TargetHttpsProxy")
    assert not run.of_type("gcp:dns/recordSet:RecordSet")


def test_load_balancer_with_domain_but_no_zone_leaves_dns_alone() -> None:
    run = run_components(lambda: load_balancer(domain_name="board.example.com"))
    assert run.outputs["url"] == "https://board.example.com"
    assert not run.of_type("gcp:dns/recordSet:RecordSet")
    policy = run.one("gcp:compute/sSLPolicy:SSLPolicy")
    assert policy["minTlsVersion"] == "TLS_1_2"
    proxy = run.one("gcp:compute/targetHttpsProxy:TargetHttpsProxy")
    assert proxy["sslPolicy"] == policy.outputs["id"]


def test_load_balancer_preview_leaves_addresses_unknown() -> None:
    run = run_components(load_balancer, preview=True)
    assert run.outputs["url"] is UNKNOWN
    assert len(run.of_type("gcp:compute/backendService:BackendService")) == 2


@pytest.mark.parametrize("email", ["", "ops@example.com"])
def test_monitoring_alerts_on_uptime_errors_and_database_cpu(email: str) -> None:
    def declare() -> None:
        Monitoring(
            "wb",
            MonitoringArgs(
                name="wb",
                project="whiteboard-test",
                host="board.example.com",
                https=True,
                backend_service_name="wb-backend",
                database_instance_id="whiteboard-test:wb-db-1234567",
                alert_email=email,
            ),
        )

    run = run_components(declare)
    check = run.one("gcp:monitoring/uptimeCheckConfig:UptimeCheckConfig")
    assert check["httpCheck"]["useSsl"] is True and check["httpCheck"]["port"] == 443
    assert check["monitoredResource"]["labels"] == {
        "host": "board.example.com",
        "project_id": "whiteboard-test",
    }
    policies = run.of_type("gcp:monitoring/alertPolicy:AlertPolicy")
    assert len(policies) == 3
    errors = next(p for p in policies if "5xx" in p["displayName"])
    threshold = errors["conditions"][0]["conditionThreshold"]
    assert threshold["thresholdValue"] == 0.05
    assert 'service_name="wb-backend"' in threshold["denominatorFilter"]
    channels = run.of_type("gcp:monitoring/notificationChannel:NotificationChannel")
    assert len(channels) == (1 if email else 0)
