"""Network: the VPC the backend and the database share.

Creates a custom-mode VPC with one regional subnet (private Google access on), and
private services access for Cloud SQL: a global internal range reserved for
Google's services and the peering connection to them, so the database has only a
private address inside this VPC. Cloud Run reaches it through direct VPC egress
(the backend's instances take addresses from the subnet), without a connector.
"""

from dataclasses import dataclass

import pulumi
import pulumi_gcp as gcp

SERVICES_RANGE_PREFIX_LENGTH = 20
"""Size of the range reserved for Cloud SQL's private addresses (a /20: 4096)."""


@dataclass(frozen=True)
class NetworkArgs:
    """Arguments of `Network`."""

    name: str
    """Prefix of every resource name."""

    region: str
    """Region of the subnet (the Cloud Run services' region)."""

    subnet_cidr: str
    """The subnet's IPv4 range; backend instances take egress addresses from it."""


class Network(pulumi.ComponentResource):
    """A VPC with one subnet and a private connection to Cloud SQL."""

    network: gcp.compute.Network
    subnet: gcp.compute.Subnetwork
    services_connection: gcp.servicenetworking.Connection
    """Cloud SQL instances with a private address must wait for this."""
    network_id: pulumi.Output[str]
    network_self_link: pulumi.Output[str]
    subnet_id: pulumi.Output[str]

    def __init__(
        self, name: str, args: NetworkArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("whiteboard:gcp:Network", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)

        self.network = gcp.compute.Network(
            f"{name}-vpc",
            name=f"{args.name}-vpc",
            auto_create_subnetworks=False,
            routing_mode="REGIONAL",
            opts=child,
        )

        self.subnet = gcp.compute.Subnetwork(
            f"{name}-subnet",
            name=f"{args.name}-{args.region}",
            network=self.network.id,
            region=args.region,
            ip_cidr_range=args.subnet_cidr,
            private_ip_google_access=True,
            log_config={"aggregation_interval": "INTERVAL_5_MIN", "flow_sampling": 0.5},
            opts=child,
        )

        services_range = gcp.compute.GlobalAddress(
            f"{name}-services-range",
            name=f"{args.name}-services-range",
            purpose="VPC_PEERING",
            address_type="INTERNAL",
            prefix_length=SERVICES_RANGE_PREFIX_LENGTH,
            network=self.network.id,
            opts=child,
        )

        # Deleting the peering while Cloud SQL still holds addresses in it fails;
        # ABANDON lets `pulumi destroy` finish and Google removes it with the VPC.
        self.services_connection = gcp.servicenetworking.Connection(
            f"{name}-services",
            network=self.network.id,
            service="servicenetworking.googleapis.com",
            reserved_peering_ranges=[services_range.name],
            deletion_policy="ABANDON",
            opts=child,
        )

        self.network_id = self.network.id
        self.network_self_link = self.network.self_link
        self.subnet_id = self.subnet.id
        self.register_outputs(
            {
                "network_id": self.network_id,
                "subnet_id": self.subnet_id,
                "services_range": services_range.name,
            }
        )
