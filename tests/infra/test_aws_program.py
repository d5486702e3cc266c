"""The whole program on AWS, for `staging` and `prod`, run as `pulumi up` and as
`pulumi preview` would run it."""

import json

import pytest
from pulumi_harness import (
    STACKS,
    UNKNOWN,
    ProgramRun,
    cached_run,
    is_secret,
    is_unknown,
    run_program,
    unwrap,
)
from whiteboard_infra.config import ConfigError

COMPONENTS = {
    "whiteboard:aws:Network",
    "whiteboard:aws:Secrets",
    "whiteboard:aws:Database",
    "whiteboard:aws:Registry",
    "whiteboard:aws:LoadBalancer",
    "whiteboard:aws:ContainerService",
}
RDS = "aws:rds/instance:Instance"
SERVICE = "aws:ecs/service:Service"
TASK = "aws:ecs/taskDefinition:TaskDefinition"


def writer(run: ProgramRun):
    return run.one(RDS, "writer")


def replicas(run: ProgramRun):
    return [r for r in run.of_type(RDS) if "reader" in r.name]


def backend_container(run: ProgramRun) -> dict:
    definitions = run.one(TASK, "backend")["containerDefinitions"]
    return json.loads(definitions)[0]


# Structure: components, parents, outputs


def test_every_component_is_declared_once(program_run: ProgramRun) -> None:
    for token in COMPONENTS:
        assert len(program_run.of_type(token)) == 1, token


def test_every_cloud_resource_belongs_to_a_component(program_run: ProgramRun) -> None:
    for resource in program_run.resources:
        if resource.type.startswith("whiteboard:") or resource.type.startswith(
            "pulumi:providers:"
        ):
            continue
        owners = [a.type for a in program_run.ancestors(resource)]
        assert owners and owners[-1] in COMPONENTS, resource.name


def test_every_component_registers_its_outputs(program_run: ProgramRun) -> None:
    for token in COMPONENTS:
        component = program_run.one(token)
        outputs = program_run.component_outputs.get(component.urn)
        assert outputs, f"{token} registered no outputs"


def test_every_aws_resource_uses_the_stack_region_provider(
    program_run: ProgramRun, stack: str
) -> None:
    provider = program_run.one("pulumi:providers:aws")
    assert provider["region"] == "eu-west-1"
    default_tags = provider["defaultTags"]
    # Providers receive nested settings as JSON text.
    if isinstance(default_tags, str):
        default_tags = json.loads(default_tags)
    tags = default_tags["tags"]
    assert tags["Stack"] == stack
    assert tags["Project"] == "whiteboard"
    for resource in program_run.resources:
        if resource.type.startswith("aws:"):
            assert resource.provider.startswith(provider.urn), resource.name


def test_stack_outputs_are_urls_and_endpoints(program_run: ProgramRun) -> None:
    outputs = program_run.outputs
    assert set(outputs) == {
        "appUrl",
        "websocketUrl",
        "databaseWriterEndpoint",
        "databaseReaderEndpoints",
    }
    balancer = program_run.one("aws:lb/loadBalancer:LoadBalancer").outputs
    assert outputs["appUrl"] == f"http://{balancer['dnsName']}"
    assert outputs["websocketUrl"] == f"ws://{balancer['dnsName']}/ws"
    assert outputs["databaseWriterEndpoint"] == writer(program_run).outputs["endpoint"]
    assert outputs["databaseReaderEndpoints"] == [
        r.outputs["endpoint"] for r in replicas(program_run)
    ]


def test_no_stack_output_is_or_holds_a_secret(program_run: ProgramRun) -> None:
    assert program_run.secret_outputs == set()
    generated = {
        r.outputs["result"]
        for r in program_run.of_type("random:index/randomPassword:RandomPassword")
    }
    assert len(generated) == 2
    text = json.dumps(program_run.outputs)
    assert not any(value in text for value in generated)


def test_preview_leaves_computed_outputs_unknown(preview_run: ProgramRun) -> None:
    assert preview_run.outputs["appUrl"] is UNKNOWN
    assert preview_run.outputs["websocketUrl"] is UNKNOWN
    assert preview_run.outputs["databaseWriterEndpoint"] is UNKNOWN
    assert is_unknown(preview_run.one(TASK, "backend")["containerDefinitions"])


