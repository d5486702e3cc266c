"""Guardrails for the running services: secrets, exposure and instance count.

Creates three policies:
- `no-plaintext-secrets-in-environment`: a variable that holds a secret comes from the
  cloud's secret store, never from a literal value in the service definition;
- `services-only-behind-load-balancer`: services take traffic from the load balancer
  alone, and only the load balancer's ports are open to the internet;
- `backend-runs-at-least-two-instances`: the backend never runs as a single instance.

Which service is the backend is read from its resource name (it contains "backend").
"""

import re
from collections.abc import Iterator
from typing import Any

from pulumi_policy import (
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
)

from guardrails import types
from guardrails.props import (
    LOAD_BALANCER_PORTS,
    WORLD_CIDRS,
    dig,
    is_backend,
    is_true,
    items,
    json_list,
    number,
)

MIN_BACKEND_INSTANCES = 2

SECRET_NAME = re.compile(r"PASSWORD|SECRET|TOKEN|PRIVATE_KEY|API_KEY|CREDENTIAL")
"""Names of environment variables that hold secrets (DATABASE_PASSWORD, SECRET_KEY)."""

URL_WITH_PASSWORD = re.compile(r"^[a-z][a-z0-9+.-]*://[^/:@\s]+:[^/@\s]+@", re.I)
"""A URL that carries a password, such as postgresql://user:password@host/db."""


def _plain_environment(args: ResourceValidationArgs) -> Iterator[tuple[str, Any]]:
    """(name, literal value) of each environment variable set as plain text."""
    props = args.props
    kind = args.resource_type

    if kind == types.ECS_TASK_DEFINITION:
        for container in json_list(props.get("containerDefinitions")):
            for variable in items(dig(container, "environment")):
                yield dig(variable, "name") or "", dig(variable, "value")

    elif kind in (types.CLOUD_RUN_SERVICE, types.CLOUD_RUN_V1_SERVICE):
        containers = dig(props, "template", "containers")
        if kind == types.CLOUD_RUN_V1_SERVICE:
            containers = dig(props, "template", "spec", "containers")
        for container in items(containers):
            for variable in items(dig(container, "envs")):
                if dig(variable, "value") is not None:
                    yield dig(variable, "name") or "", dig(variable, "value")

    elif kind in (types.AZURE_CONTAINER_APP, types.AZURE_CLASSIC_CONTAINER_APP):
        env_key = "env" if kind == types.AZURE_CONTAINER_APP else "envs"
        for container in items(dig(props, "template", "containers")):
            for variable in items(dig(container, env_key)):
                if dig(variable, "value") is not None:
                    yield dig(variable, "name") or "", dig(variable, "value")


def check_no_plaintext_secrets(
    args: ResourceValidationArgs, report_violation: ReportViolation
) -> None:
    """Reports a secret passed as a plain environment variable."""
    for name, value in _plain_environment(args):
        if SECRET_NAME.search(name.upper()):
            report_violation(
                f"Environment variable {name} holds a secret: take it from the"
                " cloud's secret store (ECS `secrets`, Cloud Run `valueSource`,"
                " Container Apps `secretRef`).",
                None,
            )
        elif isinstance(value, str) and URL_WITH_PASSWORD.search(value):
            report_violation(
                f"Environment variable {name} carries a password inside a URL.", None
            )


def _ports(rule: Any) -> tuple[float | None, float | None]:
    return number(dig(rule, "fromPort")), number(dig(rule, "toPort"))


def _open_to_world_beyond_load_balancer(rule: Any, cidrs: list[Any]) -> bool:
    """Whether a rule admits the whole internet on a port other than 80 or 443."""
    if not any(cidr in WORLD_CIDRS for cidr in cidrs):
        return False
    low, high = _ports(rule)
    if low is None or high is None or low != high:
        return True
    return int(low) not in LOAD_BALANCER_PORTS


