"""The GCP settings: what both stacks resolve to with cloud=gcp, and every refusal
specific to Google Cloud."""

import pytest
from pulumi_harness import STACKS, load_stack_config
from whiteboard_infra.config import ConfigError
from whiteboard_infra.config.common import CommonSettings
from whiteboard_infra.config.gcp import (
    RESERVED_DATABASE_CONNECTIONS,
    GcpSettings,
    cloud_run_offers,
    max_connections,
    tier_edition,
    tier_memory_mib,
)


def refusal(stack: str = "staging", **overrides: object) -> str:
    with pytest.raises(ConfigError) as caught:
        load_stack_config(stack, cloud="gcp", overrides=overrides)
    message = str(caught.value)
    assert "\n" not in message
    return message


@pytest.mark.parametrize("stack", STACKS)
def test_both_stacks_load_with_gcp_chosen(stack: str) -> None:
    config = load_stack_config(stack, cloud="gcp")
    assert config.common.cloud == "gcp"
    assert config.gcp is not None
    assert config.gcp.project == f"whiteboard-{stack}"
    assert config.aws is None


def test_staging_database_is_enterprise_and_prod_enterprise_plus() -> None:
    staging = load_stack_config("staging", cloud="gcp").gcp
    prod = load_stack_config("prod", cloud="gcp").gcp
    assert staging is not None and prod is not None
    assert (staging.database_edition, prod.database_edition) == (
        "ENTERPRISE",
        "ENTERPRISE_PLUS",
    )


def test_aws_stacks_still_load_beside_gcp_keys() -> None:
    assert load_stack_config("prod").gcp is None


def test_missing_project_is_refused() -> None:
    assert refusal(gcpProject=None) == (
        "whiteboard:gcpProject= is refused: set the Google Cloud project id to "
        "deploy into"
    )


@pytest.mark.parametrize(
    ("tier", "edition"),
    [
        ("db-f1-micro", "ENTERPRISE_PLUS"),
        ("db-custom-2-7680", "ENTERPRISE_PLUS"),
        ("db-perf-optimized-N-2", "ENTERPRISE"),
    ],
)
def test_tier_and_edition_that_do_not_pair_are_refused(tier: str, edition: str) -> None:
    message = refusal(gcpDatabaseTier=tier, gcpDatabaseEdition=edition)
    assert message.startswith(f"whiteboard:gcpDatabaseTier={tier} is refused: runs")
    assert f"not whiteboard:gcpDatabaseEdition={edition}" in message


@pytest.mark.parametrize(
    "tier",
    [
        "db-n1-standard-1",
        "db-custom-3-7680",
        "db-custom-1-3000",
        "db-custom-1-8192",
        "db-custom-2-7000",
        "db-perf-optimized-N-3",
        "db-perf-optimized-N-2-extra",
    ],
)
def test_tiers_cloud_sql_does_not_have_are_refused(tier: str) -> None:
    assert refusal(gcpDatabaseTier=tier).startswith(
        f"whiteboard:gcpDatabaseTier={tier} is refused: db-f1-micro, db-g1-small"
    )


@pytest.mark.parametrize(
    ("tier", "memory", "edition"),
    [
        ("db-f1-micro", 614, "ENTERPRISE"),
        ("db-custom-1-3840", 3840, "ENTERPRISE"),
        ("db-custom-96-638976", 638976, "ENTERPRISE"),
        ("db-perf-optimized-N-8", 65536, "ENTERPRISE_PLUS"),
    ],
)
def test_tier_memory_and_edition_follow_cloud_sql(
    tier: str, memory: int, edition: str
) -> None:
    assert tier_memory_mib(tier) == memory
    assert tier_edition(tier) == edition


@pytest.mark.parametrize(
    ("tier", "connections"),
    [
        ("db-f1-micro", 25),
        ("db-g1-small", 50),
        ("db-custom-1-3840", 100),
        ("db-custom-1-6144", 200),
        ("db-custom-2-7680", 400),
        ("db-perf-optimized-N-2", 500),
        ("db-perf-optimized-N-4", 600),
        ("db-perf-optimized-N-8", 800),
        ("db-perf-optimized-N-16", 1000),
    ],
)
def test_max_connections_follows_cloud_sql_defaults(
    tier: str, connections: int
) -> None:
    assert max_connections(tier) == connections


def test_tier_too_small_for_peak_connections_is_refused() -> None:
    # 10 instances x 200% while revisions overlap x (5 + 1) = 120 > 100 - 3
    message = refusal(gcpDatabaseTier="db-custom-1-3840")
    assert message == (
        "whiteboard:gcpDatabaseTier=db-custom-1-3840 is refused: allows "
        f"{100 - RESERVED_DATABASE_CONNECTIONS} backend connections but the backend "
        "can open 120 (backendMaxInstances 10 x 200% during a deploy x "
        "(databasePoolSize 5 + 1)); choose a larger tier or lower those"
    )


