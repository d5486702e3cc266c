"""The whole program on Azure, for `staging` and `prod`, run as `pulumi up` and as
`pulumi preview` would run it (`infra/__main__.py` through the language host's
steps), with `whiteboard:cloud=azure`."""

import re
from typing import Any

import pytest
from fakes_azure import PACKAGE, AzureFakes
from pulumi_harness import (
    STACKS,
    UNKNOWN,
    ProgramRun,
    Registered,
    is_secret,
    register_fakes,
    run_program,
    unwrap,
)
from whiteboard_infra.azure import global_names, unique_suffix
from whiteboard_infra.config import ConfigError

register_fakes(PACKAGE, AzureFakes())

_RUNS: dict[tuple[str, bool], ProgramRun] = {}


def cached_run(stack: str, cloud: str, preview: bool) -> ProgramRun:
    """One run per (stack, preview) for this module: the runs are read-only."""
    assert cloud == "azure"
    if (stack, preview) not in _RUNS:
        _RUNS[stack, preview] = run_program(stack, cloud=cloud, preview=preview)
    return _RUNS[stack, preview]


COMPONENTS = {
    "whiteboard:azure:Network",
    "whiteboard:azure:Secrets",
    "whiteboard:azure:Registry",
    "whiteboard:azure:Database",
    "whiteboard:azure:ContainerService",
    "whiteboard:azure:LoadBalancer",
    "whiteboard:azure:Monitoring",
}
SERVER = f"{PACKAGE}:dbforpostgresql:Server"
APP = f"{PACKAGE}:app:ContainerApp"
CERT_VAULT = (
    "/subscriptions/3f2c1a9e-5b7d-4c11-9e42-8d0a6b1c2e3f/resourceGroups/certs/"
    "providers/Microsoft.KeyVault/vaults/board-certs"
)


@pytest.fixture
def azure_run(stack: str) -> ProgramRun:
    """The Azure program for `stack`, deployed under mocks (shared per session)."""
    return cached_run(stack, "azure", preview=False)


@pytest.fixture
def azure_preview(stack: str) -> ProgramRun:
    """The Azure program for `stack` as a preview."""
    return cached_run(stack, "azure", preview=True)


def writer(run: ProgramRun) -> Registered:
    return run.one(SERVER, "writer")


def replicas(run: ProgramRun) -> list[Registered]:
    return [r for r in run.of_type(SERVER) if "replica" in r.name]


def backend_env(run: ProgramRun) -> dict[str, Any]:
    container = run.one(APP, "backend")["template"]["containers"][0]
    return {e["name"]: e.get("value", e.get("secretRef")) for e in container["env"]}


def snake_case_keys(value: object) -> list[str]:
    """Keys in Python's spelling: an input the SDK did not translate for Azure."""
    found: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if "_" in key and key[0].islower() and not key[0].isdigit():
                found.append(key)
            found += snake_case_keys(item)
    elif isinstance(value, list):
        for item in value:
            found += snake_case_keys(item)
    return found


# Structure


def test_every_component_is_declared_once(azure_run: ProgramRun) -> None:
    for token in COMPONENTS:
        assert len(azure_run.of_type(token)) == 1, token
    assert not [r for r in azure_run.resources if r.type.startswith("aws:")]


def test_every_cloud_resource_belongs_to_a_component(azure_run: ProgramRun) -> None:
    for resource in azure_run.resources:
        if resource.type.startswith(("whiteboard:", "pulumi:providers:")):
            continue
        owners = {a.type for a in azure_run.ancestors(resource)}
        assert owners & COMPONENTS, resource.name


def test_every_component_registers_its_outputs(azure_run: ProgramRun) -> None:
    for token in COMPONENTS:
        component = azure_run.one(token)
        assert azure_run.component_outputs.get(component.urn), token


def test_inputs_reach_azure_in_the_schema_spelling(azure_run: ProgramRun) -> None:
    for resource in azure_run.resources:
        if resource.type.startswith(PACKAGE):
            assert snake_case_keys(resource.inputs) == [], resource.name


