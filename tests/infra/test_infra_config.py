"""The configuration model: what both stacks resolve to, and every refusal."""

import pytest
from pulumi_harness import STACKS, load_stack_config
from whiteboard_infra.config import CLOUD_SETTINGS, ConfigError
from whiteboard_infra.config.aws import (
    RESERVED_DATABASE_CONNECTIONS,
    fargate_offers,
    max_connections,
)
from whiteboard_infra.config.common import SUPPORTED_CLOUDS


def refusal(stack: str = "staging", **overrides: object) -> str:
    with pytest.raises(ConfigError) as caught:
        load_stack_config(stack, overrides=overrides)
    message = str(caught.value)
    assert "\n" not in message
    return message


@pytest.mark.parametrize("stack", STACKS)
def test_both_stacks_load_and_choose_aws(stack: str) -> None:
    config = load_stack_config(stack)
    assert config.common.cloud == "aws"
    assert config.aws is not None


@pytest.mark.parametrize("stack", STACKS)
def test_backend_runs_on_two_to_ten_instances(stack: str) -> None:
    common = load_stack_config(stack).common
    assert (common.backend_min_instances, common.backend_max_instances) == (2, 10)


def test_staging_is_cheap() -> None:
    config = load_stack_config("staging")
    assert config.common.environment == "staging"
    assert config.common.database_high_availability is False
    assert config.common.database_read_replicas <= 1
    assert config.common.database_backup_retention_days <= 7
    assert config.common.database_deletion_protection is False
    assert config.aws is not None
    assert config.aws.nat_gateway_per_zone is False


def test_prod_is_safe() -> None:
    config = load_stack_config("prod")
    assert config.common.environment == "production"
    assert config.common.database_high_availability is True
    assert config.common.database_read_replicas >= 1
    assert config.common.database_backup_retention_days >= 14
    assert config.common.database_deletion_protection is True
    assert config.aws is not None
    assert config.aws.nat_gateway_per_zone is True
    assert config.aws.database_performance_insights is True


@pytest.mark.parametrize("cloud", ["gcp", "azure"])
def test_a_cloud_without_a_deployment_is_refused_clearly(
    cloud: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("whiteboard_infra.config.SUPPORTED_CLOUDS", ("aws",))
    with pytest.raises(ConfigError) as caught:
        load_stack_config("staging", cloud=cloud)
    assert str(caught.value) == (
        f"whiteboard:cloud={cloud} is refused: not yet supported; supported: aws"
    )


def test_every_supported_cloud_has_a_settings_model() -> None:
    assert set(SUPPORTED_CLOUDS) <= set(CLOUD_SETTINGS)


def test_unknown_cloud_is_refused() -> None:
    message = refusal(cloud="oracle")
    assert message.startswith("whiteboard:cloud=oracle is refused:")


def test_minimum_above_maximum_is_refused() -> None:
    message = refusal(backendMinInstances=6, backendMaxInstances=4)
    assert message == (
        "whiteboard:backendMinInstances=6 is refused: at most "
        "whiteboard:backendMaxInstances=4"
    )


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("backendMinInstances", 1),
        ("backendMaxInstances", 11),
        ("backendMinInstances", 0),
        ("backendMaxInstances", 1),
    ],
)
def test_instance_counts_outside_two_to_ten_are_refused(key: str, value: int) -> None:
    assert refusal(**{key: value}) == (
        f"whiteboard:{key}={value} is refused: between 2 and 10"
    )


@pytest.mark.parametrize(
    ("cpu", "memory"), [(256, 4096), (512, 512), (1024, 1024), (4096, 4096)]
)
def test_cpu_memory_pair_fargate_does_not_offer_is_refused(
    cpu: int, memory: int
) -> None:
    message = refusal(awsBackendCpu=cpu, awsBackendMemoryMib=memory)
    assert message.startswith(f"whiteboard:awsBackendMemoryMib={memory} is refused:")
    assert f"with whiteboard:awsBackendCpu={cpu}" in message


def test_cpu_units_fargate_does_not_offer_are_refused() -> None:
    message = refusal(awsFrontendCpu=300)
    assert message.startswith("whiteboard:awsFrontendCpu=300 is refused: one of 256")


