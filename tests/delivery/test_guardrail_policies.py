"""Each guardrail against a resource that passes and one that violates it, per cloud."""

import json
from typing import Any

import pytest
from guardrails import POLICIES
from guardrails.evaluate import PlannedResource, Violation, evaluate
from pulumi_policy import Policy

BY_NAME: dict[str, Policy] = {policy.name: policy for policy in POLICIES}

RDS = "aws:rds/instance:Instance"
AURORA = "aws:rds/cluster:Cluster"
CLOUD_SQL = "gcp:sql/databaseInstance:DatabaseInstance"
AZURE_PG = "azure-native:dbforpostgresql:Server"
AZURE_CLASSIC_PG = "azure:postgresql/flexibleServer:FlexibleServer"
ECS_SERVICE = "aws:ecs/service:Service"
TASK_DEFINITION = "aws:ecs/taskDefinition:TaskDefinition"
CLOUD_RUN = "gcp:cloudrunv2/service:Service"
CONTAINER_APP = "azure-native:app:ContainerApp"


def violations(
    policy: str,
    resource_type: str,
    props: dict[str, Any],
    stack: str = "staging",
    name: str = "database",
    others: tuple[PlannedResource, ...] = (),
    protect: bool = False,
) -> list[Violation]:
    resource = PlannedResource(resource_type, name, props, stack, protect=protect)
    return evaluate([resource, *others], [BY_NAME[policy]])


def cloud_sql(**settings: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "ipConfiguration": {"ipv4Enabled": False, "privateNetwork": "vpc"},
        "backupConfiguration": {"enabled": True, "pointInTimeRecoveryEnabled": True},
        "deletionProtectionEnabled": True,
    }
    base.update(settings)
    return {"databaseVersion": "POSTGRES_16", "settings": base}


def task_definition(environment: list[dict[str, str]]) -> dict[str, Any]:
    container = {"name": "backend", "image": "backend@sha256:abc"}
    container["environment"] = environment  # type: ignore[assignment]
    return {"family": "backend", "containerDefinitions": json.dumps([container])}


def test_pack_holds_every_guardrail_the_issue_names() -> None:
    assert set(BY_NAME) == {
        "database-not-public",
        "storage-encrypted",
        "database-backups-retained",
        "prod-database-deletion-protected",
        "no-plaintext-secrets-in-environment",
        "services-only-behind-load-balancer",
        "backend-runs-at-least-two-instances",
    }


# --- database-not-public ----------------------------------------------------------


@pytest.mark.parametrize(
    ("resource_type", "props"),
    [
        (RDS, {"publiclyAccessible": False}),
        (CLOUD_SQL, cloud_sql()),
        (AZURE_PG, {"network": {"publicNetworkAccess": "Disabled"}}),
        (AZURE_PG, {"network": {"delegatedSubnetResourceId": "/subnets/db"}}),
        (AZURE_CLASSIC_PG, {"publicNetworkAccessEnabled": False}),
    ],
    ids=["aws", "gcp", "azure", "azure-delegated-subnet", "azure-classic"],
)
def test_private_database_passes(resource_type: str, props: dict[str, Any]) -> None:
    assert violations("database-not-public", resource_type, props) == []


@pytest.mark.parametrize(
    ("resource_type", "props", "hint"),
    [
        (RDS, {"publiclyAccessible": True}, "publiclyAccessible"),
        (CLOUD_SQL, {"settings": {}}, "ipv4Enabled"),
        (
            CLOUD_SQL,
            cloud_sql(
                ipConfiguration={
                    "ipv4Enabled": False,
                    "authorizedNetworks": [{"value": "0.0.0.0/0"}],
                }
            ),
            "authorized network",
        ),
        (AZURE_PG, {"network": {"publicNetworkAccess": "Enabled"}}, "public network"),
        (AZURE_PG, {"version": "16"}, "public network"),
        (
            "azure-native:dbforpostgresql:FirewallRule",
            {"startIpAddress": "0.0.0.0", "endIpAddress": "255.255.255.255"},
            "every address",
        ),
    ],
    ids=[
        "aws",
        "gcp-public-ip-by-default",
        "gcp-open-network",
        "azure",
        "azure-unset",
        "azure-firewall",
    ],
)
def test_public_database_is_reported(
    resource_type: str, props: dict[str, Any], hint: str
) -> None:
    found = violations("database-not-public", resource_type, props)
    assert len(found) == 1
    assert hint in found[0].message


