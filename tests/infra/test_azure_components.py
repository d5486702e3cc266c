"""Each Azure component on its own, built from typed arguments under the mocks."""

import ipaddress

import pytest
from fakes_azure import PACKAGE, SUBSCRIPTION, AzureFakes
from pulumi_harness import (
    ProgramRun,
    Registered,
    is_secret,
    register_fakes,
    run_components,
    unwrap,
)
from whiteboard_infra.azure.container_service import (
    ContainerService,
    ContainerServiceArgs,
)
from whiteboard_infra.azure.database import Database, DatabaseArgs
from whiteboard_infra.azure.load_balancer import LoadBalancer, LoadBalancerArgs
from whiteboard_infra.azure.monitoring import Monitoring, MonitoringArgs
from whiteboard_infra.azure.network import Network, NetworkArgs, subnet_ranges
from whiteboard_infra.azure.registry import Registry, RegistryArgs
from whiteboard_infra.azure.roles import ACR_PULL_ROLE, KEY_VAULT_SECRETS_USER_ROLE
from whiteboard_infra.azure.secrets import Secrets, SecretsArgs

register_fakes(PACKAGE, AzureFakes())

PREVIEW = pytest.mark.parametrize("preview", [False, True], ids=["up", "preview"])
GROUP = f"/subscriptions/{SUBSCRIPTION}/resourceGroups/wb-rg"
VNET = f"{GROUP}/providers/Microsoft.Network/virtualNetworks/wb-vnet"
SUBNET = f"{VNET}/subnets/"
VAULT = f"{GROUP}/providers/Microsoft.KeyVault/vaults/wb-kv-123456"
REGISTRY = f"{GROUP}/providers/Microsoft.ContainerRegistry/registries/wb123456"
CERT_VAULT = (
    f"/subscriptions/{SUBSCRIPTION}/resourceGroups/certs/providers/"
    "Microsoft.KeyVault/vaults/board-certs"
)


def assert_owned(run: ProgramRun, token: str) -> Registered:
    """The component exists, owns every other resource, and registered outputs."""
    component = run.one(token)
    for resource in run.resources:
        if resource is not component:
            assert resource.parent == component.urn, resource.name
    assert run.component_outputs[component.urn]
    return component


# Network


@PREVIEW
def test_network_has_one_subnet_per_tier_delegated_as_azure_requires(
    preview: bool,
) -> None:
    run = run_components(
        lambda: {
            "apps": Network(
                "wb", NetworkArgs("wb", "westeurope", "10.50.0.0/16")
            ).apps_subnet_id
        },
        preview=preview,
    )

    assert_owned(run, "whiteboard:azure:Network")
    subnets = {s["subnetName"]: s for s in run.of_type(f"{PACKAGE}:network:Subnet")}
    assert set(subnets) == {"apps", "gateway", "database"}
    delegations = {
        name: [d["serviceName"] for d in subnet.get("delegations", [])]
        for name, subnet in subnets.items()
    }
    assert delegations == {
        "apps": ["Microsoft.App/environments"],
        "gateway": [],
        "database": ["Microsoft.DBforPostgreSQL/flexibleServers"],
    }
    sizes = {
        name: ipaddress.IPv4Network(s["addressPrefix"]).prefixlen
        for name, s in subnets.items()
    }
    # Workload profiles need /27 or larger; the gateway a subnet of its own.
    assert sizes["apps"] <= 27 and sizes["gateway"] <= 26 and sizes["database"] <= 28
    vnet = run.one(f"{PACKAGE}:network:VirtualNetwork")
    assert vnet["addressSpace"]["addressPrefixes"] == ["10.50.0.0/16"]
    if not preview:
        assert run.outputs["apps"] == f"{SUBNET}apps"


