"""The Azure settings: what both stacks resolve to with cloud=azure, and every
refusal specific to Azure, each in one line naming key, value and what is allowed."""

from typing import Any

import pytest
from pulumi_harness import STACKS, load_stack_config
from whiteboard_infra.config import ConfigError
from whiteboard_infra.config.azure import (
    DATABASE_SKU_MAX_CONNECTIONS,
    RESERVED_DATABASE_CONNECTIONS,
    database_storage_gib,
    database_tier,
    log_analytics_retention_days,
)

VAULT_ID = (
    "/subscriptions/3f2c1a9e-5b7d-4c11-9e42-8d0a6b1c2e3f/resourceGroups/certs/"
    "providers/Microsoft.KeyVault/vaults/board-certs"
)


def refusal(stack: str = "staging", **overrides: Any) -> str:
    with pytest.raises(ConfigError) as caught:
        load_stack_config(stack, cloud="azure", overrides=overrides)
    message = str(caught.value)
    assert "\n" not in message
    return message


@pytest.mark.parametrize("stack", STACKS)
def test_both_stacks_load_with_azure_chosen(stack: str) -> None:
    config = load_stack_config(stack, cloud="azure")
    assert config.common.cloud == "azure"
    assert config.azure is not None
    assert config.aws is None
    assert config.azure.location == "westeurope"


def test_staging_is_burstable_in_one_zone() -> None:
    azure = load_stack_config("staging", cloud="azure").azure
    assert azure is not None
    assert azure.database_tier == "Burstable"
    assert azure.zone_redundant is False
    assert azure.database_geo_redundant_backup is False


def test_prod_is_general_purpose_zone_redundant_and_geo_backed_up() -> None:
    config = load_stack_config("prod", cloud="azure")
    azure = config.azure
    assert azure is not None
    assert azure.database_tier == "GeneralPurpose"
    assert azure.zone_redundant is True
    assert azure.database_geo_redundant_backup is True
    assert config.common.database_high_availability is True
    assert config.common.database_read_replicas >= 1


@pytest.mark.parametrize(
    ("sku", "tier"),
    [
        ("Standard_B1ms", "Burstable"),
        ("Standard_D2ds_v5", "GeneralPurpose"),
        ("Standard_E4ads_v5", "MemoryOptimized"),
    ],
)
def test_tier_follows_the_size_family(sku: str, tier: str) -> None:
    assert database_tier(sku) == tier


@pytest.mark.parametrize(
    ("sku", "connections"),
    [
        ("Standard_B1ms", 50),
        ("Standard_B2s", 429),
        ("Standard_D2ds_v5", 859),
        ("Standard_D4s_v3", 1718),
        ("Standard_E2ds_v4", 1718),
        ("Standard_E4ds_v5", 3437),
        ("Standard_D16ds_v5", 5000),
    ],
)
def test_max_connections_follow_azure_defaults(sku: str, connections: int) -> None:
    assert DATABASE_SKU_MAX_CONNECTIONS[sku] == connections


def test_burstable_size_refuses_high_availability() -> None:
    message = refusal("prod", azureDatabaseSku="Standard_B2ms")
    assert message.startswith(
        "whiteboard:azureDatabaseSku=Standard_B2ms is refused: Burstable sizes offer "
        "no high availability"
    )


def test_burstable_size_refuses_read_replicas() -> None:
    message = refusal(databaseReadReplicas=1)
    assert message.startswith(
        "whiteboard:azureDatabaseSku=Standard_B2s is refused: Burstable sizes offer "
        "no read replicas (whiteboard:databaseReadReplicas=1)"
    )


@pytest.mark.parametrize("days", [3, 6])
def test_backup_retention_below_seven_days_is_refused(days: int) -> None:
    assert refusal(databaseBackupRetentionDays=days) == (
        f"whiteboard:databaseBackupRetentionDays={days} is refused: 7-35 on Azure "
        "Database for PostgreSQL"
    )


def test_backup_retention_above_thirty_five_days_is_refused() -> None:
    message = refusal(databaseBackupRetentionDays=36)
    assert message.startswith("whiteboard:databaseBackupRetentionDays=36 is refused")


