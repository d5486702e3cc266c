"""Network: the VPC the whole platform runs in.

Creates a VPC across `zone_count` availability zones with a public and a private
subnet in each, an internet gateway for the public subnets, and NAT gateways (one
for the VPC, or one per zone) through which the private subnets reach AWS APIs and
the internet. The load balancer sits in the public subnets; tasks and the database
in the private ones.
"""

import functools
import ipaddress
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws


@dataclass(frozen=True)
class NetworkArgs:
    """Arguments of `Network`."""

    name: str
    """Prefix of every resource name."""

    cidr: str
    """The VPC's IPv4 range, /16 to /20."""

    zone_count: int = 2
    """Availability zones to span (default 2)."""

    nat_gateway_per_zone: bool = False
    """One NAT gateway per zone; default False: one for the whole VPC."""


def subnet_ranges(cidr: str, zone_count: int) -> tuple[list[str], list[str]]:
    """Public and private ranges per zone: the VPC range cut into sixteenths, the
    first half public, the second half private."""
    network = ipaddress.IPv4Network(cidr)
    slices = [str(s) for s in network.subnets(prefixlen_diff=4)]
    return slices[:zone_count], slices[8 : 8 + zone_count]


def _nth(index: int, names: list[str]) -> str:
    return names[index]


class Network(pulumi.ComponentResource):
    """A VPC with public and private subnets in several zones, and NAT."""

    vpc: aws.ec2.Vpc
    public_subnets: list[aws.ec2.Subnet]
    private_subnets: list[aws.ec2.Subnet]
    nat_gateways: list[aws.ec2.NatGateway]
    vpc_id: pulumi.Output[str]
    vpc_cidr: str
    public_subnet_ids: list[pulumi.Output[str]]
    private_subnet_ids: list[pulumi.Output[str]]

    def __init__(
        self,
        name: str,
        args: NetworkArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("whiteboard:aws:Network", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        public_ranges, private_ranges = subnet_ranges(args.cidr, args.zone_count)
        zones = aws.get_availability_zones_output(
            state="available", opts=pulumi.InvokeOutputOptions(parent=self)
        )

        self.vpc = aws.ec2.Vpc(
            f"{name}-vpc",
            cidr_block=args.cidr,
            enable_dns_hostnames=True,
            enable_dns_support=True,
            tags={"Name": f"{args.name}-vpc"},
            opts=child,
        )
        self.vpc_cidr = args.cidr

        gateway = aws.ec2.InternetGateway(
            f"{name}-igw",
            vpc_id=self.vpc.id,
            tags={"Name": f"{args.name}-igw"},
            opts=child,
        )

        public_routes = aws.ec2.RouteTable(
            f"{name}-public",
            vpc_id=self.vpc.id,
            routes=[{"cidr_block": "0.0.0.0/0", "gateway_id": gateway.id}],
            tags={"Name": f"{args.name}-public"},
            opts=child,
        )

        self.public_subnets = []
        self.private_subnets = []
        for index in range(args.zone_count):
            zone = zones.names.apply(functools.partial(_nth, index))
            public = aws.ec2.Subnet(
                f"{name}-public-{index}",
                vpc_id=self.vpc.id,
                cidr_block=public_ranges[index],
                availability_zone=zone,
                map_public_ip_on_launch=False,
                tags={"Name": f"{args.name}-public-{index}", "Tier": "public"},
                opts=child,
            )
            aws.ec2.RouteTableAssociation(
                f"{name}-public-{index}",
                subnet_id=public.id,
                route_table_id=public_routes.id,
                opts=child,
            )
            self.public_subnets.append(public)

            self.private_subnets.append(
                aws.ec2.Subnet(
                    f"{name}-private-{index}",
                    vpc_id=self.vpc.id,
                    cidr_block=private_ranges[index],
                    availability_zone=zone,
                    tags={"Name": f"{args.name}-private-{index}", "Tier": "private"},
                    opts=child,
                )
            )

        # One NAT gateway is a single point of failure for the private subnets'
        # outbound traffic (image pulls, secrets, logs); prod pays for one per zone.
        nat_count = args.zone_count if args.nat_gateway_per_zone else 1
        self.nat_gateways = []
        for index in range(nat_count):
            address = aws.ec2.Eip(
                f"{name}-nat-{index}",
                domain="vpc",
                tags={"Name": f"{args.name}-nat-{index}"},
                opts=pulumi.ResourceOptions(parent=self, depends_on=[gateway]),
            )
            self.nat_gateways.append(
                aws.ec2.NatGateway(
                    f"{name}-nat-{index}",
                    allocation_id=address.id,
                    subnet_id=self.public_subnets[index].id,
                    tags={"Name": f"{args.name}-nat-{index}"},
                    opts=child,
                )
            )

        for index, subnet in enumerate(self.private_subnets):
            nat = self.nat_gateways[index % nat_count]
            routes = aws.ec2.RouteTable(
                f"{name}-private-{index}",
                vpc_id=self.vpc.id,
                routes=[{"cidr_block": "0.0.0.0/0", "nat_gateway_id": nat.id}],
                tags={"Name": f"{args.name}-private-{index}"},
                opts=child,
            )
            aws.ec2.RouteTableAssociation(
                f"{name}-private-{index}",
                subnet_id=subnet.id,
                route_table_id=routes.id,
                opts=child,
            )

        self.vpc_id = self.vpc.id
        self.public_subnet_ids = [subnet.id for subnet in self.public_subnets]
        self.private_subnet_ids = [subnet.id for subnet in self.private_subnets]
        self.register_outputs(
            {
                "vpc_id": self.vpc_id,
                "public_subnet_ids": self.public_subnet_ids,
                "private_subnet_ids": self.private_subnet_ids,
                "nat_gateway_ids": [nat.id for nat in self.nat_gateways],
            }
        )