@pytest.mark.parametrize("cidr", ["10.50.0.0/16", "192.168.4.0/22", "172.16.0.0/20"])
def test_subnet_ranges_sit_inside_the_network_and_do_not_overlap(cidr: str) -> None:
    ranges = subnet_ranges(cidr)
    networks = [
        ipaddress.IPv4Network(r) for r in (ranges.apps, ranges.gateway, ranges.database)
    ]
    assert all(n.subnet_of(ipaddress.IPv4Network(cidr)) for n in networks)
    for index, first in enumerate(networks):
        for second in networks[index + 1 :]:
            assert not first.overlaps(second)


# Secrets


def build_secrets(**overrides: object) -> dict:
    secrets = Secrets(
        "wb",
        SecretsArgs(
            vault_name="wb-kv-123456",
            resource_group_name="wb-rg",
            location="westeurope",
            tenant_id="72f988bf-86f1-41af-91ab-2d7cd011db47",
            **overrides,
        ),
    )
    return {"urls": secrets.secret_urls, "password": secrets.database_password}


def test_secrets_are_generated_and_stored_in_an_rbac_key_vault() -> None:
    run = run_components(build_secrets)

    assert_owned(run, "whiteboard:azure:Secrets")
    vault = run.one(f"{PACKAGE}:keyvault:Vault")["properties"]
    assert vault["enableRbacAuthorization"] is True
    assert "accessPolicies" not in vault
    assert len(run.of_type("random:index/randomPassword:RandomPassword")) == 2
    stored = run.of_type(f"{PACKAGE}:keyvault:Secret")
    assert sorted(s["secretName"] for s in stored) == [
        "database-password",
        "secret-key",
    ]
    # The value makes the whole `properties` secret, as Pulumi sends it.
    assert all(is_secret(s["properties"]) for s in stored)
    assert run.outputs["urls"] == {
        "database-password": "https://wb-kv-123456.vault.azure.net/secrets/"
        "database-password",
        "secret-key": "https://wb-kv-123456.vault.azure.net/secrets/secret-key",
    }
    assert "password" in run.secret_outputs


def test_supplied_secrets_are_stored_instead_of_generated() -> None:
    run = run_components(
        lambda: build_secrets(
            database_password="Supplied-Pass-123", secret_key="k" * 40
        )
    )

    assert run.of_type("random:index/randomPassword:RandomPassword") == []
    password = run.one(f"{PACKAGE}:keyvault:Secret", "database-password")
    assert is_secret(password["properties"])
    assert unwrap(password["properties"])["value"] == "Supplied-Pass-123"


@pytest.mark.parametrize("protected", [False, True])
def test_purge_protection_follows_deletion_protection(protected: bool) -> None:
    run = run_components(lambda: build_secrets(purge_protection=protected))

    vault = run.one(f"{PACKAGE}:keyvault:Vault")["properties"]
    assert vault.get("enablePurgeProtection", False) is protected
    assert vault["softDeleteRetentionInDays"] == (90 if protected else 7)


# Registry


@PREVIEW
def test_registry_has_no_admin_user_and_builds_both_images(preview: bool) -> None:
    def build() -> dict:
        registry = Registry(
            "wb",
            RegistryArgs("wb123456", "wb-rg", "westeurope", app_directory="../app"),
        )
        return {"images": registry.images}

    run = run_components(build, preview=preview)

    assert_owned(run, "whiteboard:azure:Registry")
    assert run.one(f"{PACKAGE}:containerregistry:Registry")["adminUserEnabled"] is False
    images = run.of_type("docker:index/image:Image")
    assert sorted(i["build"]["context"] for i in images) == [
        "../app/backend",
        "../app/frontend",
    ]
    for image in images:
        # Pushed with Docker's own login to the registry: no password to hand over.
        assert set(image["registry"]) == {"server"}
    if not preview:
        assert run.outputs["images"]["backend"].startswith(
            "wb123456.azurecr.io/whiteboard/backend@sha256:"
        )


