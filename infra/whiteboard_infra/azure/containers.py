"""Containers: what the two apps' containers look like to Container Apps.

The CPU and memory of a replica, the probes on the contract's health paths, and
the name an app's ingress answers to.
"""

import pulumi
from pulumi_azure_native import app

from whiteboard_infra.contract import LIVENESS_PATH


def resources(cpu_millicores: int) -> app.ContainerResourcesArgsDict:
    """CPU and memory of a replica: Container Apps pairs 2 GiB with each vCPU."""
    return {
        "cpu": cpu_millicores / 1000,
        "memory": f"{cpu_millicores * 2 / 1000:g}Gi",
    }


def probes(port: int, readiness_path: str) -> list[app.ContainerAppProbeArgsDict]:
    """Liveness and startup on /healthz (never touches the database), readiness on
    `readiness_path`."""

    def probe(
        kind: str, path: str, period: int, failures: int
    ) -> app.ContainerAppProbeArgsDict:
        return {
            "type": kind,
            "http_get": {"path": path, "port": port, "scheme": "HTTP"},
            "period_seconds": period,
            "timeout_seconds": 3,
            "failure_threshold": failures,
        }

    return [
        probe("Startup", LIVENESS_PATH, 5, 10),
        probe("Liveness", LIVENESS_PATH, 15, 3),
        probe("Readiness", readiness_path, 10, 3),
    ]


def ingress_fqdn(container_app: app.ContainerApp) -> pulumi.Output[str]:
    """The app's name inside the environment, as its ingress reports it."""
    return container_app.configuration.apply(
        lambda configuration: (
            (configuration.ingress.fqdn or "")
            if configuration and configuration.ingress
            else ""
        )
    )