def test_fewer_instances_fit_a_smaller_tier() -> None:
    # 4 x 200% x 6 = 48 <= 97
    config = load_stack_config(
        "staging",
        cloud="gcp",
        overrides={"gcpDatabaseTier": "db-custom-1-3840", "backendMaxInstances": 4},
    )
    assert config.gcp is not None and config.gcp.database_tier == "db-custom-1-3840"


def test_shared_core_tier_refuses_prod_backups_and_prod_connections() -> None:
    message = refusal(
        "prod", gcpDatabaseTier="db-g1-small", gcpDatabaseEdition="ENTERPRISE"
    )
    assert message.startswith("whiteboard:databaseBackupRetentionDays=14 is refused")
    message = refusal(
        "prod",
        gcpDatabaseTier="db-g1-small",
        gcpDatabaseEdition="ENTERPRISE",
        databaseBackupRetentionDays=7,
        environment="staging",
    )
    assert "allows 47 backend connections but the backend can open 220" in message


def test_backups_beyond_enterprise_recovery_window_are_refused() -> None:
    assert refusal(databaseBackupRetentionDays=14) == (
        "whiteboard:databaseBackupRetentionDays=14 is refused: at most 7 on Cloud SQL "
        "ENTERPRISE, whose point-in-time recovery reaches back no further; choose "
        "ENTERPRISE_PLUS or fewer days"
    )


def test_websocket_longer_than_cloud_run_request_timeout_is_refused() -> None:
    assert refusal(websocketIdleTimeoutSeconds=3601) == (
        "whiteboard:websocketIdleTimeoutSeconds=3601 is refused: at most 3600 on "
        "Cloud Run, whose request timeout ends every WebSocket"
    )


def test_concurrency_above_cloud_run_limit_is_refused() -> None:
    assert refusal(backendConnectionsTargetPerInstance=1001).startswith(
        "whiteboard:backendConnectionsTargetPerInstance=1001 is refused: at most 1000"
    )


def test_drain_longer_than_cloud_run_waits_is_refused() -> None:
    assert refusal(shutdownGraceSeconds=10) == (
        "whiteboard:shutdownGraceSeconds=10 is refused: below 10: Cloud Run kills a "
        "container 10 s after SIGTERM"
    )


@pytest.mark.parametrize(
    ("cpu", "memory", "offered"),
    [
        (1, 512, True),
        (1, 4096, True),
        (1, 4097, False),
        (1, 256, False),
        (2, 8192, True),
        (4, 1024, False),
        (8, 32768, True),
        (3, 2048, False),
    ],
)
def test_cloud_run_cpu_memory_pairs(cpu: int, memory: int, offered: bool) -> None:
    assert cloud_run_offers(cpu, memory) is offered


def test_memory_cloud_run_does_not_allow_for_the_cpus_is_refused() -> None:
    assert refusal(gcpBackendCpu=4, gcpBackendMemoryMib=1024) == (
        "whiteboard:gcpBackendMemoryMib=1024 is refused: Cloud Run allows "
        "2048-16384 MiB with whiteboard:gcpBackendCpu=4"
    )


def test_cpu_count_cloud_run_does_not_offer_is_refused() -> None:
    assert refusal(gcpFrontendCpu=3) == (
        "whiteboard:gcpFrontendCpu=3 is refused: one of 1, 2, 4, 6, 8"
    )


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("gcpProject", "Whiteboard"),
        ("gcpProject", "short"),
        ("gcpProject", "a-project-id-much-too-long-for-gcp"),
        ("gcpProject", "ends-with-"),
        ("gcpRegion", "Europe West"),
        ("gcpSubnetCidr", "10.0.0.0/8"),
        ("gcpSubnetCidr", "10.60.0.0/26"),
        ("gcpSubnetCidr", "34.0.0.0/20"),
        ("gcpDnsZone", "example.com"),
        ("gcpAlertEmail", "nobody"),
        ("gcpDatabaseEdition", "STANDARD"),
        ("databaseUser", "cloudsqladmin"),
        ("databaseName", "cloudsqlsuperuser"),
    ],
)
def test_names_google_cloud_would_refuse_are_refused(key: str, value: str) -> None:
    assert refusal(**{key: value}).startswith(f"whiteboard:{key}={value} is refused:")


def test_dns_zone_without_domain_is_refused() -> None:
    assert "set whiteboard:domainName too" in refusal(gcpDnsZone="board-zone")


def test_resource_names_beyond_google_cloud_limits_are_refused() -> None:
    # The common prefix rule keeps names short; this guards the GCP names should
    # that rule ever be relaxed.
    common = CommonSettings.model_construct(
        **(CommonSettings().model_dump() | {"resource_prefix": "p" * 23})
    )
    with pytest.raises(ValueError) as caught:
        GcpSettings(project="whiteboard-staging").check_with(common)
    assert str(caught.value).startswith(f"whiteboard:resourcePrefix={'p' * 23} is")
    assert "service account" in str(caught.value)