def test_prebuilt_images_are_used_without_building() -> None:
    prebuilt = {
        "backend": "wb123456.azurecr.io/whiteboard/backend:1.4.0",
        "frontend": "wb123456.azurecr.io/whiteboard/frontend:1.4.0",
    }

    def build() -> dict:
        registry = Registry(
            "wb",
            RegistryArgs(
                "wb123456", "wb-rg", "westeurope", "../app", prebuilt_images=prebuilt
            ),
        )
        return {"images": registry.images}

    run = run_components(build)

    assert run.of_type("docker:index/image:Image") == []
    assert run.outputs["images"] == prebuilt


# Database


def build_database(**overrides: object) -> dict:
    database = Database(
        "wb",
        DatabaseArgs(
            name="wb",
            server_name="wb-pg-123456",
            resource_group_name="wb-rg",
            location="westeurope",
            virtual_network_id=VNET,
            subnet_id=f"{SUBNET}database",
            database_name="whiteboard",
            username="whiteboard",
            password="Mock-Password-1",
            **overrides,
        ),
    )
    return {"writer": database.writer_endpoint, "readers": database.reader_endpoints}


PROD_DATABASE = {
    "sku": "Standard_D2ds_v5",
    "tier": "GeneralPurpose",
    "high_availability": True,
    "read_replicas": 2,
    "backup_retention_days": 14,
    "geo_redundant_backup": True,
    "deletion_protection": True,
}


@PREVIEW
def test_database_is_postgres_16_reachable_only_inside_the_network(
    preview: bool,
) -> None:
    run = run_components(build_database, preview=preview)

    assert_owned(run, "whiteboard:azure:Database")
    writer = run.one(f"{PACKAGE}:dbforpostgresql:Server", "writer")
    assert writer["version"] == "16"
    assert writer["network"]["publicNetworkAccess"] == "Disabled"
    assert writer["network"]["delegatedSubnetResourceId"] == f"{SUBNET}database"
    zone = run.one(f"{PACKAGE}:privatedns:PrivateZone")
    assert zone["privateZoneName"].endswith(".private.postgres.database.azure.com")
    link = run.one(f"{PACKAGE}:privatedns:VirtualNetworkLink")
    assert link["virtualNetwork"] == {"id": VNET}
    assert run.of_type(f"{PACKAGE}:dbforpostgresql:FirewallRule") == []
    tls = run.one(f"{PACKAGE}:dbforpostgresql:Configuration")
    assert (tls["configurationName"], tls["value"]) == (
        "require_secure_transport",
        "ON",
    )
    assert run.one(f"{PACKAGE}:dbforpostgresql:Database")["databaseName"] == (
        "whiteboard"
    )
    if not preview:
        zone_id = run.by_urn(zone.urn).id
        assert writer["network"]["privateDnsZoneArmResourceId"] == zone_id
        assert run.outputs["writer"] == "wb-pg-123456.postgres.database.azure.com:5432"
        assert run.outputs["readers"] == []


def test_staging_database_is_burstable_single_zone_and_unprotected() -> None:
    run = run_components(build_database)

    writer = run.one(f"{PACKAGE}:dbforpostgresql:Server", "writer")
    assert writer["sku"] == {"name": "Standard_B2s", "tier": "Burstable"}
    assert writer["highAvailability"] == {"mode": "Disabled"}
    assert writer["backup"] == {
        "backupRetentionDays": 7,
        "geoRedundantBackup": "Disabled",
    }
    assert run.of_type(f"{PACKAGE}:authorization:ManagementLockByScope") == []
    assert not any(r.protect for r in run.resources)


def test_prod_database_has_zone_redundant_standby_and_geo_redundant_backups() -> None:
    run = run_components(lambda: build_database(**PROD_DATABASE))

    writer = run.one(f"{PACKAGE}:dbforpostgresql:Server", "writer")
    assert writer["highAvailability"] == {"mode": "ZoneRedundant"}
    assert writer["backup"] == {
        "backupRetentionDays": 14,
        "geoRedundantBackup": "Enabled",
    }
    assert writer["sku"]["tier"] == "GeneralPurpose"


