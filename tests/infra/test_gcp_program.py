"""The whole program on Google Cloud, for `staging` and `prod`, run as `pulumi up`
and as `pulumi preview` would run it."""

import json
from typing import Any

import pytest
from fakes_gcp import PACKAGE, GcpFakes
from pulumi_harness import (
    STACKS,
    UNKNOWN,
    ProgramRun,
    is_secret,
    is_unknown,
    load_stack_config,
    register_fakes,
    run_program,
    unwrap,
)

register_fakes(PACKAGE, GcpFakes())

COMPONENTS = {
    "whiteboard:gcp:Network",
    "whiteboard:gcp:Secrets",
    "whiteboard:gcp:Database",
    "whiteboard:gcp:Registry",
    "whiteboard:gcp:ContainerService",
    "whiteboard:gcp:LoadBalancer",
    "whiteboard:gcp:Monitoring",
    "whiteboard:gcp:ProjectApis",
}
SQL = "gcp:sql/databaseInstance:DatabaseInstance"
RUN = "gcp:cloudrunv2/service:Service"
BACKEND_SERVICE = "gcp:compute/backendService:BackendService"
_RUNS: dict[tuple[str, bool], ProgramRun] = {}


def gcp_run(stack: str, preview: bool = False) -> ProgramRun:
    """One run per (stack, preview) for this module: the runs are read-only."""
    if (stack, preview) not in _RUNS:
        _RUNS[stack, preview] = run_program(stack, cloud="gcp", preview=preview)
    return _RUNS[stack, preview]


@pytest.fixture(params=STACKS)
def run(request: pytest.FixtureRequest) -> ProgramRun:
    return gcp_run(request.param)


@pytest.fixture(params=STACKS)
def preview(request: pytest.FixtureRequest) -> ProgramRun:
    return gcp_run(request.param, preview=True)


def provider(run: ProgramRun, name: str = "gcp") -> Any:
    return next(p for p in run.of_type("pulumi:providers:gcp") if p.name == name)


def stack_of(run: ProgramRun) -> str:
    return provider(run)["project"].removeprefix("whiteboard-")


def writer(run: ProgramRun) -> Any:
    return next(r for r in run.of_type(SQL) if not r.get("masterInstanceName"))


def backend(run: ProgramRun) -> Any:
    return run.one(RUN, "backend")


def env(service: Any) -> dict[str, Any]:
    container = service["template"]["containers"][0]
    return {variable["name"]: variable for variable in container["envs"]}


# Structure


def test_every_component_is_declared_once(run: ProgramRun) -> None:
    for token in COMPONENTS:
        assert len(run.of_type(token)) == 1, token


def test_apis_are_enabled_and_left_enabled_on_destroy(run: ProgramRun) -> None:
    services = run.of_type("gcp:projects/service:Service")
    enabled = {service["service"] for service in services}
    assert {"run.googleapis.com", "sqladmin.googleapis.com"} <= enabled
    assert all(service["disableOnDestroy"] is False for service in services)


def test_no_other_clouds_resources_are_declared(run: ProgramRun) -> None:
    clouds = {r.type.split(":")[0] for r in run.resources if r.custom}
    assert clouds <= {"gcp", "docker", "random", "pulumi"}


def test_every_resource_uses_the_configured_project(run: ProgramRun) -> None:
    main, apis = provider(run), provider(run, "gcp-apis")
    assert stack_of(run) in STACKS
    for each in (main, apis):
        assert each["project"] == f"whiteboard-{stack_of(run)}"
        assert each["region"] == "europe-west1"
        # A provider receives its object settings as JSON text.
        assert json.loads(each["defaultLabels"])["stack"] == stack_of(run)
    for resource in run.resources:
        if resource.custom and resource.type.startswith("gcp:"):
            enables_api = resource.type == "gcp:projects/service:Service"
            expected = apis if enables_api else main
            assert resource.provider.startswith(expected.urn), resource.name


