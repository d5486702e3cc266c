"""Each AWS component on its own, built from typed arguments under the mocks."""

import json

import pulumi
import pulumi_aws as aws
import pytest
from pulumi_harness import ProgramRun, is_unknown, run_components, unwrap
from whiteboard_infra.aws.container_service import (
    ContainerService,
    ContainerServiceArgs,
    ServiceSize,
)
from whiteboard_infra.aws.containers import execution_policy
from whiteboard_infra.aws.database import Database, DatabaseArgs
from whiteboard_infra.aws.load_balancer import LoadBalancer, LoadBalancerArgs
from whiteboard_infra.aws.network import Network, NetworkArgs, subnet_ranges
from whiteboard_infra.aws.registry import Registry, RegistryArgs, ecr_repository_arn
from whiteboard_infra.aws.scaling import ScalingArgs
from whiteboard_infra.aws.secrets import Secrets, SecretsArgs

VPC = "vpc-0123"
SUBNETS = ["subnet-a", "subnet-b"]
PREVIEW = pytest.mark.parametrize("preview", [False, True], ids=["up", "preview"])


def assert_owned(run: ProgramRun, token: str) -> None:
    """The component exists, owns every other resource, and registered outputs."""
    component = run.one(token)
    for resource in run.resources:
        if resource is not component:
            assert resource.parent == component.urn, resource.name
    assert run.component_outputs[component.urn]


# Network


@PREVIEW
@pytest.mark.parametrize(("per_zone", "nat_count"), [(False, 1), (True, 3)])
def test_network_has_public_and_private_subnets_and_nat(
    preview: bool, per_zone: bool, nat_count: int
) -> None:
    args = NetworkArgs(
        "wb", "10.40.0.0/16", zone_count=3, nat_gateway_per_zone=per_zone
    )
    run = run_components(
        lambda: {"net": Network("wb", args).private_subnet_ids}, preview=preview
    )

    assert_owned(run, "whiteboard:aws:Network")
    subnets = run.of_type("aws:ec2/subnet:Subnet")
    assert sorted(s["cidrBlock"] for s in subnets) == sorted(
        [cidr for tier in subnet_ranges("10.40.0.0/16", 3) for cidr in tier]
    )
    assert len(run.of_type("aws:ec2/natGateway:NatGateway")) == nat_count
    private_routes = [
        t for t in run.of_type("aws:ec2/routeTable:RouteTable") if "private" in t.name
    ]
    assert len(private_routes) == 3
    for table in private_routes:
        assert "natGatewayId" in table["routes"][0]
    if not preview:
        zones = [s["availabilityZone"] for s in subnets if "private" in s.name]
        assert sorted(zones) == ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
        assert all(s.startswith("subnet-") for s in run.outputs["net"])


def test_subnet_ranges_do_not_overlap() -> None:
    public, private = subnet_ranges("10.40.0.0/16", 6)
    assert len(set(public + private)) == 12
    assert public[0] == "10.40.0.0/20" and private[0] == "10.40.128.0/20"


# Load balancer


def build_load_balancer(domain: str = "", zone: str = "") -> dict:
    balancer = LoadBalancer(
        "wb",
        LoadBalancerArgs(
            name="wb",
            vpc_id=VPC,
            vpc_cidr="10.40.0.0/16",
            public_subnet_ids=SUBNETS,
            idle_timeout_seconds=3600,
            deregistration_delay_seconds=30,
            domain_name=domain,
            hosted_zone_id=zone,
        ),
    )
    return {"app": balancer.app_url, "ws": balancer.websocket_url}


@PREVIEW
def test_load_balancer_without_domain_serves_http(preview: bool) -> None:
    run = run_components(build_load_balancer, preview=preview)

    assert_owned(run, "whiteboard:aws:LoadBalancer")
    listener = run.one("aws:lb/listener:Listener")
    assert (listener["port"], listener["protocol"]) == (80, "HTTP")
    assert listener["defaultActions"][0]["type"] == "forward"
    assert run.of_type("aws:acm/certificate:Certificate") == []
    if preview:
        assert run.outputs["app"] is not None
    else:
        assert run.outputs["app"].startswith("http://wb-")
        assert run.outputs["ws"].startswith("ws://wb-")