def test_prod_database_has_deletion_protection() -> None:
    run = run_components(lambda: build_database(**PROD_DATABASE))

    lock = run.one(f"{PACKAGE}:authorization:ManagementLockByScope")
    writer = run.one(f"{PACKAGE}:dbforpostgresql:Server", "writer")
    assert lock["level"] == "CanNotDelete"
    assert lock["scope"] == writer.id
    assert all(r.protect for r in run.resources if r.custom)


def test_read_replicas_copy_the_writer_and_reach_the_outputs() -> None:
    run = run_components(lambda: build_database(**PROD_DATABASE))

    writer = run.one(f"{PACKAGE}:dbforpostgresql:Server", "writer")
    replicas = [
        r for r in run.of_type(f"{PACKAGE}:dbforpostgresql:Server") if r is not writer
    ]
    assert len(replicas) == 2
    for replica in replicas:
        assert replica["createMode"] == "Replica"
        assert replica["sourceServerResourceId"] == writer.id
        assert replica["network"]["publicNetworkAccess"] == "Disabled"
    assert run.outputs["readers"] == [
        f"wb-pg-123456-replica-{n}.postgres.database.azure.com:5432" for n in (0, 1)
    ]


# Container service


def build_services(**overrides: object) -> dict:
    services = ContainerService(
        "wb",
        ContainerServiceArgs(
            name="wb",
            resource_group_name="wb-rg",
            location="westeurope",
            subscription_id=SUBSCRIPTION,
            virtual_network_id=VNET,
            subnet_id=f"{SUBNET}apps",
            gateway_subnet_range="10.50.1.0/24",
            registry_id=REGISTRY,
            registry_server="wb123456.azurecr.io",
            key_vault_id=VAULT,
            secret_urls={
                "database-password": "https://wb-kv-123456.vault.azure.net/secrets/"
                "database-password",
                "secret-key": "https://wb-kv-123456.vault.azure.net/secrets/secret-key",
            },
            backend_image="wb123456.azurecr.io/whiteboard/backend:1",
            frontend_image="wb123456.azurecr.io/whiteboard/frontend:1",
            backend_environment={
                "DATABASE_HOST": "wb-pg.postgres.database.azure.com",
                "DATABASE_SSLMODE": "require",
            },
            **overrides,
        ),
    )
    return {
        "backend": services.backend_fqdn,
        "frontend": services.frontend_fqdn,
        "principal": services.identity_principal_id,
    }


def container_app(run: ProgramRun, role: str) -> Registered:
    return run.one(f"{PACKAGE}:app:ContainerApp", role)


@PREVIEW
def test_environment_is_internal_in_the_delegated_subnet_with_log_analytics(
    preview: bool,
) -> None:
    run = run_components(build_services, preview=preview)

    assert_owned(run, "whiteboard:azure:ContainerService")
    environment = run.one(f"{PACKAGE}:app:ManagedEnvironment")
    assert environment["vnetConfiguration"] == {
        "infrastructureSubnetId": f"{SUBNET}apps",
        "internal": True,
    }
    assert environment["workloadProfiles"] == [
        {"name": "Consumption", "workloadProfileType": "Consumption"}
    ]
    # The shared key makes the whole logs configuration secret.
    assert is_secret(environment["appLogsConfiguration"])
    logs = unwrap(environment["appLogsConfiguration"])
    assert logs["destination"] == "log-analytics"
    if not preview:
        workspace = run.one(f"{PACKAGE}:operationalinsights:Workspace")
        assert (
            logs["logAnalyticsConfiguration"]["customerId"]
            == (workspace.outputs["customerId"])
        )