def test_connection_budget_the_size_cannot_hold_is_refused() -> None:
    # 10 replicas x 200% while a revision starts x (5 + 1) = 120 > 50 - 15
    usable = DATABASE_SKU_MAX_CONNECTIONS["Standard_B1ms"]
    usable -= RESERVED_DATABASE_CONNECTIONS
    assert refusal(azureDatabaseSku="Standard_B1ms") == (
        f"whiteboard:azureDatabaseSku=Standard_B1ms is refused: allows {usable} "
        "backend connections but the backend can open 120 (backendMaxInstances 10 x "
        "200% while a new revision starts x (databasePoolSize 5 + 1)); choose a "
        "larger size or lower those"
    )


def test_connection_budget_counts_the_revision_surge() -> None:
    # 10 x 200% x (20 + 1) = 420 > 414 on a B2s; 5 x 200% x 21 = 210 fits.
    refusal(databasePoolSize=20)
    load_stack_config(
        "staging",
        cloud="azure",
        overrides={"databasePoolSize": 20, "backendMaxInstances": 5},
    )


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("azureRegistryName", "wb"),
        ("azureRegistryName", "white-board"),
        ("azureRegistryName", "a" * 51),
        ("azureKeyVaultName", "kv"),
        ("azureKeyVaultName", "1vault"),
        ("azureKeyVaultName", "white--board"),
        ("azureKeyVaultName", "vault-"),
        ("azureKeyVaultName", "a-vault-name-far-too-long"),
        ("azureDatabaseServerName", "Board-PG"),
        ("azureDatabaseServerName", "-board"),
        ("azureDatabaseServerName", "pg"),
        ("azureDatabaseServerName", "b" * 64),
        ("azureDatabaseSku", "Standard_X9"),
        ("azureDatabaseSku", "GP_Standard_D2ds_v5"),
        ("azureLocation", "West Europe"),
        ("azureVnetCidr", "10.0.0.0/8"),
        ("azureVnetCidr", "10.50.0.0/24"),
        ("azureVnetCidr", "20.50.0.0/16"),
        ("azureBackendCpuMillicores", 300),
        ("azureFrontendCpuMillicores", 4250),
        ("azureCertificateVaultId", "board-certs"),
        ("azureCertificateName", "my_cert"),
        ("azureDnsZoneResourceGroup", "bad group"),
        ("azureGatewayMaxCapacity", 126),
        ("azureGatewayMinCapacity", -1),
    ],
)
def test_values_azure_would_refuse_are_refused(key: str, value: Any) -> None:
    assert refusal(**{key: value}).startswith(f"whiteboard:{key}={value} is refused:")


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("azureRegistryName", "whiteboardStaging01"),
        ("azureKeyVaultName", "wb-stg-kv-01"),
        ("azureDatabaseServerName", "whiteboard-stg-pg"),
    ],
)
def test_names_azure_accepts_are_accepted(key: str, value: str) -> None:
    config = load_stack_config("staging", cloud="azure", overrides={key: value})
    assert config.azure is not None


def test_server_name_too_long_for_its_replicas_names_is_refused() -> None:
    name = "p" * 60
    message = refusal("prod", azureDatabaseServerName=name)
    assert message.startswith(
        f"whiteboard:azureDatabaseServerName={name} is refused: at most 53 characters"
    )
    config = load_stack_config(
        "staging", cloud="azure", overrides={"azureDatabaseServerName": name}
    )
    assert config.azure is not None


def test_gateway_minimum_above_maximum_is_refused() -> None:
    assert refusal(azureGatewayMinCapacity=5, azureGatewayMaxCapacity=3) == (
        "whiteboard:azureGatewayMinCapacity=5 is refused: at most "
        "whiteboard:azureGatewayMaxCapacity=3"
    )


def test_idle_timeout_beyond_the_gateway_limit_is_refused() -> None:
    assert refusal(websocketIdleTimeoutSeconds=90000) == (
        "whiteboard:websocketIdleTimeoutSeconds=90000 is refused: at most 86400 on an "
        "Application Gateway"
    )


def test_dns_zone_without_its_resource_group_is_refused() -> None:
    message = refusal(domainName="board.example.com", azureDnsZoneName="example.com")
    assert "set azureDnsZoneName and azureDnsZoneResourceGroup together" in message


def test_dns_zone_resource_group_without_its_zone_is_refused() -> None:
    assert refusal(azureDnsZoneResourceGroup="dns") == (
        "whiteboard:azureDnsZoneResourceGroup=dns is refused: set azureDnsZoneName "
        "and azureDnsZoneResourceGroup together"
    )