# --- storage-encrypted ------------------------------------------------------------


@pytest.mark.parametrize("resource_type", [RDS, AURORA])
def test_encrypted_database_storage_passes(resource_type: str) -> None:
    assert (
        violations("storage-encrypted", resource_type, {"storageEncrypted": True}) == []
    )


@pytest.mark.parametrize("resource_type", [RDS, AURORA])
def test_unencrypted_database_storage_is_reported(resource_type: str) -> None:
    found = violations("storage-encrypted", resource_type, {"storageEncrypted": False})
    assert [v.message for v in found] == ["Set storageEncrypted to true."]


def test_unencrypted_cache_is_reported_and_encrypted_cache_passes() -> None:
    cache = "aws:elasticache/replicationGroup:ReplicationGroup"
    assert (
        violations("storage-encrypted", cache, {"atRestEncryptionEnabled": True}) == []
    )
    assert violations("storage-encrypted", cache, {}) != []


# --- database-backups-retained ----------------------------------------------------


@pytest.mark.parametrize(
    ("resource_type", "props"),
    [
        (RDS, {"backupRetentionPeriod": 7.0}),
        (CLOUD_SQL, cloud_sql()),
        (AZURE_PG, {"backup": {"backupRetentionDays": 14}}),
        (AZURE_PG, {}),
    ],
    ids=["aws", "gcp", "azure", "azure-default-seven-days"],
)
def test_prod_database_with_a_week_of_backups_passes(
    resource_type: str, props: dict[str, Any]
) -> None:
    found = violations("database-backups-retained", resource_type, props, stack="prod")
    assert found == []


@pytest.mark.parametrize(
    ("resource_type", "props"),
    [
        (RDS, {"backupRetentionPeriod": 3.0}),
        (
            CLOUD_SQL,
            cloud_sql(
                backupConfiguration={
                    "enabled": True,
                    "pointInTimeRecoveryEnabled": True,
                    "backupRetentionSettings": {"retainedBackups": 3},
                }
            ),
        ),
        (AZURE_PG, {"backup": {"backupRetentionDays": 3}}),
    ],
    ids=["aws", "gcp", "azure"],
)
def test_prod_database_keeping_backups_under_a_week_is_reported(
    resource_type: str, props: dict[str, Any]
) -> None:
    found = violations("database-backups-retained", resource_type, props, stack="prod")
    assert len(found) == 1
    assert "7" in found[0].message


def test_staging_may_keep_backups_for_a_day() -> None:
    props = {"backupRetentionPeriod": 1.0}
    assert violations("database-backups-retained", RDS, props) == []
    assert violations("database-backups-retained", RDS, props, stack="prod") != []


@pytest.mark.parametrize(
    ("resource_type", "props"),
    [
        (RDS, {"backupRetentionPeriod": 0.0}),
        (RDS, {}),
        (
            CLOUD_SQL,
            cloud_sql(backupConfiguration={"enabled": False}),
        ),
    ],
    ids=["aws-zero", "aws-unset", "gcp"],
)
def test_database_without_backups_is_reported(
    resource_type: str, props: dict[str, Any]
) -> None:
    assert violations("database-backups-retained", resource_type, props) != []


def test_read_replica_needs_no_backups_of_its_own() -> None:
    replica = {"replicateSourceDb": "whiteboard-db", "backupRetentionPeriod": 0.0}
    assert violations("database-backups-retained", RDS, replica, stack="prod") == []


# --- prod-database-deletion-protected ---------------------------------------------


@pytest.mark.parametrize(
    ("resource_type", "props"),
    [
        (RDS, {"deletionProtection": True}),
        (CLOUD_SQL, cloud_sql()),
    ],
    ids=["aws", "gcp"],
)
def test_protected_prod_database_passes(
    resource_type: str, props: dict[str, Any]
) -> None:
    found = violations(
        "prod-database-deletion-protected", resource_type, props, stack="prod"
    )
    assert found == []


@pytest.mark.parametrize(
    ("resource_type", "props"),
    [
        (RDS, {"deletionProtection": False}),
        (CLOUD_SQL, cloud_sql(deletionProtectionEnabled=False)),
        (AZURE_PG, {}),
    ],
    ids=["aws", "gcp", "azure"],
)
def test_unprotected_prod_database_is_reported(
    resource_type: str, props: dict[str, Any]
) -> None:
    found = violations(
        "prod-database-deletion-protected", resource_type, props, stack="prod"
    )
    assert len(found) == 1
    assert found[0].urn is not None and found[0].urn.startswith("urn:pulumi:prod::")