def test_environment_domain_resolves_to_its_internal_address() -> None:
    run = run_components(build_services)

    environment = run.one(f"{PACKAGE}:app:ManagedEnvironment")
    zone = run.one(f"{PACKAGE}:privatedns:PrivateZone")
    assert zone["privateZoneName"] == environment.outputs["defaultDomain"]
    record = run.one(f"{PACKAGE}:privatedns:PrivateRecordSet")
    assert record["relativeRecordSetName"] == "*"
    assert record["aRecords"] == [{"ipv4Address": environment.outputs["staticIp"]}]
    link = run.one(f"{PACKAGE}:privatedns:VirtualNetworkLink")
    assert link["virtualNetwork"] == {"id": VNET}
    assert run.outputs["backend"] == (
        f"wb-backend.{environment.outputs['defaultDomain']}"
    )


def test_backend_scales_two_to_ten_on_concurrent_requests_and_cpu() -> None:
    run = run_components(
        lambda: build_services(
            concurrent_requests_per_replica=800, cpu_target_percent=70
        )
    )

    scale = container_app(run, "backend")["template"]["scale"]
    assert (scale["minReplicas"], scale["maxReplicas"]) == (2, 10)
    assert scale["rules"] == [
        {
            "name": "concurrent-requests",
            "http": {"metadata": {"concurrentRequests": "800"}},
        },
        {
            "name": "cpu",
            "custom": {
                "type": "cpu",
                "metadata": {"type": "Utilization", "value": "70"},
            },
        },
    ]


def test_backend_keeps_a_client_on_one_replica() -> None:
    run = run_components(build_services)

    configuration = container_app(run, "backend")["configuration"]
    # Sticky sessions need single revision mode.
    assert configuration["activeRevisionsMode"] == "Single"
    assert configuration["ingress"]["stickySessions"] == {"affinity": "sticky"}
    assert configuration["ingress"]["targetPort"] == 8000


def test_apps_admit_only_the_gateway_subnet() -> None:
    run = run_components(build_services)

    for role in ("backend", "frontend"):
        ingress = container_app(run, role)["configuration"]["ingress"]
        assert ingress["allowInsecure"] is False
        assert [
            (rule["action"], rule["ipAddressRange"])
            for rule in ingress["ipSecurityRestrictions"]
        ] == [("Allow", "10.50.1.0/24")]


def test_backend_secrets_come_from_key_vault_through_the_identity() -> None:
    run = run_components(build_services)

    identity = run.one(f"{PACKAGE}:managedidentity:UserAssignedIdentity")
    backend = container_app(run, "backend")
    secrets = backend["configuration"]["secrets"]
    assert {s["name"]: s["keyVaultUrl"] for s in secrets} == {
        "database-password": "https://wb-kv-123456.vault.azure.net/secrets/"
        "database-password",
        "secret-key": "https://wb-kv-123456.vault.azure.net/secrets/secret-key",
    }
    assert all(s["identity"] == identity.id and "value" not in s for s in secrets)
    env = {e["name"]: e for e in backend["template"]["containers"][0]["env"]}
    assert env["DATABASE_PASSWORD"] == {
        "name": "DATABASE_PASSWORD",
        "secretRef": "database-password",
    }
    assert env["SECRET_KEY"] == {"name": "SECRET_KEY", "secretRef": "secret-key"}
    assert env["PORT"]["value"] == "8000"
    assert env["DATABASE_SSLMODE"]["value"] == "require"


def test_identity_may_pull_images_and_read_secrets_and_nothing_more() -> None:
    run = run_components(build_services)

    identity = run.one(f"{PACKAGE}:managedidentity:UserAssignedIdentity")
    grants = {
        r["roleDefinitionId"].rsplit("/", 1)[-1]: r
        for r in run.of_type(f"{PACKAGE}:authorization:RoleAssignment")
    }
    assert set(grants) == {ACR_PULL_ROLE, KEY_VAULT_SECRETS_USER_ROLE}
    assert grants[ACR_PULL_ROLE]["scope"] == REGISTRY
    assert grants[KEY_VAULT_SECRETS_USER_ROLE]["scope"] == VAULT
    for grant in grants.values():
        assert grant["principalId"] == identity.outputs["principalId"]
        assert grant["roleDefinitionId"].startswith(f"/subscriptions/{SUBSCRIPTION}/")
    for role in ("backend", "frontend"):
        registries = container_app(run, role)["configuration"]["registries"]
        assert registries == [
            {"server": "wb123456.azurecr.io", "identity": identity.id}
        ]