def test_dns_zone_without_a_domain_is_refused() -> None:
    message = refusal(azureDnsZoneName="example.com", azureDnsZoneResourceGroup="dns")
    assert message == (
        "whiteboard:azureDnsZoneName=example.com is refused: a zone that holds "
        "whiteboard:domainName=(empty)"
    )


def test_dns_zone_that_does_not_hold_the_domain_is_refused() -> None:
    message = refusal(
        domainName="board.example.com",
        azureDnsZoneName="example.org",
        azureDnsZoneResourceGroup="dns",
    )
    assert message == (
        "whiteboard:azureDnsZoneName=example.org is refused: a zone that holds "
        "whiteboard:domainName=board.example.com"
    )


def test_certificate_without_domain_is_refused() -> None:
    message = refusal(azureCertificateVaultId=VAULT_ID, azureCertificateName="board")
    assert message == (
        "whiteboard:azureCertificateName=board is refused: set whiteboard:domainName "
        "too, the name the certificate is for"
    )


def test_certificate_name_without_its_vault_is_refused() -> None:
    message = refusal(domainName="board.example.com", azureCertificateName="board")
    assert "set azureCertificateVaultId and azureCertificateName together" in message


def test_certificate_vault_without_a_certificate_name_is_refused() -> None:
    message = refusal(domainName="board.example.com", azureCertificateVaultId=VAULT_ID)
    assert message == (
        f"whiteboard:azureCertificateVaultId={VAULT_ID} is refused: set "
        "azureCertificateVaultId and azureCertificateName together"
    )


def test_apex_domain_in_its_own_zone_is_accepted() -> None:
    config = load_stack_config(
        "staging",
        cloud="azure",
        overrides={
            "domainName": "example.com",
            "azureDnsZoneName": "example.com",
            "azureDnsZoneResourceGroup": "dns",
        },
    )
    assert config.azure is not None and not config.azure.https


def test_certificate_becomes_a_versionless_secret_uri() -> None:
    azure = load_stack_config(
        "staging",
        cloud="azure",
        overrides={
            "domainName": "board.example.com",
            "azureCertificateVaultId": VAULT_ID,
            "azureCertificateName": "board",
        },
    ).azure
    assert azure is not None and azure.https
    assert azure.certificate_secret_id == (
        "https://board-certs.vault.azure.net/secrets/board"
    )


@pytest.mark.parametrize(
    ("requested", "offered"), [(20, 32), (32, 32), (50, 64), (500, 512), (9000, 16384)]
)
def test_storage_rounds_up_to_a_size_azure_offers(requested: int, offered: int) -> None:
    assert database_storage_gib(requested) == offered


@pytest.mark.parametrize(("requested", "kept"), [(14, 30), (90, 90), (731, 730)])
def test_log_retention_is_held_to_what_log_analytics_accepts(
    requested: int, kept: int
) -> None:
    assert log_analytics_retention_days(requested) == kept


@pytest.mark.parametrize("requested", [32769, 40000, 65536])
def test_storage_beyond_the_largest_azure_size_is_refused(requested: int) -> None:
    assert refusal(databaseStorageGib=requested, databaseMaxStorageGib=65536) == (
        f"whiteboard:databaseStorageGib={requested} is refused: at most 32768 on "
        "Azure Database for PostgreSQL, its largest storage size"
    )


@pytest.mark.parametrize("requested", [20000, 32768])
def test_storage_up_to_32_tib_is_provisioned_never_smaller(requested: int) -> None:
    config = load_stack_config(
        "staging",
        cloud="azure",
        overrides={"databaseStorageGib": requested, "databaseMaxStorageGib": 65536},
    )
    assert database_storage_gib(config.common.database_storage_gib) == 32768


@pytest.mark.parametrize(
    "user",
    ["admin", "administrator", "azure_superuser", "azure_pg_admin", "root", "guest"],
)
def test_database_user_azure_refuses_as_administrator_login_is_refused(
    user: str,
) -> None:
    assert refusal(databaseUser=user).startswith(
        f"whiteboard:databaseUser={user} is refused: a name Azure accepts as the "
        "server's administrator login"
    )


@pytest.mark.parametrize("user", ["public", "pg_owner"])
def test_database_user_every_cloud_reserves_is_refused_on_azure(user: str) -> None:
    assert refusal(databaseUser=user).startswith(f"whiteboard:databaseUser={user} is")


def test_administrator_logins_azure_refuses_still_load_on_aws() -> None:
    assert load_stack_config("staging", overrides={"databaseUser": "admin"})