def test_every_cloud_resource_belongs_to_a_component(run: ProgramRun) -> None:
    for resource in run.resources:
        if not resource.custom or resource.type.startswith("pulumi:providers:"):
            continue
        assert run.ancestors(resource), resource.name
        assert run.ancestors(resource)[-1].type in COMPONENTS


def test_stack_outputs_are_cloud_neutral_and_resolved(run: ProgramRun) -> None:
    address = run.one("gcp:compute/globalAddress:GlobalAddress", "address")
    ip = address.outputs["address"]
    assert run.outputs["appUrl"] == f"http://{ip}"
    assert run.outputs["websocketUrl"] == f"ws://{ip}/ws"
    assert run.outputs["databaseWriterEndpoint"] == (
        f"{writer(run).outputs['privateIpAddress']}:5432"
    )
    assert run.secret_outputs == set()


def test_prod_exports_its_replica_and_staging_none(run: ProgramRun) -> None:
    replicas = [r for r in run.of_type(SQL) if r.get("masterInstanceName")]
    assert len(run.outputs["databaseReaderEndpoints"]) == len(replicas)
    assert run.outputs["databaseReaderEndpoints"] == [
        f"{r.outputs['privateIpAddress']}:5432" for r in replicas
    ]


# Database


def test_database_is_postgres_16_private_and_tls_only(run: ProgramRun) -> None:
    for instance in run.of_type(SQL):
        assert instance["databaseVersion"] == "POSTGRES_16"
        ip = instance["settings"]["ipConfiguration"]
        assert ip["ipv4Enabled"] is False
        assert ip["sslMode"] == "ENCRYPTED_ONLY"
        network = run.one("gcp:compute/network:Network")
        assert ip["privateNetwork"] == network.outputs["id"]


def test_database_waits_for_the_private_services_connection(run: ProgramRun) -> None:
    connection = run.one("gcp:servicenetworking/connection:Connection")
    assert connection["service"] == "servicenetworking.googleapis.com"
    reserved = run.one("gcp:compute/globalAddress:GlobalAddress", "services")
    assert reserved["purpose"] == "VPC_PEERING"
    assert connection["reservedPeeringRanges"] == [reserved.outputs["name"]]


def test_staging_database_is_cheap_and_destroyable() -> None:
    instance = writer(gcp_run("staging"))
    assert instance["settings"]["tier"] == "db-custom-1-6144"
    assert instance["settings"]["edition"] == "ENTERPRISE"
    assert instance["settings"]["availabilityType"] == "ZONAL"
    assert instance["deletionProtection"] is False
    assert instance["settings"]["deletionProtectionEnabled"] is False
    assert not any(r.protect for r in gcp_run("staging").resources)


def test_prod_database_is_regional_protected_with_a_replica() -> None:
    run = gcp_run("prod")
    instance = writer(run)
    assert instance["settings"]["availabilityType"] == "REGIONAL"
    assert instance["settings"]["edition"] == "ENTERPRISE_PLUS"
    assert instance["deletionProtection"] is True
    assert instance["settings"]["deletionProtectionEnabled"] is True
    assert instance.protect
    (replica,) = [r for r in run.of_type(SQL) if r.get("masterInstanceName")]
    assert replica["masterInstanceName"] == instance.outputs["name"]
    assert replica.protect


def test_backups_reach_back_as_configured(run: ProgramRun) -> None:
    backups = writer(run)["settings"]["backupConfiguration"]
    assert backups["enabled"] is True
    assert backups["pointInTimeRecoveryEnabled"] is True
    common = load_stack_config(stack_of(run), cloud="gcp").common
    days = common.database_backup_retention_days
    assert backups["backupRetentionSettings"]["retainedBackups"] == days
    assert backups["transactionLogRetentionDays"] == days