def test_apps_probe_liveness_and_startup_on_healthz() -> None:
    run = run_components(build_services)

    backend = container_app(run, "backend")["template"]["containers"][0]["probes"]
    paths = {p["type"]: (p["httpGet"]["path"], p["httpGet"]["port"]) for p in backend}
    assert paths == {
        "Startup": ("/healthz", 8000),
        "Liveness": ("/healthz", 8000),
        "Readiness": ("/readyz", 8000),
    }
    frontend = container_app(run, "frontend")["template"]["containers"][0]["probes"]
    assert {p["httpGet"]["path"] for p in frontend} == {"/healthz"}
    assert {p["httpGet"]["port"] for p in frontend} == {8080}


def test_replica_size_pairs_two_gib_with_each_vcpu() -> None:
    run = run_components(
        lambda: build_services(backend_cpu_millicores=1500, frontend_cpu_millicores=250)
    )

    backend = container_app(run, "backend")["template"]["containers"][0]
    frontend = container_app(run, "frontend")["template"]["containers"][0]
    assert backend["resources"] == {"cpu": 1.5, "memory": "3Gi"}
    assert frontend["resources"] == {"cpu": 0.25, "memory": "0.5Gi"}


def test_stopping_replicas_get_longer_than_the_backend_drains() -> None:
    run = run_components(lambda: build_services(termination_grace_seconds=18))

    template = container_app(run, "backend")["template"]
    assert template["terminationGracePeriodSeconds"] == 18


# Load balancer


def build_gateway(**overrides: object) -> dict:
    entry = LoadBalancer(
        "wb",
        LoadBalancerArgs(
            name="wb",
            resource_group_name="wb-rg",
            location="westeurope",
            subscription_id=SUBSCRIPTION,
            subnet_id=f"{SUBNET}gateway",
            backend_fqdn="wb-backend.gentle-1.westeurope.azurecontainerapps.io",
            frontend_fqdn="wb-frontend.gentle-1.westeurope.azurecontainerapps.io",
            dns_label="wb-123456",
            **overrides,
        ),
    )
    return {"url": entry.app_url, "ws": entry.websocket_url}


HTTPS = {
    "domain_name": "board.example.com",
    "certificate_secret_id": "https://board-certs.vault.azure.net/secrets/board",
    "certificate_vault_id": CERT_VAULT,
    "dns_zone_name": "example.com",
    "dns_zone_resource_group": "dns",
}


def gateway(run: ProgramRun) -> Registered:
    return run.one(f"{PACKAGE}:network:ApplicationGateway")


def by_name(items: list[dict]) -> dict[str, dict]:
    return {item["name"]: item for item in items}


def referenced_parts(value: object) -> list[str]:
    """Every `{"id": ...}` reference inside a gateway's definition."""
    found: list[str] = []
    if isinstance(value, dict):
        if set(value) == {"id"} and isinstance(value["id"], str):
            found.append(value["id"])
        for item in value.values():
            found += referenced_parts(item)
    elif isinstance(value, list):
        for item in value:
            found += referenced_parts(item)
    return found


@pytest.mark.parametrize("overrides", [{}, HTTPS], ids=["http", "https"])
def test_every_part_the_gateway_refers_to_exists(overrides: dict) -> None:
    run = run_components(lambda: build_gateway(**overrides))

    agw = gateway(run)
    prefix = f"{GROUP.replace('wb-rg', 'wb-rg')}/providers/Microsoft.Network/"
    prefix += "applicationGateways/wb-agw/"
    own = [ref for ref in referenced_parts(agw.inputs) if ref.startswith(prefix)]
    assert own, "the gateway refers to none of its parts"
    for reference in own:
        kind, name = reference.removeprefix(prefix).split("/")
        assert name in by_name(agw[kind]), reference