def test_preview_declares_the_same_resources_as_deploy(
    program_run: ProgramRun, preview_run: ProgramRun
) -> None:
    assert sorted(r.urn for r in preview_run.resources) == sorted(
        r.urn for r in program_run.resources
    )


# Properties both stacks share, asserted on deploy and on preview


def test_network_spans_at_least_two_zones(any_run: ProgramRun) -> None:
    subnets = any_run.of_type("aws:ec2/subnet:Subnet")
    public = [s for s in subnets if s["tags"]["Tier"] == "public"]
    private = [s for s in subnets if s["tags"]["Tier"] == "private"]
    assert len(public) == len(private) >= 2
    if not any_run.preview:
        zones = {s["availabilityZone"] for s in private}
        assert len(zones) == len(private)


def test_backend_scales_between_two_and_ten_on_cpu_and_connections(
    any_run: ProgramRun,
) -> None:
    target = any_run.one("aws:appautoscaling/target:Target")
    assert (target["minCapacity"], target["maxCapacity"]) == (2, 10)
    policies = any_run.of_type("aws:appautoscaling/policy:Policy")
    configs = {
        p.name.rsplit("-", 1)[-1]: p["targetTrackingScalingPolicyConfiguration"]
        for p in policies
    }
    assert set(configs) == {"cpu", "connections"}
    cpu = configs["cpu"]["predefinedMetricSpecification"]["predefinedMetricType"]
    assert cpu == "ECSServiceAverageCPUUtilization"
    connections = configs["connections"]["customizedMetricSpecification"]["metrics"]
    names = {
        q["metricStat"]["metric"]["metricName"]
        for q in connections
        if "metricStat" in q
    }
    assert "ActiveConnectionCount" in names
    assert "RequestCountPerTarget" not in names
    for config in configs.values():
        assert config["scaleOutCooldown"] > 0
        assert config["scaleInCooldown"] >= config["scaleOutCooldown"]


def test_deploys_never_reset_the_scaled_count(any_run: ProgramRun) -> None:
    backend = any_run.one(SERVICE, "backend")
    assert "desiredCount" in backend.ignore_changes
    assert backend["desiredCount"] == 2


def test_services_roll_back_failed_deploys_and_stay_private(
    any_run: ProgramRun,
) -> None:
    for service in any_run.of_type(SERVICE):
        assert service["launchType"] == "FARGATE"
        assert service["deploymentCircuitBreaker"] == {"enable": True, "rollback": True}
        assert service["networkConfiguration"]["assignPublicIp"] is False
        assert service["deploymentMinimumHealthyPercent"] == 100
        assert len(service["networkConfiguration"]["subnets"]) >= 2


def test_load_balancer_holds_an_idle_websocket_for_an_hour(any_run: ProgramRun) -> None:
    balancer = any_run.one("aws:lb/loadBalancer:LoadBalancer")
    assert 3600 <= balancer["idleTimeout"] <= 4000
    assert balancer["internal"] is False


def test_health_checks_use_liveness_never_readiness(any_run: ProgramRun) -> None:
    for group in any_run.of_type("aws:lb/targetGroup:TargetGroup"):
        assert group["healthCheck"]["path"] == "/healthz"
    if not any_run.preview:
        command = " ".join(backend_container(any_run)["healthCheck"]["command"])
        assert "/healthz" in command and "/readyz" not in command


def test_api_and_websocket_paths_go_to_the_backend(any_run: ProgramRun) -> None:
    rule = any_run.one("aws:lb/listenerRule:ListenerRule")
    assert rule["conditions"][0]["pathPattern"]["values"] == ["/api/*", "/ws/*"]
    if not any_run.preview:
        backend = any_run.one("aws:lb/targetGroup:TargetGroup", "-be")
        frontend = any_run.one("aws:lb/targetGroup:TargetGroup", "-fe")
        assert rule["actions"][0]["targetGroupArn"] == backend.outputs["arn"]
        listener = any_run.one("aws:lb/listener:Listener")
        assert (
            listener["defaultActions"][0]["targetGroupArn"] == frontend.outputs["arn"]
        )


def test_logs_are_kept_for_a_limited_time(any_run: ProgramRun, stack: str) -> None:
    expected = {"staging": 14, "prod": 90}[stack]
    for group in any_run.of_type("aws:cloudwatch/logGroup:LogGroup"):
        assert group["retentionInDays"] == expected