def test_unprotected_staging_database_is_allowed() -> None:
    props = {"deletionProtection": False}
    assert violations("prod-database-deletion-protected", RDS, props) == []


def test_azure_prod_database_is_protected_by_a_delete_lock_or_protect() -> None:
    lock = PlannedResource(
        "azure-native:authorization:ManagementLockByScope",
        "database-lock",
        {"level": "CanNotDelete", "scope": "/servers/db"},
        "prod",
    )
    policy = "prod-database-deletion-protected"
    assert violations(policy, AZURE_PG, {}, stack="prod", others=(lock,)) == []
    assert violations(policy, AZURE_PG, {}, stack="prod", protect=True) == []


# --- no-plaintext-secrets-in-environment ------------------------------------------


def test_ecs_secret_from_the_secret_store_passes() -> None:
    props = task_definition([{"name": "DATABASE_HOST", "value": "db.internal"}])
    container = json.loads(props["containerDefinitions"])[0]
    container["secrets"] = [{"name": "DATABASE_PASSWORD", "valueFrom": "arn:secret"}]
    props["containerDefinitions"] = json.dumps([container])
    found = violations("no-plaintext-secrets-in-environment", TASK_DEFINITION, props)
    assert found == []


@pytest.mark.parametrize(
    "variable",
    [
        {"name": "DATABASE_PASSWORD", "value": "hunter2"},
        {"name": "SECRET_KEY", "value": "abc"},
        {"name": "DATABASE_URL", "value": "postgresql://app:hunter2@db/whiteboard"},
    ],
    ids=["password", "secret-key", "password-in-url"],
)
def test_ecs_secret_in_plain_environment_is_reported(variable: dict[str, str]) -> None:
    props = task_definition([variable])
    found = violations("no-plaintext-secrets-in-environment", TASK_DEFINITION, props)
    assert len(found) == 1
    assert variable["name"] in found[0].message


def test_cloud_run_secret_reference_passes_and_literal_is_reported() -> None:
    from_store = {
        "name": "DATABASE_PASSWORD",
        "valueSource": {"secretKeyRef": {"secret": "db-password", "version": "latest"}},
    }
    literal = {"name": "DATABASE_PASSWORD", "value": "hunter2"}
    policy = "no-plaintext-secrets-in-environment"

    def service(env: dict[str, Any]) -> dict[str, Any]:
        return {"template": {"containers": [{"envs": [env]}]}}

    assert violations(policy, CLOUD_RUN, service(from_store)) == []
    assert len(violations(policy, CLOUD_RUN, service(literal))) == 1


def test_container_app_secret_reference_passes_and_literal_is_reported() -> None:
    policy = "no-plaintext-secrets-in-environment"

    def app(env: dict[str, Any]) -> dict[str, Any]:
        return {"template": {"containers": [{"env": [env]}]}}

    by_reference = app({"name": "SECRET_KEY", "secretRef": "secret-key"})
    literal = app({"name": "SECRET_KEY", "value": "abc"})
    assert violations(policy, CONTAINER_APP, by_reference) == []
    assert len(violations(policy, CONTAINER_APP, literal)) == 1


# --- services-only-behind-load-balancer -------------------------------------------

PRIVATE_ECS_SERVICE = {
    "desiredCount": 2,
    "networkConfiguration": {"assignPublicIp": False, "subnets": ["private-a"]},
    "loadBalancers": [{"containerName": "backend", "containerPort": 8000}],
}


@pytest.mark.parametrize(
    ("resource_type", "props"),
    [
        (ECS_SERVICE, PRIVATE_ECS_SERVICE),
        (
            "aws:ec2/securityGroup:SecurityGroup",
            {
                "ingress": [
                    {"fromPort": 443, "toPort": 443, "cidrBlocks": ["0.0.0.0/0"]},
                    {"fromPort": 8000, "toPort": 8000, "securityGroups": ["sg-lb"]},
                ]
            },
        ),
        (CLOUD_RUN, {"ingress": "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER"}),
        (CONTAINER_APP, {"configuration": {"ingress": {"external": False}}}),
    ],
    ids=["aws-service", "aws-security-group", "gcp", "azure"],
)
def test_service_behind_the_load_balancer_passes(
    resource_type: str, props: dict[str, Any]
) -> None:
    found = violations(
        "services-only-behind-load-balancer", resource_type, props, name="backend"
    )
    assert found == []


