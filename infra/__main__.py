"""The whiteboard's Pulumi program: read the stack's configuration, deploy to the
cloud it names, export the same outputs whatever the cloud."""

import pulumi
from whiteboard_infra.config import load_config
from whiteboard_infra.deploy import deploy

config = load_config()
outputs = deploy(config)

pulumi.export("appUrl", outputs.app_url)
pulumi.export("websocketUrl", outputs.websocket_url)
pulumi.export("databaseWriterEndpoint", outputs.database_writer_endpoint)
pulumi.export("databaseReaderEndpoints", outputs.database_reader_endpoints)