def test_database_is_postgres16_encrypted_private_tls_only(any_run: ProgramRun) -> None:
    for instance in any_run.of_type(RDS):
        assert instance["storageEncrypted"] is True
        assert instance["publiclyAccessible"] is False
    main = writer(any_run)
    assert (main["engine"], main["engineVersion"]) == ("postgres", "16")
    assert main["maxAllocatedStorage"] > main["allocatedStorage"]
    assert main["backupRetentionPeriod"] >= 1
    parameters = any_run.one("aws:rds/parameterGroup:ParameterGroup")
    assert parameters["family"] == "postgres16"
    assert {"name": "rds.force_ssl", "value": "1"} in [
        {"name": p["name"], "value": p["value"]} for p in parameters["parameters"]
    ]


def test_database_password_reaches_rds_only_as_a_secret(any_run: ProgramRun) -> None:
    password = writer(any_run)["password"]
    assert is_unknown(password) or is_secret(password)


def test_alarms_watch_errors_maximum_count_and_the_database(
    any_run: ProgramRun,
) -> None:
    alarms = any_run.of_type("aws:cloudwatch/metricAlarm:MetricAlarm")
    metrics = [a.get("metricName") for a in alarms]
    assert "CPUUtilization" in metrics
    assert "FreeStorageSpace" in metrics
    assert "DesiredTaskCount" in metrics
    five_xx = [a for a in alarms if a.name.endswith("5xx-rate")]
    assert len(five_xx) == 1
    queried = {
        q["metric"]["metricName"] for q in five_xx[0]["metricQueries"] if "metric" in q
    }
    assert {"HTTPCode_Target_5XX_Count", "RequestCount"} <= queried
    at_maximum = next(a for a in alarms if a.get("metricName") == "DesiredTaskCount")
    assert at_maximum["threshold"] == 10


# What differs between the stacks


@pytest.mark.parametrize("preview", [False, True], ids=["up", "preview"])
def test_staging_is_cheap(preview: bool) -> None:
    any_run = cached_run("staging", "aws", preview)
    main = writer(any_run)
    assert main["multiAz"] is False
    assert main["deletionProtection"] is False
    assert main["skipFinalSnapshot"] is True
    assert main["backupRetentionPeriod"] <= 7
    assert len(replicas(any_run)) <= 1
    assert len(any_run.of_type("aws:ec2/natGateway:NatGateway")) == 1
    assert not any(r.protect for r in any_run.resources)
    assert main["instanceClass"] == "db.t4g.small"


@pytest.mark.parametrize("preview", [False, True], ids=["up", "preview"])
def test_prod_is_safe(preview: bool) -> None:
    any_run = cached_run("prod", "aws", preview)
    main = writer(any_run)
    assert main["multiAz"] is True
    assert main["deletionProtection"] is True
    assert main["skipFinalSnapshot"] is False
    assert main["finalSnapshotIdentifier"] == "whiteboard-prod-final"
    assert main["backupRetentionPeriod"] >= 14
    assert main["performanceInsightsEnabled"] is True
    assert len(replicas(any_run)) >= 1
    zones = len(any_run.of_type("aws:ec2/subnet:Subnet")) // 2
    assert len(any_run.of_type("aws:ec2/natGateway:NatGateway")) == zones


def test_prod_database_resources_are_protected_by_pulumi(
    any_run: ProgramRun, stack: str
) -> None:
    database = any_run.one("whiteboard:aws:Database")
    children = any_run.children(database)
    assert children
    assert all(child.protect for child in children) is (stack == "prod")
    assert database.protect is (stack == "prod")


def test_prod_replicas_copy_from_the_writer() -> None:
    program_run = cached_run("prod", "aws")
    assert replicas(program_run)
    for replica in replicas(program_run):
        assert replica["replicateSourceDb"] == writer(program_run).outputs["identifier"]
        assert replica["storageEncrypted"] is True


# The backend's contract: environment and secrets


