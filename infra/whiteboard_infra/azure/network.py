"""Network: the resource group and the virtual network the platform runs in.

Creates a resource group, a virtual network and three subnets, each sized and
delegated as Azure requires:

- `apps` (/24): the Container Apps environment. A workload-profiles environment
  needs at least a /27 delegated to `Microsoft.App/environments`; a /24 leaves
  room for the platform's own addresses as replicas scale out.
- `gateway` (/24): the Application Gateway, alone in its subnet and without
  delegation, as v2 gateways demand; a /24 lets it autoscale to its ceiling.
- `database` (/26): PostgreSQL flexible servers, delegated to
  `Microsoft.DBforPostgreSQL/flexibleServers`; nothing else may live there. The
  writer, its standby and the replicas each take an address.
"""

import ipaddress
from dataclasses import dataclass

import pulumi
from pulumi_azure_native import network, resources

APPS_DELEGATION = "Microsoft.App/environments"
DATABASE_DELEGATION = "Microsoft.DBforPostgreSQL/flexibleServers"


@dataclass(frozen=True)
class SubnetRanges:
    """The address range of each subnet."""

    apps: str
    gateway: str
    database: str


def subnet_ranges(cidr: str) -> SubnetRanges:
    """The first /24 of the network for the apps, the second for the gateway, the
    first /26 of the third for the database."""
    slices = list(ipaddress.IPv4Network(cidr).subnets(new_prefix=24))
    database = next(slices[2].subnets(new_prefix=26))
    return SubnetRanges(str(slices[0]), str(slices[1]), str(database))


@dataclass(frozen=True)
class NetworkArgs:
    """Arguments of `Network`."""

    name: str
    """Prefix of every resource name."""

    location: str
    """Azure region of the resource group and everything in it."""

    cidr: str
    """The virtual network's IPv4 range, /16 to /22."""


class Network(pulumi.ComponentResource):
    """A resource group and a virtual network with one subnet per tier."""

    resource_group: resources.ResourceGroup
    virtual_network: network.VirtualNetwork
    subnets: dict[str, network.Subnet]
    ranges: SubnetRanges
    resource_group_name: pulumi.Output[str]
    location: str
    virtual_network_id: pulumi.Output[str]
    apps_subnet_id: pulumi.Output[str]
    gateway_subnet_id: pulumi.Output[str]
    database_subnet_id: pulumi.Output[str]

    def __init__(
        self,
        name: str,
        args: NetworkArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("whiteboard:azure:Network", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        self.ranges = subnet_ranges(args.cidr)
        self.location = args.location

        self.resource_group = resources.ResourceGroup(
            f"{name}-group",
            resource_group_name=f"{args.name}-rg",
            location=args.location,
            opts=child,
        )
        self.resource_group_name = self.resource_group.name

        self.virtual_network = network.VirtualNetwork(
            f"{name}-vnet",
            virtual_network_name=f"{args.name}-vnet",
            resource_group_name=self.resource_group_name,
            location=args.location,
            address_space={"address_prefixes": [args.cidr]},
            opts=child,
        )

        delegations = {
            "apps": APPS_DELEGATION,
            "gateway": None,
            "database": DATABASE_DELEGATION,
        }
        self.subnets = {}
        previous: list[pulumi.Resource] = []
        for tier, delegation in delegations.items():
            # Azure changes a virtual network's subnets one at a time: each waits
            # for the one before, or the second update fails with a conflict.
            self.subnets[tier] = network.Subnet(
                f"{name}-{tier}",
                subnet_name=tier,
                resource_group_name=self.resource_group_name,
                virtual_network_name=self.virtual_network.name,
                address_prefix=getattr(self.ranges, tier),
                delegations=(
                    [{"name": tier, "service_name": delegation}] if delegation else []
                ),
                opts=pulumi.ResourceOptions(parent=self, depends_on=previous),
            )
            previous = [self.subnets[tier]]

        self.virtual_network_id = self.virtual_network.id
        self.apps_subnet_id = self.subnets["apps"].id
        self.gateway_subnet_id = self.subnets["gateway"].id
        self.database_subnet_id = self.subnets["database"].id
        self.register_outputs(
            {
                "resource_group_name": self.resource_group_name,
                "virtual_network_id": self.virtual_network_id,
                "apps_subnet_id": self.apps_subnet_id,
                "gateway_subnet_id": self.gateway_subnet_id,
                "database_subnet_id": self.database_subnet_id,
            }
        )