@PREVIEW
def test_load_balancer_with_domain_and_zone_serves_https_and_redirects(
    preview: bool,
) -> None:
    run = run_components(
        lambda: build_load_balancer("board.example.com", "Z0123456789ABC"),
        preview=preview,
    )

    listeners = {ln["port"]: ln for ln in run.of_type("aws:lb/listener:Listener")}
    assert set(listeners) == {80, 443}
    assert listeners[443]["protocol"] == "HTTPS"
    assert listeners[443]["sslPolicy"].startswith("ELBSecurityPolicy-TLS13")
    redirect = listeners[80]["defaultActions"][0]
    assert redirect["type"] == "redirect"
    assert redirect["redirect"]["protocol"] == "HTTPS"
    assert redirect["redirect"]["statusCode"] == "HTTP_301"

    certificate = run.one("aws:acm/certificate:Certificate")
    assert certificate["domainName"] == "board.example.com"
    assert certificate["validationMethod"] == "DNS"
    records = {r.name: r for r in run.of_type("aws:route53/record:Record")}
    alias = records["wb-domain"]
    assert alias["type"] == "A" and alias["name"] == "board.example.com"
    validation = records["wb-certificate-validation"]
    validated = run.one("aws:acm/certificateValidation:CertificateValidation")
    rule = run.one("aws:lb/listenerRule:ListenerRule")
    if preview:
        assert is_unknown(validation["name"])
    else:
        assert validation["name"].endswith(".board.example.com.")
        assert validation["type"] == "CNAME"
        assert validated["validationRecordFqdns"] == [validation.outputs["fqdn"]]
        assert listeners[443]["certificateArn"] == certificate.outputs["arn"]
        assert rule["listenerArn"] == listeners[443].outputs["arn"]
        assert run.outputs == {
            "app": "https://board.example.com",
            "ws": "wss://board.example.com/ws",
        }


def test_load_balancer_with_domain_but_no_zone_waits_for_manual_validation() -> None:
    run = run_components(lambda: build_load_balancer("board.example.com"))
    assert run.of_type("aws:route53/record:Record") == []
    validated = run.one("aws:acm/certificateValidation:CertificateValidation")
    assert "validationRecordFqdns" not in validated.inputs
    assert {ln["port"] for ln in run.of_type("aws:lb/listener:Listener")} == {80, 443}


def test_websocket_sessions_survive_several_backend_tasks() -> None:
    run = run_components(build_load_balancer)
    balancer = run.one("aws:lb/loadBalancer:LoadBalancer")
    assert balancer["idleTimeout"] == 3600
    backend = run.one("aws:lb/targetGroup:TargetGroup", "-be")
    # No stickiness: boards are shared through the database, and a reconnecting
    # client must be free to land on any healthy task.
    assert backend["stickiness"]["enabled"] is False
    assert backend["deregistrationDelay"] == 30
    assert backend["targetType"] == "ip"
    assert backend["port"] == 8000
    assert run.one("aws:lb/targetGroup:TargetGroup", "-fe")["port"] == 8080