def test_app_database_and_user_are_created_on_the_writer(run: ProgramRun) -> None:
    name = writer(run).outputs["name"]
    database = run.one("gcp:sql/database:Database")
    user = run.one("gcp:sql/user:User")
    assert (database["name"], database["instance"]) == ("whiteboard", name)
    assert (user["name"], user["instance"]) == ("whiteboard", name)
    assert is_secret(user["password"])


# Cloud Run


def test_backend_scales_between_configured_instances(run: ProgramRun) -> None:
    template = backend(run)["template"]
    assert template["scaling"] == {"minInstanceCount": 2, "maxInstanceCount": 10}
    assert template["maxInstanceRequestConcurrency"] == 1000


def test_websockets_last_as_long_as_cloud_run_allows(run: ProgramRun) -> None:
    template = backend(run)["template"]
    assert template["timeout"] == "3600s"
    assert template["sessionAffinity"] is True
    resources = template["containers"][0]["resources"]
    assert resources["cpuIdle"] is False


def test_services_accept_only_the_load_balancer(run: ProgramRun) -> None:
    for service in run.of_type(RUN):
        assert service["ingress"] == "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER"


def test_backend_reaches_the_vpc_through_direct_egress(run: ProgramRun) -> None:
    access = backend(run)["template"]["vpcAccess"]
    subnet = run.one("gcp:compute/subnetwork:Subnetwork")
    assert access["networkInterfaces"][0]["subnetwork"] == subnet.outputs["id"]
    assert access["egress"] == "PRIVATE_RANGES_ONLY"
    assert "connector" not in access


def test_probes_use_the_liveness_path_and_no_readiness(run: ProgramRun) -> None:
    for service in run.of_type(RUN):
        container = service["template"]["containers"][0]
        port = container["ports"]["containerPort"]
        for probe in ("startupProbe", "livenessProbe"):
            assert container[probe]["httpGet"] == {"path": "/healthz", "port": port}
        assert "readinessProbe" not in container


def test_backend_environment_follows_the_contract(run: ProgramRun) -> None:
    variables = env(backend(run))
    plain = {name: v.get("value") for name, v in variables.items() if "value" in v}
    assert plain["DATABASE_HOST"] == writer(run).outputs["privateIpAddress"]
    assert plain["DATABASE_SSLMODE"] == "require"
    assert plain["SHUTDOWN_GRACE_SECONDS"] == "8"
    assert plain["ALLOWED_ORIGINS"] == run.outputs["appUrl"]
    assert plain["TRUSTED_PROXY_HOPS"] == "2"
    assert "FORWARDED_ALLOW_IPS" not in variables
    assert "PORT" not in variables
    assert backend(run)["template"]["containers"][0]["ports"]["containerPort"] == 8000


def test_secrets_come_from_secret_manager(run: ProgramRun) -> None:
    variables = env(backend(run))
    secrets = {
        s["secretId"]: s.outputs["id"]
        for s in run.of_type("gcp:secretmanager/secret:Secret")
    }
    prefix = run.one("whiteboard:gcp:Network").name
    for variable, secret in (
        ("DATABASE_PASSWORD", "database-password"),
        ("SECRET_KEY", "secret-key"),
    ):
        reference = variables[variable]["valueSource"]["secretKeyRef"]
        assert reference["secret"] == secrets[f"{prefix}-{secret}"]
        assert "value" not in variables[variable]
    for version in run.of_type("gcp:secretmanager/secretVersion:SecretVersion"):
        assert is_secret(version["secretData"])


def test_only_the_backend_account_reads_secrets(run: ProgramRun) -> None:
    accounts = {
        a["accountId"]: a.outputs
        for a in run.of_type("gcp:serviceaccount/account:Account")
    }
    backend_account = next(
        a for name, a in accounts.items() if name.endswith("backend")
    )
    members = run.of_type("gcp:secretmanager/secretIamMember:SecretIamMember")
    assert len(members) == 2
    for member in members:
        assert member["member"] == backend_account["member"]
        assert member["role"] == "roles/secretmanager.secretAccessor"
    for service in run.of_type(RUN):
        role = "backend" if "backend" in service.name else "frontend"
        email = next(a["email"] for n, a in accounts.items() if n.endswith(role))
        assert service["template"]["serviceAccount"] == email
    assert not run.of_type("gcp:projects/iAMMember:IAMMember")