@pytest.mark.parametrize(
    ("resource_type", "props"),
    [
        (
            ECS_SERVICE,
            {**PRIVATE_ECS_SERVICE, "networkConfiguration": {"assignPublicIp": True}},
        ),
        (ECS_SERVICE, {**PRIVATE_ECS_SERVICE, "loadBalancers": []}),
        (
            "aws:ec2/securityGroup:SecurityGroup",
            {
                "ingress": [
                    {"fromPort": 8000, "toPort": 8000, "cidrBlocks": ["0.0.0.0/0"]}
                ]
            },
        ),
        (
            "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
            {"fromPort": 0, "toPort": 65535, "cidrIpv4": "0.0.0.0/0"},
        ),
        (CLOUD_RUN, {"ingress": "INGRESS_TRAFFIC_ALL"}),
        (CLOUD_RUN, {}),
        (CONTAINER_APP, {"configuration": {"ingress": {"external": True}}}),
    ],
    ids=[
        "aws-public-ip",
        "aws-no-load-balancer",
        "aws-security-group",
        "aws-ingress-rule",
        "gcp",
        "gcp-default-all",
        "azure",
    ],
)
def test_service_reachable_around_the_load_balancer_is_reported(
    resource_type: str, props: dict[str, Any]
) -> None:
    found = violations(
        "services-only-behind-load-balancer", resource_type, props, name="backend"
    )
    assert len(found) == 1


# --- backend-runs-at-least-two-instances ------------------------------------------


@pytest.mark.parametrize(
    ("resource_type", "props"),
    [
        (ECS_SERVICE, {"desiredCount": 2}),
        (CLOUD_RUN, {"template": {"scaling": {"minInstanceCount": 2}}}),
        (CONTAINER_APP, {"template": {"scale": {"minReplicas": 3}}}),
    ],
    ids=["aws", "gcp", "azure"],
)
def test_backend_with_two_instances_passes(
    resource_type: str, props: dict[str, Any]
) -> None:
    found = violations(
        "backend-runs-at-least-two-instances", resource_type, props, name="backend"
    )
    assert found == []


@pytest.mark.parametrize(
    ("resource_type", "props"),
    [
        (ECS_SERVICE, {"desiredCount": 1}),
        (CLOUD_RUN, {"template": {"scaling": {"minInstanceCount": 1}}}),
        (CLOUD_RUN, {"template": {}}),
        (CONTAINER_APP, {"template": {"scale": {"minReplicas": 1}}}),
    ],
    ids=["aws", "gcp", "gcp-scales-to-zero", "azure"],
)
def test_backend_with_one_instance_is_reported(
    resource_type: str, props: dict[str, Any]
) -> None:
    found = violations(
        "backend-runs-at-least-two-instances", resource_type, props, name="backend"
    )
    assert len(found) == 1


def test_backend_autoscaling_floor_below_two_is_reported() -> None:
    target = "aws:appautoscaling/target:Target"
    props = {"resourceId": "service/whiteboard/backend", "minCapacity": 1}
    found = violations("backend-runs-at-least-two-instances", target, props)
    assert "minCapacity" in found[0].message


def test_frontend_may_run_one_instance() -> None:
    found = violations(
        "backend-runs-at-least-two-instances",
        ECS_SERVICE,
        {"desiredCount": 1},
        name="frontend",
    )
    assert found == []


def test_inspected_types_are_declared_for_every_policy() -> None:
    from guardrails import INSPECTED_TYPES

    assert set(INSPECTED_TYPES) == set(BY_NAME)


def test_pack_starts_as_the_pulumi_cli_runs_it() -> None:
    """`python __main__.py` in policy/: the pack serves on 127.0.0.1 and prints its
    port, which the CLI then connects to."""
    import subprocess
    import sys
    from pathlib import Path

    policy_dir = Path(__file__).resolve().parents[2] / "policy"
    process = subprocess.Popen(
        [sys.executable, "__main__.py"],
        cwd=policy_dir,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        port = process.stdout.readline().strip()
    finally:
        process.terminate()
        process.wait(10)
    assert port.isdigit(), process.stderr.read() if process.stderr else port