def test_load_balancer_admits_the_web_and_sends_only_into_the_vpc() -> None:
    run = run_components(build_load_balancer)
    ingress = run.of_type("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
    assert sorted(r["fromPort"] for r in ingress) == [80, 443]
    egress = run.of_type("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule")
    assert {r["cidrIpv4"] for r in egress} == {"10.40.0.0/16"}
    assert sorted(r["fromPort"] for r in egress) == [8000, 8080]


# Database


def build_database(**overrides: object) -> dict:
    args = dict(
        name="wb",
        vpc_id=VPC,
        private_subnet_ids=SUBNETS,
        database_name="whiteboard",
        username="whiteboard",
        password=pulumi.Output.secret("Passw0rd-for-tests"),
    )
    database = Database("wb", DatabaseArgs(**(args | overrides)))  # type: ignore[arg-type]
    return {
        "writer": database.writer_endpoint,
        "readers": database.reader_endpoints,
    }


@PREVIEW
def test_database_outputs_writer_and_reader_endpoints(preview: bool) -> None:
    run = run_components(lambda: build_database(read_replicas=2), preview=preview)

    assert_owned(run, "whiteboard:aws:Database")
    instances = run.of_type("aws:rds/instance:Instance")
    assert len(instances) == 3
    if not preview:
        writer = run.one("aws:rds/instance:Instance", "writer")
        assert run.outputs["writer"] == writer.outputs["endpoint"]
        assert len(run.outputs["readers"]) == 2
        assert all(
            e.endswith(".rds.amazonaws.com:5432") for e in run.outputs["readers"]
        )


def test_database_is_private_encrypted_and_recoverable() -> None:
    run = run_components(lambda: build_database(backup_retention_days=7))
    writer = run.one("aws:rds/instance:Instance", "writer")
    assert writer["storageEncrypted"] is True
    assert writer["publiclyAccessible"] is False
    assert writer["backupRetentionPeriod"] == 7  # enables point-in-time recovery
    assert writer["maxAllocatedStorage"] == 100
    assert (
        writer["dbSubnetGroupName"]
        == run.one("aws:rds/subnetGroup:SubnetGroup").outputs["name"]
    )
    group = run.one("aws:ec2/securityGroup:SecurityGroup")
    assert "ingress" not in group.inputs or group["ingress"] == []


def test_protected_database_keeps_a_final_snapshot_and_pulumi_protect() -> None:
    run = run_components(
        lambda: build_database(deletion_protection=True, read_replicas=1)
    )
    assert all(r.protect for r in run.resources if r.custom)
    writer = run.one("aws:rds/instance:Instance", "writer")
    assert writer["deletionProtection"] is True
    assert writer["skipFinalSnapshot"] is False
    assert writer["finalSnapshotIdentifier"] == "wb-final"


def test_unprotected_database_can_be_destroyed() -> None:
    run = run_components(build_database)
    assert not any(r.protect for r in run.resources)
    writer = run.one("aws:rds/instance:Instance", "writer")
    assert writer["skipFinalSnapshot"] is True
    assert "finalSnapshotIdentifier" not in writer.inputs


# Secrets


def test_secrets_are_generated_when_not_supplied() -> None:
    run = run_components(
        lambda: {"arn": Secrets("wb", SecretsArgs("wb")).secret_key_arn}
    )
    assert_owned(run, "whiteboard:aws:Secrets")
    passwords = run.of_type("random:index/randomPassword:RandomPassword")
    assert len(passwords) == 2
    database = next(p for p in passwords if "database" in p.name)
    assert database["length"] >= 32
    for character in '/"@ ':
        assert character not in database["overrideSpecial"]
    assert run.outputs["arn"].startswith("arn:aws:secretsmanager:")


# Registry


def test_registry_builds_both_images_into_its_repositories() -> None:
    run = run_components(
        lambda: dict(Registry("wb", RegistryArgs("wb", "../app")).images)
    )
    assert_owned(run, "whiteboard:aws:Registry")
    repositories = run.of_type("aws:ecr/repository:Repository")
    assert sorted(r["name"] for r in repositories) == ["wb/backend", "wb/frontend"]
    assert all(r["imageScanningConfiguration"]["scanOnPush"] for r in repositories)
    for image in run.of_type("docker:index/image:Image"):
        assert image["imageName"].endswith(":latest")
        assert unwrap(image["registry"])["username"] == "AWS"
    assert run.outputs["backend"].split("@")[0].endswith("/wb/backend")


# Container service


def build_service() -> dict:
    target_groups = {
        role: aws.lb.TargetGroup(f"wb-{role}", port=port, protocol="HTTP")
        for role, port in (("be", 8000), ("fe", 8080))
    }
    service = ContainerService(
        "wb",
        ContainerServiceArgs(
            name="wb",
            region="eu-west-1",
            vpc_id=VPC,
            private_subnet_ids=SUBNETS,
            load_balancer_security_group_id="sg-alb",
            load_balancer_arn_suffix="app/wb/123",
            backend_target_group=target_groups["be"],
            frontend_target_group=target_groups["fe"],
            routing=[],
            app_url="https://board.example.com",
            database_security_group_id="sg-db",
            database_host="db.example.internal",
            database_reader_hosts=["r1.example.internal", "r2.example.internal"],
            database_identifiers=["wb-writer", "wb-reader-0"],
            database_storage_gib=20,
            backend_image="registry.example/backend@sha256:abc",
            frontend_image="registry.example/frontend@sha256:def",
            repository_arns=["arn:aws:ecr:eu-west-1:123456789012:repository/wb/be"],
            database_password_arn="arn:aws:secretsmanager:eu-west-1:1:secret:pw",
            secret_key_arn="arn:aws:secretsmanager:eu-west-1:1:secret:key",
            backend=ServiceSize(cpu=512, memory_mib=1024, desired_count=3),
            frontend=ServiceSize(cpu=256, memory_mib=512, desired_count=2),
            scaling=ScalingArgs(min_instances=3, max_instances=8),
            database_name="whiteboard",
            database_user="whiteboard",
            database_pool_size=7,
            environment="staging",
            shutdown_grace_seconds=20,
        ),
    )
    return {"topic": service.alarm_topic_arn}


@PREVIEW
def test_container_service_runs_both_services_on_fargate(preview: bool) -> None:
    run = run_components(build_service, preview=preview)
    component = run.one("whiteboard:aws:ContainerService")
    owned = [
        r for r in run.resources if "wb-be" not in r.name and "wb-fe" not in r.name
    ]
    for resource in owned:
        if resource is not component:
            assert component in run.ancestors(resource), resource.name
    assert run.component_outputs[component.urn]

    services = {s.name.split("-")[1]: s for s in run.of_type("aws:ecs/service:Service")}
    assert set(services) == {"backend", "frontend"}
    assert services["backend"]["desiredCount"] == 3
    assert services["frontend"]["desiredCount"] == 2
    for service in services.values():
        assert service["networkConfiguration"]["subnets"] == SUBNETS
        assert service["deploymentCircuitBreaker"]["rollback"] is True
    tasks = {
        t["family"]: t for t in run.of_type("aws:ecs/taskDefinition:TaskDefinition")
    }
    assert (tasks["wb-backend"]["cpu"], tasks["wb-backend"]["memory"]) == (
        "512",
        "1024",
    )
    assert tasks["wb-backend"]["requiresCompatibilities"] == ["FARGATE"]
    assert tasks["wb-backend"]["networkMode"] == "awsvpc"


def test_backend_container_gets_environment_secrets_and_drain_time() -> None:
    run = run_components(build_service)
    task = run.one("aws:ecs/taskDefinition:TaskDefinition", "backend")
    container = json.loads(task["containerDefinitions"])[0]
    env = {v["name"]: v["value"] for v in container["environment"]}
    assert env["DATABASE_READER_HOSTS"] == "r1.example.internal,r2.example.internal"
    assert env["DATABASE_POOL_SIZE"] == "7"
    assert env["DATABASE_SSLMODE"] == "require"
    assert env["SHUTDOWN_GRACE_SECONDS"] == "20"
    assert env["ALLOWED_ORIGINS"] == "https://board.example.com"
    assert env["TRUSTED_PROXY_HOPS"] == "1"
    assert "FORWARDED_ALLOW_IPS" not in env
    assert container["stopTimeout"] > 20
    assert {s["name"]: s["valueFrom"] for s in container["secrets"]} == {
        "DATABASE_PASSWORD": "arn:aws:secretsmanager:eu-west-1:1:secret:pw",
        "SECRET_KEY": "arn:aws:secretsmanager:eu-west-1:1:secret:key",
    }
    log = container["logConfiguration"]["options"]
    assert log["awslogs-group"] == "/ecs/wb/backend"


def test_tasks_admit_only_the_load_balancer_and_the_database_only_the_backend() -> None:
    run = run_components(build_service)
    ingress = run.of_type("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
    from_alb = [r for r in ingress if r.get("referencedSecurityGroupId") == "sg-alb"]
    assert sorted(r["fromPort"] for r in from_alb) == [8000, 8080]
    into_db = [r for r in ingress if r["securityGroupId"] == "sg-db"]
    assert len(into_db) == 1
    backend_group = run.one("aws:ec2/securityGroup:SecurityGroup", "backend")
    assert into_db[0]["referencedSecurityGroupId"] == backend_group.id
    assert into_db[0]["fromPort"] == 5432
    assert not any("cidrIpv4" in r.inputs for r in ingress)


def test_backend_scales_with_cooldowns_on_cpu_and_connections() -> None:
    run = run_components(build_service)
    target = run.one("aws:appautoscaling/target:Target")
    assert (target["minCapacity"], target["maxCapacity"]) == (3, 8)
    assert target["resourceId"].startswith("service/wb-")
    assert "backend" in target["resourceId"]
    connections = run.one("aws:appautoscaling/policy:Policy", "connections")
    config = connections["targetTrackingScalingPolicyConfiguration"]
    assert config["targetValue"] == 1000
    expression = [
        q
        for q in config["customizedMetricSpecification"]["metrics"]
        if q.get("returnData")
    ]
    assert len(expression) == 1 and "tasks" in expression[0]["expression"]
    assert (config["scaleOutCooldown"], config["scaleInCooldown"]) == (60, 300)


def test_alarms_cover_each_database_instance() -> None:
    run = run_components(build_service)
    alarms = run.of_type("aws:cloudwatch/metricAlarm:MetricAlarm")
    watched = {
        (a["metricName"], a["dimensions"]["DBInstanceIdentifier"])
        for a in alarms
        if a.get("namespace") == "AWS/RDS"
    }
    assert watched == {
        (metric, instance)
        for metric in ("CPUUtilization", "FreeStorageSpace")
        for instance in ("wb-writer", "wb-reader-0")
    }
    topic = run.one("aws:sns/topic:Topic").outputs["arn"]
    assert all(a["alarmActions"] == [topic] for a in alarms)
    retention = {
        g["retentionInDays"] for g in run.of_type("aws:cloudwatch/logGroup:LogGroup")
    }
    assert retention == {14}


def test_execution_policy_grants_only_named_resources() -> None:
    policy = json.loads(
        execution_policy(
            ["arn:repo/b", "arn:repo/a"], ["arn:logs:group"], ["arn:secret:x"]
        )
    )
    resources = [s["Resource"] for s in policy["Statement"]]
    assert resources == [
        "*",
        ["arn:repo/a", "arn:repo/b"],
        ["arn:logs:group:*"],
        ["arn:secret:x"],
    ]
    assert all(s["Effect"] == "Allow" for s in policy["Statement"])
    assert not any("*" in json.dumps(s["Action"]) for s in policy["Statement"])


@pytest.mark.parametrize(
    ("reference", "arn"),
    [
        (
            "123456789012.dkr.ecr.eu-west-1.amazonaws.com/wb/backend@sha256:0a1b",
            "arn:aws:ecr:eu-west-1:123456789012:repository/wb/backend",
        ),
        (
            "210987654321.dkr.ecr.us-east-2.amazonaws.com/frontend:v1",
            "arn:aws:ecr:us-east-2:210987654321:repository/frontend",
        ),
        ("public.ecr.aws/nginx/nginx:1.27", None),
        ("ghcr.io/example/backend@sha256:0a1b", None),
    ],
)
def test_prebuilt_ecr_references_name_their_repository(
    reference: str, arn: str | None
) -> None:
    assert ecr_repository_arn(reference) == arn