def test_backend_gets_the_contract_environment(
    program_run: ProgramRun, stack: str
) -> None:
    container = backend_container(program_run)
    env = {v["name"]: v["value"] for v in container["environment"]}
    main = writer(program_run).outputs
    assert env["DATABASE_HOST"] == main["address"]
    assert env["DATABASE_PORT"] == "5432"
    assert env["DATABASE_NAME"] == "whiteboard"
    assert env["DATABASE_USER"] == "whiteboard"
    assert env["DATABASE_SSLMODE"] == "require"
    assert env["DATABASE_READER_HOSTS"] == ",".join(
        r.outputs["address"] for r in replicas(program_run)
    )
    assert env["DATABASE_POOL_SIZE"] == {"staging": "5", "prod": "10"}[stack]
    assert env["ENVIRONMENT"] == {"staging": "staging", "prod": "production"}[stack]
    assert env["PORT"] == "8000"
    assert env["ALLOWED_ORIGINS"] == program_run.outputs["appUrl"]
    assert env["LOG_LEVEL"] == "info"
    assert container["portMappings"][0]["containerPort"] == 8000


def test_secrets_reach_the_backend_from_secrets_manager_only(
    program_run: ProgramRun,
) -> None:
    container = backend_container(program_run)
    names = {v["name"] for v in container["environment"]}
    assert not names & {"DATABASE_PASSWORD", "SECRET_KEY"}
    stored = {
        s.name.rsplit("-", 1)[-1]: s.outputs["arn"]
        for s in program_run.of_type("aws:secretsmanager/secret:Secret")
    }
    assert {s["name"]: s["valueFrom"] for s in container["secrets"]} == {
        "DATABASE_PASSWORD": stored["password"],
        "SECRET_KEY": stored["key"],
    }


def test_generated_secrets_appear_nowhere_but_their_stores(
    program_run: ProgramRun,
) -> None:
    generated = [
        r.outputs["result"]
        for r in program_run.of_type("random:index/randomPassword:RandomPassword")
    ]
    allowed = {"aws:secretsmanager/secretVersion:SecretVersion", RDS}
    for resource in program_run.resources:
        if resource.type in allowed or resource.type.startswith("random:"):
            continue
        text = json.dumps(resource.inputs, default=str)
        assert not any(value in text for value in generated), resource.name
    for version in program_run.of_type(
        "aws:secretsmanager/secretVersion:SecretVersion"
    ):
        assert is_secret(version["secretString"])
        assert unwrap(version["secretString"]) in generated


def test_supplied_secrets_replace_the_generated_ones() -> None:
    run = run_program(
        "staging",
        secrets={"databasePassword": "Supplied-Pass-123", "secretKey": "k" * 40},
    )
    assert run.of_type("random:index/randomPassword:RandomPassword") == []
    versions = run.of_type("aws:secretsmanager/secretVersion:SecretVersion")
    assert sorted(unwrap(v["secretString"]) for v in versions) == [
        "Supplied-Pass-123",
        "k" * 40,
    ]
    assert all(is_secret(v["secretString"]) for v in versions)
    assert unwrap(writer(run)["password"]) == "Supplied-Pass-123"
    assert is_secret(writer(run)["password"])
    assert "Supplied-Pass-123" not in json.dumps(run.outputs)


def test_execution_role_reads_only_this_stacks_secrets(
    program_run: ProgramRun,
) -> None:
    policy = json.loads(program_run.one("aws:iam/rolePolicy:RolePolicy")["policy"])
    by_action = {json.dumps(s["Action"]): s["Resource"] for s in policy["Statement"]}
    secret_arns = sorted(
        s.outputs["arn"]
        for s in program_run.of_type("aws:secretsmanager/secret:Secret")
    )
    assert by_action['"secretsmanager:GetSecretValue"'] == secret_arns
    for statement in policy["Statement"]:
        if statement["Resource"] == "*":
            assert statement["Action"] == "ecr:GetAuthorizationToken"


def test_images_are_built_and_pushed_unless_prebuilt(program_run: ProgramRun) -> None:
    images = program_run.of_type("docker:index/image:Image")
    assert sorted(i.name.rsplit("-", 1)[-1] for i in images) == ["backend", "frontend"]
    for image in images:
        assert image["build"]["context"] in ("../app/backend", "../app/frontend")
        assert image["build"]["platform"] == "linux/amd64"
    digest = next(i for i in images if i.name.endswith("backend")).outputs["repoDigest"]
    assert backend_container(program_run)["image"] == digest