def check_only_behind_load_balancer(
    args: ResourceValidationArgs, report_violation: ReportViolation
) -> None:
    """Reports a service reachable without passing through the load balancer."""
    props = args.props
    kind = args.resource_type

    if kind == types.ECS_SERVICE:
        if is_true(dig(props, "networkConfiguration", "assignPublicIp")):
            report_violation("Set networkConfiguration.assignPublicIp to false.", None)
        if not items(props.get("loadBalancers")):
            report_violation("Register the service with the load balancer.", None)

    elif kind == types.SECURITY_GROUP:
        for rule in items(props.get("ingress")):
            cidrs = items(dig(rule, "cidrBlocks")) + items(dig(rule, "ipv6CidrBlocks"))
            if _open_to_world_beyond_load_balancer(rule, cidrs):
                report_violation(
                    "An ingress rule admits the internet on a port other than 80/443;"
                    " admit the load balancer's security group instead.",
                    None,
                )

    elif kind == types.SECURITY_GROUP_RULE:
        if props.get("type") == "ingress":
            cidrs = items(props.get("cidrBlocks")) + items(props.get("ipv6CidrBlocks"))
            if _open_to_world_beyond_load_balancer(props, cidrs):
                report_violation(
                    "This ingress rule admits the internet on a port other than"
                    " 80/443.",
                    None,
                )

    elif kind == types.SECURITY_GROUP_INGRESS_RULE:
        cidrs = [props.get("cidrIpv4"), props.get("cidrIpv6")]
        if _open_to_world_beyond_load_balancer(props, cidrs):
            report_violation(
                "This ingress rule admits the internet on a port other than 80/443.",
                None,
            )

    elif kind == types.CLOUD_RUN_SERVICE:
        allowed = (
            "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER",
            "INGRESS_TRAFFIC_INTERNAL_ONLY",
        )
        if props.get("ingress") not in allowed:
            report_violation(
                "Set ingress to INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER.", None
            )

    elif kind == types.CLOUD_RUN_V1_SERVICE:
        ingress = dig(props, "metadata", "annotations", "run.googleapis.com/ingress")
        if ingress not in ("internal-and-cloud-load-balancing", "internal"):
            report_violation(
                "Annotate run.googleapis.com/ingress:"
                " internal-and-cloud-load-balancing.",
                None,
            )

    elif kind in (types.AZURE_CONTAINER_APP, types.AZURE_CLASSIC_CONTAINER_APP):
        ingress = dig(props, "configuration", "ingress")
        if kind == types.AZURE_CLASSIC_CONTAINER_APP:
            ingress = props.get("ingress")
        external = dig(ingress, "external") or dig(ingress, "externalEnabled")
        restrictions = items(dig(ingress, "ipSecurityRestrictions"))
        allow_listed = bool(restrictions) and all(
            dig(rule, "action") == "Allow" for rule in restrictions
        )
        if is_true(external) and not allow_listed:
            report_violation(
                "Make ingress internal, or allow only the load balancer's addresses.",
                None,
            )


def check_backend_instances(
    args: ResourceValidationArgs, report_violation: ReportViolation
) -> None:
    """Reports a backend that may run fewer than two instances."""
    props = args.props
    kind = args.resource_type
    minimum = MIN_BACKEND_INSTANCES

    def require(setting: str, value: Any) -> None:
        count = number(value)
        if count is None or count < minimum:
            report_violation(
                f"Run the backend on {minimum} instances or more: set {setting}"
                f" (it is {count}).",
                None,
            )

    if kind == types.ECS_SERVICE and is_backend(args.name):
        require("desiredCount", props.get("desiredCount"))
    elif kind == types.SCALING_TARGET and is_backend(str(props.get("resourceId"))):
        require("minCapacity", props.get("minCapacity"))
    elif kind == types.CLOUD_RUN_SERVICE and is_backend(args.name):
        template_minimum = dig(props, "template", "scaling", "minInstanceCount")
        service_minimum = dig(props, "scaling", "minInstanceCount")
        require(
            "template.scaling.minInstanceCount",
            template_minimum if template_minimum is not None else service_minimum,
        )
    elif kind == types.AZURE_CONTAINER_APP and is_backend(args.name):
        require(
            "template.scale.minReplicas", dig(props, "template", "scale", "minReplicas")
        )
    elif kind == types.AZURE_CLASSIC_CONTAINER_APP and is_backend(args.name):
        require("template.minReplicas", dig(props, "template", "minReplicas"))


no_plaintext_secrets = ResourceValidationPolicy(
    name="no-plaintext-secrets-in-environment",
    description="Secrets reach services from the secret store, not as plain variables.",
    validate=check_no_plaintext_secrets,
)

only_behind_load_balancer = ResourceValidationPolicy(
    name="services-only-behind-load-balancer",
    description="Services are reachable only through the load balancer.",
    validate=check_only_behind_load_balancer,
)

backend_instances = ResourceValidationPolicy(
    name="backend-runs-at-least-two-instances",
    description=f"The backend runs at least {MIN_BACKEND_INSTANCES} instances.",
    validate=check_backend_instances,
)