def test_gateway_sends_api_and_websockets_to_the_backend_the_rest_to_the_frontend() -> (
    None
):
    run = run_components(build_gateway)

    agw = gateway(run)
    path_map = agw["urlPathMaps"][0]
    assert path_map["defaultBackendAddressPool"]["id"].endswith("/frontend")
    rule = path_map["pathRules"][0]
    assert rule["paths"] == ["/api/*", "/ws/*"]
    assert rule["backendAddressPool"]["id"].endswith("/backendAddressPools/backend")
    pools = by_name(agw["backendAddressPools"])
    assert pools["backend"]["backendAddresses"] == [
        {"fqdn": "wb-backend.gentle-1.westeurope.azurecontainerapps.io"}
    ]
    assert agw["requestRoutingRules"][0]["ruleType"] == "PathBasedRouting"


def test_gateway_sends_the_app_name_the_container_apps_expect() -> None:
    run = run_components(build_gateway)

    agw = gateway(run)
    for settings in agw["backendHttpSettingsCollection"]:
        assert settings["pickHostNameFromBackendAddress"] is True
        assert (settings["protocol"], settings["port"]) == ("Https", 443)
    for probe in agw["probes"]:
        assert probe["pickHostNameFromBackendHttpSettings"] is True
        assert probe["path"] == "/healthz"


def test_websockets_may_stay_open_an_hour_on_every_hop_the_gateway_controls() -> None:
    run = run_components(lambda: build_gateway(idle_timeout_seconds=3600))

    agw = gateway(run)
    timeouts = {
        s["name"]: s["requestTimeout"] for s in agw["backendHttpSettingsCollection"]
    }
    assert timeouts == {"backend": 3600, "frontend": 3600}
    # Azure allows at most 30 minutes here; the frontend's pings keep it busy.
    address = run.one(f"{PACKAGE}:network:PublicIPAddress")
    assert address["idleTimeoutInMinutes"] == 30


@PREVIEW
def test_plain_gateway_serves_http_on_its_own_name(preview: bool) -> None:
    run = run_components(build_gateway, preview=preview)

    assert_owned(run, "whiteboard:azure:LoadBalancer")
    agw = gateway(run)
    assert [listener["protocol"] for listener in agw["httpListeners"]] == ["Http"]
    assert agw.get("sslCertificates", []) == []
    assert agw.get("redirectConfigurations", []) == []
    assert agw["sku"] == {"name": "Standard_v2", "tier": "Standard_v2"}
    if not preview:
        assert run.outputs["url"] == "http://wb-123456.westeurope.cloudapp.azure.com"
        assert run.outputs["ws"] == ("ws://wb-123456.westeurope.cloudapp.azure.com/ws")


def test_gateway_with_certificate_serves_https_and_redirects_http() -> None:
    run = run_components(lambda: build_gateway(**HTTPS))

    agw = gateway(run)
    listeners = by_name(agw["httpListeners"])
    assert listeners["https"]["protocol"] == "Https"
    assert listeners["https"]["hostName"] == "board.example.com"
    assert agw["sslCertificates"] == [
        {
            "name": "domain",
            "keyVaultSecretId": "https://board-certs.vault.azure.net/secrets/board",
        }
    ]
    redirect = agw["redirectConfigurations"][0]
    assert redirect["redirectType"] == "Permanent"
    assert redirect["targetListener"]["id"].endswith("/httpListeners/https")
    rules = by_name(agw["requestRoutingRules"])
    assert rules["http-to-https"]["httpListener"]["id"].endswith("/httpListeners/http")
    assert rules["routes"]["httpListener"]["id"].endswith("/httpListeners/https")
    assert run.outputs == {
        "url": "https://board.example.com",
        "ws": "wss://board.example.com/ws",
    }


