"""Hands the validated configuration to the chosen cloud's `deploy`.

Each cloud is a subpackage (`whiteboard_infra.aws`, `.gcp`, `.azure`) with
`deploy(config: StackConfig) -> DeployOutputs`. Only the chosen cloud's package is
imported, and no cloud package imports another's. What they share is cloud-neutral:
the contract with the app's containers (`whiteboard_infra.contract`) and the steps
every `deploy` takes the same way (`whiteboard_infra.wiring`).
"""

import importlib
from dataclasses import dataclass

import pulumi

from whiteboard_infra.config import StackConfig


@dataclass(frozen=True)
class DeployOutputs:
    """What every cloud's deployment returns; `__main__` exports these. No secrets."""

    app_url: pulumi.Output[str]
    """Where people open the app: https://<domain> or http://<load balancer>."""

    websocket_url: pulumi.Output[str]
    """Base of the WebSocket endpoints: wss://<domain>/ws or ws://<host>/ws."""

    database_writer_endpoint: pulumi.Output[str]
    """host:port of the database writer."""

    database_reader_endpoints: pulumi.Output[list[str]]
    """host:port of each read replica; empty without replicas."""


def deploy(config: StackConfig) -> DeployOutputs:
    """Deploy the whole platform to `config.common.cloud`."""
    cloud = importlib.import_module(f"whiteboard_infra.{config.common.cloud}")
    outputs: DeployOutputs = cloud.deploy(config)
    return outputs