def test_stack_outputs_are_the_shared_deploy_outputs(
    stack: str, azure_run: ProgramRun
) -> None:
    outputs = azure_run.outputs
    prefix = {"staging": "whiteboard-stg", "prod": "whiteboard-prod"}[stack]
    assert outputs["appUrl"].startswith(f"http://{prefix}-")
    assert outputs["appUrl"].endswith(".westeurope.cloudapp.azure.com")
    assert outputs["websocketUrl"] == (
        outputs["appUrl"].replace("http://", "ws://") + "/ws"
    )
    assert outputs["databaseWriterEndpoint"] == (
        f"{writer(azure_run).outputs['fullyQualifiedDomainName']}:5432"
    )
    assert outputs["databaseReaderEndpoints"] == [
        f"{r.outputs['fullyQualifiedDomainName']}:5432" for r in replicas(azure_run)
    ]
    assert azure_run.secret_outputs == set()


def test_preview_declares_the_same_resources_with_unknown_outputs(
    azure_run: ProgramRun, azure_preview: ProgramRun
) -> None:
    assert sorted((r.type, r.name) for r in azure_preview.resources) == sorted(
        (r.type, r.name) for r in azure_run.resources
    )
    assert azure_preview.outputs["appUrl"] is UNKNOWN
    assert azure_preview.outputs["databaseWriterEndpoint"] is UNKNOWN


# Names Azure wants unique


def test_globally_unique_names_are_valid_and_share_one_stable_suffix(
    azure_run: ProgramRun,
) -> None:
    vault = azure_run.one(f"{PACKAGE}:keyvault:Vault")["vaultName"]
    registry = azure_run.one(f"{PACKAGE}:containerregistry:Registry")["registryName"]
    server = writer(azure_run)["serverName"]
    assert 3 <= len(vault) <= 24 and "--" not in vault
    assert registry.isalnum() and 5 <= len(registry) <= 50
    group = azure_run.one(f"{PACKAGE}:resources:ResourceGroup")
    suffix = unique_suffix(group.id)
    assert {vault[-6:], registry[-6:], server[-6:]} == {suffix}


def test_unique_suffix_is_stable_per_resource_group() -> None:
    group = "/subscriptions/3f2c1a9e-5b7d-4c11-9e42-8d0a6b1c2e3f/resourceGroups/wb-rg"
    other = group.replace("3f2c", "9a1b")
    assert unique_suffix(group) == unique_suffix(group)
    assert unique_suffix(group) != unique_suffix(other)
    assert re.fullmatch(r"[0-9a-f]{6}", unique_suffix(group))


def test_long_prefix_still_makes_a_key_vault_name_azure_accepts() -> None:
    names = global_names("a-twenty-char-prefix", "0a1b2c")
    assert len(names["key_vault"]) <= 24
    assert re.fullmatch(r"[a-z][a-z0-9-]*[a-z0-9]", names["key_vault"])
    assert "--" not in names["key_vault"]
    assert names["registry"].isalnum()


def test_chosen_names_are_used_as_given() -> None:
    run = run_program(
        "staging",
        cloud="azure",
        overrides={
            "azureKeyVaultName": "wb-staging-vault",
            "azureRegistryName": "wbstagingregistry",
            "azureDatabaseServerName": "wb-staging-pg",
        },
    )
    assert run.one(f"{PACKAGE}:keyvault:Vault")["vaultName"] == "wb-staging-vault"
    registry = run.one(f"{PACKAGE}:containerregistry:Registry")
    assert registry["registryName"] == "wbstagingregistry"
    assert writer(run)["serverName"] == "wb-staging-pg"


# Backend: instances, secrets, database


def test_backend_runs_two_to_ten_replicas(azure_run: ProgramRun) -> None:
    scale = azure_run.one(APP, "backend")["template"]["scale"]
    assert (scale["minReplicas"], scale["maxReplicas"]) == (2, 10)
    assert scale["rules"][0]["http"]["metadata"] == {"concurrentRequests": "1000"}