def test_images_are_built_and_pushed_to_artifact_registry(run: ProgramRun) -> None:
    repository = run.one("gcp:artifactregistry/repository:Repository")
    assert repository["format"] == "DOCKER"
    images = run.of_type("docker:index/image:Image")
    assert len(images) == 2
    for image in images:
        assert image["imageName"].startswith(
            f"europe-west1-docker.pkg.dev/{provider(run)['project']}/"
        )
        assert is_secret(image["registry"])
        assert unwrap(image["registry"])["username"] == "oauth2accesstoken"
    digest = next(i for i in images if "backend" in i.name).outputs["repoDigest"]
    assert backend(run)["template"]["containers"][0]["image"] == digest


def test_prebuilt_images_are_used_without_building() -> None:
    reference = "europe-west1-docker.pkg.dev/p/whiteboard/backend@sha256:" + "a" * 64
    run = run_program(
        "staging",
        cloud="gcp",
        overrides={"backendImage": reference, "frontendImage": reference},
    )
    assert run.of_type("docker:index/image:Image") == []
    assert backend(run)["template"]["containers"][0]["image"] == reference


# Load balancer


def test_backend_services_use_only_what_serverless_negs_accept(
    run: ProgramRun,
) -> None:
    services = run.of_type(BACKEND_SERVICE)
    assert len(services) == 2
    for service in services:
        assert service["loadBalancingScheme"] == "EXTERNAL_MANAGED"
        for refused in ("healthChecks", "timeoutSec", "portName"):
            assert refused not in service.inputs, refused
        (group,) = service["backends"]
        assert set(group) == {"group"}
    for group in run.of_type(
        "gcp:compute/regionNetworkEndpointGroup:RegionNetworkEndpointGroup"
    ):
        assert group["networkEndpointType"] == "SERVERLESS"
        role = "backend" if "backend" in group.name else "frontend"
        assert group["cloudRun"]["service"] == run.one(RUN, role).outputs["name"]


def test_api_and_websockets_go_to_the_backend(run: ProgramRun) -> None:
    routes = run.one("gcp:compute/uRLMap:URLMap", "routes")
    services = {
        s.name.rsplit("-", 1)[-1]: s.outputs["id"] for s in run.of_type(BACKEND_SERVICE)
    }
    (matcher,) = routes["pathMatchers"]
    (rule,) = matcher["pathRules"]
    assert rule["paths"] == ["/api/*", "/ws/*"]
    assert rule["service"] == services["backend"]
    assert routes["defaultService"] == services["frontend"]
    assert matcher["defaultService"] == services["frontend"]


def test_without_a_domain_only_http_is_served(run: ProgramRun) -> None:
    (rule,) = run.of_type("gcp:compute/globalForwardingRule:GlobalForwardingRule")
    assert rule["portRange"] == "80"
    assert not run.of_type("gcp:compute/managedSslCertificate:ManagedSslCertificate")