def test_gateway_reads_its_certificate_with_its_own_identity() -> None:
    run = run_components(lambda: build_gateway(**HTTPS))

    identity = run.one(f"{PACKAGE}:managedidentity:UserAssignedIdentity")
    assert gateway(run)["identity"]["userAssignedIdentities"] == [identity.id]
    grant = run.one(f"{PACKAGE}:authorization:RoleAssignment")
    assert grant["scope"] == CERT_VAULT
    assert grant["roleDefinitionId"].endswith(KEY_VAULT_SECRETS_USER_ROLE)
    assert grant["principalId"] == identity.outputs["principalId"]


def test_domain_points_at_the_gateway_in_the_dns_zone() -> None:
    run = run_components(lambda: build_gateway(**HTTPS))

    record = run.one(f"{PACKAGE}:dns:RecordSet")
    address = run.one(f"{PACKAGE}:network:PublicIPAddress")
    assert (record["zoneName"], record["resourceGroupName"]) == ("example.com", "dns")
    assert (record["relativeRecordSetName"], record["recordType"]) == ("board", "A")
    assert record["targetResource"] == {"id": address.id}


def test_apex_domain_is_the_zones_own_record() -> None:
    run = run_components(
        lambda: build_gateway(
            domain_name="example.com",
            dns_zone_name="example.com",
            dns_zone_resource_group="dns",
        )
    )

    assert run.one(f"{PACKAGE}:dns:RecordSet")["relativeRecordSetName"] == "@"
    # Without a certificate the domain is served over plain HTTP.
    assert run.outputs["url"] == "http://example.com"


def test_zone_redundant_gateway_spans_three_zones() -> None:
    run = run_components(lambda: build_gateway(zone_redundant=True, min_capacity=2))

    agw = gateway(run)
    assert agw["zones"] == ["1", "2", "3"]
    assert agw["autoscaleConfiguration"] == {"minCapacity": 2, "maxCapacity": 2}
    assert run.one(f"{PACKAGE}:network:PublicIPAddress")["zones"] == ["1", "2", "3"]


# Monitoring


def test_alerts_watch_server_errors_backend_headroom_and_database_cpu() -> None:
    gateway_id = f"{GROUP}/providers/Microsoft.Network/applicationGateways/wb-agw"
    backend_id = f"{GROUP}/providers/Microsoft.App/containerApps/wb-backend"
    database_id = f"{GROUP}/providers/Microsoft.DBforPostgreSQL/flexibleServers/wb-pg"

    run = run_components(
        lambda: {
            "ids": Monitoring(
                "wb",
                MonitoringArgs(
                    "wb", "wb-rg", gateway_id, backend_id, database_id, max_replicas=8
                ),
            ).alert_ids
        }
    )

    assert_owned(run, "whiteboard:azure:Monitoring")
    alerts = {
        a["ruleName"]: (a["scopes"], a["criteria"]["allOf"][0])
        for a in run.of_type(f"{PACKAGE}:monitor:MetricAlert")
    }
    kinds = {
        a["criteria"]["odataType"]
        for a in run.of_type(f"{PACKAGE}:monitor:MetricAlert")
    }
    assert kinds == {"Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria"}
    scopes, errors = alerts["wb-server-errors"]
    assert scopes == [gateway_id]
    assert errors["metricName"] == "ResponseStatus"
    assert errors["dimensions"][0]["values"] == ["5xx"]
    scopes, replicas = alerts["wb-backend-at-max-replicas"]
    assert scopes == [backend_id]
    assert (replicas["metricName"], replicas["threshold"]) == ("Replicas", 8)
    scopes, cpu = alerts["wb-database-cpu"]
    assert scopes == [database_id]
    assert (cpu["metricName"], cpu["operator"]) == ("cpu_percent", "GreaterThan")
    assert all(
        i.startswith(f"{GROUP}/providers/Microsoft.Insights/")
        for i in run.outputs["ids"]
    )