def test_backend_is_told_where_the_database_is(
    stack: str, azure_run: ProgramRun
) -> None:
    env = backend_env(azure_run)
    assert env["DATABASE_HOST"] == writer(azure_run).outputs["fullyQualifiedDomainName"]
    assert env["DATABASE_PORT"] == "5432"
    assert env["DATABASE_SSLMODE"] == "require"
    assert env["DATABASE_READER_HOSTS"] == ",".join(
        r.outputs["fullyQualifiedDomainName"] for r in replicas(azure_run)
    )
    assert env["DATABASE_POOL_SIZE"] == {"staging": "5", "prod": "10"}[stack]
    assert env["ENVIRONMENT"] == {"staging": "staging", "prod": "production"}[stack]
    assert env["SHUTDOWN_GRACE_SECONDS"] == "8"


def test_backend_admits_websockets_from_the_app_origin_only(
    azure_run: ProgramRun,
) -> None:
    assert backend_env(azure_run)["ALLOWED_ORIGINS"] == azure_run.outputs["appUrl"]


def test_backend_takes_the_client_address_behind_gateway_and_ingress(
    azure_run: ProgramRun,
) -> None:
    env = backend_env(azure_run)
    assert env["TRUSTED_PROXY_HOPS"] == "2"
    assert "FORWARDED_ALLOW_IPS" not in env


def test_backend_secrets_are_references_never_values(azure_run: ProgramRun) -> None:
    env = backend_env(azure_run)
    assert env["DATABASE_PASSWORD"] == "database-password"
    assert env["SECRET_KEY"] == "secret-key"
    secrets = azure_run.one(APP, "backend")["configuration"]["secrets"]
    assert all("keyVaultUrl" in s and "value" not in s for s in secrets)


def test_supplied_secrets_stay_secret_all_the_way_to_the_database() -> None:
    run = run_program(
        "staging",
        cloud="azure",
        secrets={"databasePassword": "Supplied-Pass-123", "secretKey": "k" * 40},
    )
    assert run.of_type("random:index/randomPassword:RandomPassword") == []
    password = writer(run)["administratorLoginPassword"]
    assert is_secret(password) and unwrap(password) == "Supplied-Pass-123"
    for resource in run.resources:
        if resource.type == APP:
            assert "Supplied-Pass-123" not in repr(resource.inputs)


def test_prebuilt_images_are_run_as_given() -> None:
    image = "whiteboardprod.azurecr.io/whiteboard/backend@sha256:" + "a" * 64
    run = run_program(
        "prod",
        cloud="azure",
        overrides={"backendImage": image, "frontendImage": "nginx:1.27"},
    )
    assert run.of_type("docker:index/image:Image") == []
    backend = run.one(APP, "backend")["template"]["containers"][0]
    assert backend["image"] == image


# Database, per stack


def test_staging_database_is_cheap() -> None:
    azure_run = cached_run("staging", "azure", preview=False)
    server = writer(azure_run)
    assert server["sku"] == {"name": "Standard_B2s", "tier": "Burstable"}
    assert server["highAvailability"] == {"mode": "Disabled"}
    assert server["backup"]["backupRetentionDays"] == 7
    assert replicas(azure_run) == []
    assert not any(r.protect for r in azure_run.resources)


def test_prod_database_has_deletion_protection() -> None:
    azure_run = cached_run("prod", "azure", preview=False)
    lock = azure_run.one(f"{PACKAGE}:authorization:ManagementLockByScope")
    assert (lock["level"], lock["scope"]) == ("CanNotDelete", writer(azure_run).id)
    database = azure_run.one("whiteboard:azure:Database")
    for resource in azure_run.children(database):
        assert resource.protect, resource.name