def test_domain_gets_a_certificate_redirect_and_dns_record() -> None:
    run = run_program(
        "prod",
        cloud="gcp",
        overrides={"domainName": "board.example.com", "gcpDnsZone": "example-com"},
    )
    certificate = run.one("gcp:compute/managedSslCertificate:ManagedSslCertificate")
    assert certificate["managed"]["domains"] == ["board.example.com"]
    rules = {
        r["portRange"]: r
        for r in run.of_type("gcp:compute/globalForwardingRule:GlobalForwardingRule")
    }
    https = run.one("gcp:compute/targetHttpsProxy:TargetHttpsProxy")
    assert rules["443"]["target"] == https.outputs["id"]
    assert https["sslCertificates"] == [certificate.outputs["id"]]
    redirect = run.one("gcp:compute/uRLMap:URLMap", "redirect")
    assert redirect["defaultUrlRedirect"]["httpsRedirect"] is True
    http = run.one("gcp:compute/targetHttpProxy:TargetHttpProxy")
    assert http["urlMap"] == redirect.outputs["id"]
    assert rules["80"]["target"] == http.outputs["id"]
    record = run.one("gcp:dns/recordSet:RecordSet")
    address = run.one("gcp:compute/globalAddress:GlobalAddress", "address")
    assert record["name"] == "board.example.com."
    assert record["managedZone"] == "example-com"
    assert record["rrdatas"] == [address.outputs["address"]]
    assert run.outputs["appUrl"] == "https://board.example.com"
    assert run.outputs["websocketUrl"] == "wss://board.example.com/ws"


# Monitoring


def test_uptime_check_and_alerts_watch_the_app_and_database(run: ProgramRun) -> None:
    check = run.one("gcp:monitoring/uptimeCheckConfig:UptimeCheckConfig")
    address = run.one("gcp:compute/globalAddress:GlobalAddress", "address")
    assert check["monitoredResource"]["labels"]["host"] == address.outputs["address"]
    assert check["httpCheck"]["path"] == "/healthz"
    filters = [
        p["conditions"][0]["conditionThreshold"]["filter"]
        for p in run.of_type("gcp:monitoring/alertPolicy:AlertPolicy")
    ]
    assert any(check.outputs["uptimeCheckId"] in f for f in filters)
    assert any('response_code_class="5xx"' in f for f in filters)
    database = f"{writer(run).outputs['project']}:{writer(run).outputs['name']}"
    assert any("cpu/utilization" in f and database in f for f in filters)


def test_alert_email_adds_a_channel_to_every_policy() -> None:
    run = run_program(
        "staging", cloud="gcp", overrides={"gcpAlertEmail": "ops@example.com"}
    )
    channel = run.one("gcp:monitoring/notificationChannel:NotificationChannel")
    assert channel["labels"] == {"email_address": "ops@example.com"}
    for policy in run.of_type("gcp:monitoring/alertPolicy:AlertPolicy"):
        assert policy["notificationChannels"] == [channel.outputs["name"]]


# Secrets and preview


def test_supplied_secrets_are_stored_and_never_generated() -> None:
    run = run_program(
        "staging",
        cloud="gcp",
        secrets={"databasePassword": "Supplied-Pass-123", "secretKey": "k" * 40},
    )
    assert not run.of_type("random:index/randomPassword:RandomPassword")
    stored = {
        unwrap(v["secretData"])
        for v in run.of_type("gcp:secretmanager/secretVersion:SecretVersion")
    }
    assert stored == {"Supplied-Pass-123", "k" * 40}


def test_preview_knows_the_shape_but_not_computed_values(preview: ProgramRun) -> None:
    assert preview.outputs["appUrl"] is UNKNOWN
    assert preview.outputs["databaseWriterEndpoint"] is UNKNOWN
    for token in COMPONENTS:
        assert len(preview.of_type(token)) == 1, token
    assert is_unknown(env(backend(preview))["DATABASE_HOST"]["value"])
    assert backend(preview)["template"]["timeout"] == "3600s"


def test_database_host_override_with_a_port_replaces_writer_and_readers() -> None:
    run = run_program(
        "prod", cloud="gcp", overrides={"databaseHostOverride": "10.9.8.7:6432"}
    )
    plain = {name: v.get("value") for name, v in env(backend(run)).items()}
    assert plain["DATABASE_HOST"] == "10.9.8.7"
    assert plain["DATABASE_PORT"] == "6432"
    assert plain["DATABASE_READER_HOSTS"] == ""