def test_prebuilt_images_from_config_skip_the_build() -> None:
    backend = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/wb/backend:abc123"
    frontend = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/wb/frontend:abc123"
    run = run_program(
        "staging", overrides={"backendImage": backend, "frontendImage": frontend}
    )
    assert run.of_type("docker:index/image:Image") == []
    assert len(run.of_type("aws:ecr/repository:Repository")) == 2
    assert backend_container(run)["image"] == backend

    # The execution role may pull from the repositories CI pushed to.
    policy = json.loads(run.one("aws:iam/rolePolicy:RolePolicy")["policy"])
    pulls = next(s for s in policy["Statement"] if "ecr:BatchGetImage" in s["Action"])
    prefix = "arn:aws:ecr:eu-west-1:123456789012:repository/"
    assert {f"{prefix}wb/backend", f"{prefix}wb/frontend"} <= set(pulls["Resource"])
    assert len(pulls["Resource"]) == 4


# Choosing another cloud


@pytest.mark.parametrize("stack_name", STACKS)
def test_program_refuses_a_cloud_it_has_no_deployment_for(
    stack_name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("whiteboard_infra.config.SUPPORTED_CLOUDS", ("aws",))
    with pytest.raises(ConfigError, match="whiteboard:cloud=gcp is refused: not yet"):
        run_program(stack_name, cloud="gcp")


def test_program_refuses_bad_config_with_its_message() -> None:
    with pytest.raises(ConfigError, match="backendMaxInstances=12"):
        run_program("prod", overrides={"backendMaxInstances": 12})


# Security groups, in both stacks, deployed and previewed

INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"
EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"


def test_only_the_load_balancer_is_open_to_the_internet(any_run: ProgramRun) -> None:
    ingress = any_run.of_type(INGRESS)
    open_to_all = [r for r in ingress if r.get("cidrIpv4") == "0.0.0.0/0"]
    assert sorted(r["fromPort"] for r in open_to_all) == [80, 443]
    assert all("-alb-in-" in r.name for r in open_to_all)
    for rule in ingress:
        if rule not in open_to_all:
            assert "cidrIpv4" not in rule.inputs, rule.name
            assert "referencedSecurityGroupId" in rule.inputs, rule.name


def test_tasks_admit_the_load_balancer_and_the_database_the_backend_only(
    any_run: ProgramRun,
) -> None:
    ingress = {r.name: r for r in any_run.of_type(INGRESS)}
    into_db = [r for name, r in ingress.items() if name.endswith("-into-db")]
    assert len(into_db) == 1
    assert into_db[0]["fromPort"] == into_db[0]["toPort"] == 5432
    from_alb = [r for name, r in ingress.items() if name.endswith("-from-alb")]
    assert sorted(r["fromPort"] for r in from_alb) == [8000, 8080]
    if not any_run.preview:
        groups = {
            g.name: g.id for g in any_run.of_type("aws:ec2/securityGroup:SecurityGroup")
        }
        backend = next(i for n, i in groups.items() if n.endswith("-backend"))
        database = next(i for n, i in groups.items() if n.endswith("-db"))
        alb = next(i for n, i in groups.items() if n.endswith("-alb"))
        assert into_db[0]["securityGroupId"] == database
        assert into_db[0]["referencedSecurityGroupId"] == backend
        assert {r["referencedSecurityGroupId"] for r in from_alb} == {alb}


def test_nothing_leaves_for_the_internet_but_https(any_run: ProgramRun) -> None:
    for rule in any_run.of_type(EGRESS):
        if rule.get("cidrIpv4") == "0.0.0.0/0":
            assert rule["fromPort"] == rule["toPort"] == 443, rule.name


def test_a_domain_gives_https_and_wss_urls() -> None:
    run = run_program(
        "prod",
        overrides={"domainName": "board.example.com", "awsHostedZoneId": "Z0ABC123"},
    )
    assert run.outputs["appUrl"] == "https://board.example.com"
    assert run.outputs["websocketUrl"] == "wss://board.example.com/ws"
    ports = sorted(ln["port"] for ln in run.of_type("aws:lb/listener:Listener"))
    assert ports == [80, 443]
    env = {v["name"]: v["value"] for v in backend_container(run)["environment"]}
    assert env["ALLOWED_ORIGINS"] == "https://board.example.com"


def test_database_host_override_makes_the_restored_database_the_only_one() -> None:
    run = run_program(
        "prod", overrides={"databaseHostOverride": "restored.db.internal"}
    )
    env = {v["name"]: v["value"] for v in backend_container(run)["environment"]}
    assert replicas(run)
    assert env["DATABASE_HOST"] == "restored.db.internal"
    assert env["DATABASE_PORT"] == "5432"
    assert env["DATABASE_READER_HOSTS"] == ""