def test_prod_database_is_highly_available_with_a_replica_and_geo_backups() -> None:
    azure_run = cached_run("prod", "azure", preview=False)
    server = writer(azure_run)
    assert server["sku"]["tier"] == "GeneralPurpose"
    assert server["highAvailability"] == {"mode": "ZoneRedundant"}
    assert server["backup"] == {
        "backupRetentionDays": 14,
        "geoRedundantBackup": "Enabled",
    }
    assert [r["createMode"] for r in replicas(azure_run)] == ["Replica"]
    environment = azure_run.one(f"{PACKAGE}:app:ManagedEnvironment")
    assert environment["zoneRedundant"] is True


# Entry


def test_gateway_reaches_the_apps_by_their_own_names(azure_run: ProgramRun) -> None:
    pools = {
        p["name"]: p["backendAddresses"][0]["fqdn"]
        for p in azure_run.one(f"{PACKAGE}:network:ApplicationGateway")[
            "backendAddressPools"
        ]
    }
    for role in ("backend", "frontend"):
        app = azure_run.one(APP, role)
        assert pools[role] == app.outputs["configuration"]["ingress"]["fqdn"]


def test_apps_admit_only_the_gateway_subnet(azure_run: ProgramRun) -> None:
    gateway_subnet = next(
        s
        for s in azure_run.of_type(f"{PACKAGE}:network:Subnet")
        if s.name.endswith("gateway")
    )
    for role in ("backend", "frontend"):
        ingress = azure_run.one(APP, role)["configuration"]["ingress"]
        ranges = [r["ipAddressRange"] for r in ingress["ipSecurityRestrictions"]]
        assert ranges == [gateway_subnet["addressPrefix"]]


def test_https_domain_with_dns_zone_serves_the_app_on_the_domain() -> None:
    run = run_program(
        "prod",
        cloud="azure",
        overrides={
            "domainName": "board.example.com",
            "azureDnsZoneName": "example.com",
            "azureDnsZoneResourceGroup": "dns",
            "azureCertificateVaultId": CERT_VAULT,
            "azureCertificateName": "board",
        },
    )
    assert run.outputs["appUrl"] == "https://board.example.com"
    assert run.outputs["websocketUrl"] == "wss://board.example.com/ws"
    assert run.one(f"{PACKAGE}:dns:RecordSet")["relativeRecordSetName"] == "board"
    assert backend_env(run)["ALLOWED_ORIGINS"] == "https://board.example.com"


# Refused configurations stop the program before any resource


@pytest.mark.parametrize(
    ("overrides", "start"),
    [
        (
            {"azureDatabaseSku": "Standard_B2ms"},
            "whiteboard:azureDatabaseSku=Standard_B2ms is refused: Burstable",
        ),
        (
            {"databaseBackupRetentionDays": 5, "environment": "staging"},
            "whiteboard:databaseBackupRetentionDays=5 is refused: 7-35",
        ),
        (
            {"azureRegistryName": "wb-registry"},
            "whiteboard:azureRegistryName=wb-registry is refused",
        ),
        (
            {"databasePoolSize": 50},
            "whiteboard:azureDatabaseSku=Standard_D2ds_v5 is refused: allows 844",
        ),
    ],
)
def test_refused_settings_stop_the_program(overrides: dict, start: str) -> None:
    with pytest.raises(ConfigError) as caught:
        run_program("prod", cloud="azure", overrides=overrides)
    assert str(caught.value).startswith(start)


def test_both_stacks_are_covered() -> None:
    assert set(STACKS) == {"staging", "prod"}


def test_database_host_override_makes_the_restored_database_the_only_one() -> None:
    restored = "wb-prod-pg-pitr-202612040930.postgres.database.azure.com"
    run = run_program(
        "prod", cloud="azure", overrides={"databaseHostOverride": restored}
    )
    env = backend_env(run)
    assert replicas(run)
    assert env["DATABASE_HOST"] == restored
    assert env["DATABASE_PORT"] == "5432"
    assert env["DATABASE_READER_HOSTS"] == ""