@pytest.mark.parametrize(
    ("cpu", "memory", "offered"),
    [
        (256, 512, True),
        (256, 2048, True),
        (256, 3072, False),
        (512, 4096, True),
        (1024, 9216, False),
        (2048, 16384, True),
        (4096, 31744, False),
        (8192, 20480, True),
        (8192, 18432, False),
        (16384, 122880, True),
    ],
)
def test_fargate_pairs_follow_the_published_table(
    cpu: int, memory: int, offered: bool
) -> None:
    assert fargate_offers(cpu, memory) is offered


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("resourcePrefix", "Whiteboard"),
        ("resourcePrefix", "white_board"),
        ("resourcePrefix", "whiteboard-"),
        ("resourcePrefix", "white--board"),
        ("resourcePrefix", "9board"),
        ("resourcePrefix", "a-name-far-too-long-for-albs"),
        ("resourcePrefix", "internal-board"),
        ("databaseName", "Whiteboard"),
        ("databaseName", "postgres"),
        ("databaseUser", "rdsadmin"),
        ("databaseUser", "1user"),
        ("domainName", "Board.Example.com"),
        ("domainName", "localhost"),
        ("awsRegion", "Europe"),
        ("awsDatabaseInstanceClass", "db.x9.huge"),
        ("awsVpcCidr", "10.0.0.0/8"),
        ("awsVpcCidr", "8.8.0.0/16"),
        ("awsHostedZoneId", "zone-1"),
    ],
)
def test_names_the_cloud_would_refuse_are_refused(key: str, value: str) -> None:
    assert refusal(**{key: value}).startswith(f"whiteboard:{key}={value} is refused:")


def test_database_too_small_for_peak_connections_is_refused() -> None:
    # 10 instances x 200% during a deploy x (20 + 1) = 420 > what a small class allows
    message = refusal(databasePoolSize=20)
    usable = max_connections("db.t4g.small") - RESERVED_DATABASE_CONNECTIONS
    assert message == (
        f"whiteboard:awsDatabaseInstanceClass=db.t4g.small is refused: allows "
        f"{usable} backend connections but the backend can open 420 "
        "(backendMaxInstances 10 x 200% during a deploy x (databasePoolSize 20 + 1));"
        " choose a larger class or lower those"
    )


def test_deploy_surge_counts_toward_peak_connections() -> None:
    # 10 x (14 + 1) = 150 fits a small class; at 200% during deploys 300 does not.
    load_stack_config(
        "staging",
        overrides={"databasePoolSize": 14, "awsDeploymentMaximumPercent": 100},
    )
    refusal(databasePoolSize=14, awsDeploymentMaximumPercent=200)


def test_max_connections_follows_rds_formula_below_measured_values() -> None:
    # Measured defaults: 2 GiB class 198, 8 GiB class 856; the estimate stays below.
    assert 150 < max_connections("db.t4g.small") <= 198
    assert 750 < max_connections("db.m6g.large") <= 856
    assert max_connections("db.r7g.4xlarge") == 5000


@pytest.mark.parametrize(
    ("key", "value", "allowed"),
    [
        ("databaseHighAvailability", False, "true when environment=production"),
        ("databaseReadReplicas", 0, "1 or more when environment=production"),
        ("databaseBackupRetentionDays", 7, "14 or more when environment=production"),
        ("databaseDeletionProtection", False, "true when environment=production"),
    ],
)
def test_production_refuses_unsafe_database_settings(
    key: str, value: object, allowed: str
) -> None:
    shown = str(value).lower()
    assert refusal("prod", **{key: value}) == (
        f"whiteboard:{key}={shown} is refused: {allowed}"
    )


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("websocketIdleTimeoutSeconds", 60),
        ("websocketIdleTimeoutSeconds", 4001),
        ("logRetentionDays", 10),
        ("databaseMaxStorageGib", 10),
        ("databaseBackupRetentionDays", 40),
        ("awsDeploymentMaximumPercent", 250),
        ("backendMaxInstances", "many"),
        ("databaseHighAvailability", "maybe"),
    ],
)
def test_other_out_of_range_values_are_refused(key: str, value: object) -> None:
    assert refusal(**{key: value}).startswith(f"whiteboard:{key}={value} is refused:")


def test_hosted_zone_without_domain_is_refused() -> None:
    message = refusal(awsHostedZoneId="Z0123456789ABC")
    assert "set whiteboard:domainName too" in message


def test_unknown_key_is_refused() -> None:
    assert refusal(backendMaxInstance=4) == (
        "whiteboard:backendMaxInstance is refused: not a known setting"
    )


def test_supplied_secrets_are_read_from_secret_config() -> None:
    config = load_stack_config(
        "staging",
        secrets={"databasePassword": "Supplied-Pass-123", "secretKey": "k" * 40},
    )
    assert config.common.database_password.get_secret_value() == "Supplied-Pass-123"
    assert "Supplied-Pass-123" not in repr(config)


@pytest.mark.parametrize(
    "password", ["short", "has space in it", "with/slash1", 'q"uote12']
)
def test_password_the_database_refuses_is_refused_without_echoing_it(
    password: str,
) -> None:
    with pytest.raises(ConfigError) as caught:
        load_stack_config("staging", secrets={"databasePassword": password})
    assert str(caught.value).startswith("whiteboard:databasePassword=(secret) is")
    assert password not in str(caught.value)
