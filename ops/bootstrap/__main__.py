"""The bootstrap program: `pulumi up` once per cloud (see README.md beside this)."""

import sys
from pathlib import Path

import pulumi

# Pulumi runs this file from its own folder; the modules live in the `ops` package.
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from ops.bootstrap import aws, azure, gcp

config = pulumi.Config()
cloud = config.require("cloud")
repository = config.require("githubRepository")

if cloud == "aws":
    outputs = aws.declare(
        repository,
        state_bucket=config.require("stateBucket"),
        region=config.require("awsRegion"),
    )
elif cloud == "gcp":
    outputs = gcp.declare(
        repository,
        project=config.require("gcpProject"),
        region=config.require("gcpRegion"),
        state_bucket=config.require("stateBucket"),
    )
elif cloud == "azure":
    outputs = azure.declare(
        repository,
        subscription_id=config.require("azureSubscriptionId"),
        tenant_id=config.require("azureTenantId"),
        location=config.require("azureLocation"),
        name_prefix=config.get("namePrefix") or "whiteboard",
    )
else:
    raise pulumi.RunError(f"whiteboard-bootstrap:cloud={cloud}: use aws, gcp or azure")

for name, value in outputs.items():
    pulumi.export(name, value)
