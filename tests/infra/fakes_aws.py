"""Realistic computed outputs for the AWS, random and docker resources the program
reads: ARNs, names, DNS names and ids shaped as AWS returns them, derived from the
resource's name so every run gives the same values."""

import hashlib
from typing import Any

ACCOUNT = "123456789012"
REGION = "eu-west-1"
ZONES = ("eu-west-1a", "eu-west-1b", "eu-west-1c")


def _hex(name: str, length: int = 8) -> str:
    return hashlib.sha256(name.encode()).hexdigest()[:length]


def _physical_name(name: str, inputs: dict[str, Any]) -> str:
    """What autonaming would call it: the logical name plus a random suffix."""
    return str(inputs.get("name") or f"{name}-{_hex(name, 7)}")


def _arn(service: str, resource: str) -> str:
    return f"arn:aws:{service}:{REGION}:{ACCOUNT}:{resource}"


_ID_PREFIXES = {
    "aws:ec2/vpc:Vpc": "vpc",
    "aws:ec2/subnet:Subnet": "subnet",
    "aws:ec2/internetGateway:InternetGateway": "igw",
    "aws:ec2/natGateway:NatGateway": "nat",
    "aws:ec2/eip:Eip": "eipalloc",
    "aws:ec2/routeTable:RouteTable": "rtb",
    "aws:ec2/securityGroup:SecurityGroup": "sg",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": "sgr",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": "sgr",
}


class AwsFakes:
    """Fake AWS (plus random and docker) outputs for `pulumi_harness`."""

    def resource_id(self, type_: str, name: str, state: dict[str, Any]) -> str:
        if type_ in _ID_PREFIXES:
            return f"{_ID_PREFIXES[type_]}-0{_hex(name, 16)}"
        for key in ("arn", "identifier", "name"):
            if state.get(key):
                return str(state[key])
        return f"{name}-{_hex(name)}"

    def outputs(self, type_: str, name: str, inputs: dict[str, Any]) -> dict[str, Any]:
        physical = _physical_name(name, inputs)
        handler = getattr(self, "_" + type_.split(":")[-1], None)
        if type_.startswith("aws:") and handler is not None:
            return handler(name, physical, inputs)
        if type_ == "random:index/randomPassword:RandomPassword":
            return {
                "result": f"Mock{_hex(name, 48)}Pw1!"[: int(inputs.get("length", 32))]
            }
        if type_ == "docker:index/image:Image":
            image = str(inputs.get("imageName", name))
            repository = image.rsplit(":", 1)[0]
            return {"repoDigest": f"{repository}@sha256:{_hex(image, 64)}"}
        return {}

    def call(self, token: str, args: dict[str, Any]) -> dict[str, Any]:
        if token == "aws:index/getAvailabilityZones:getAvailabilityZones":
            return {
                "names": list(ZONES),
                "zoneIds": ["euw1-az1", "euw1-az2", "euw1-az3"],
            }
        if token == "aws:index/getCallerIdentity:getCallerIdentity":
            return {"accountId": ACCOUNT, "arn": f"arn:aws:iam::{ACCOUNT}:root"}
        if token == "aws:index/getRegion:getRegion":
            return {"name": REGION, "region": REGION}
        if token == "aws:index/getPartition:getPartition":
            return {"partition": "aws", "dnsSuffix": "amazonaws.com"}
        if token == "aws:ecr/getAuthorizationToken:getAuthorizationToken":
            return {
                "userName": "AWS",
                "password": "mock-ecr-token",
                "proxyEndpoint": f"https://{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com",
                "authorizationToken": "bW9jaw==",
            }
        raise AssertionError(f"no fake for invoke {token}")

    # One method per resource type, named after its type's last segment.

    def _Vpc(self, name: str, physical: str, inputs: dict) -> dict:
        return {"arn": _arn("ec2", f"vpc/vpc-0{_hex(name, 16)}")}

    def _Subnet(self, name: str, physical: str, inputs: dict) -> dict:
        return {"arn": _arn("ec2", f"subnet/subnet-0{_hex(name, 16)}")}

    def _SecurityGroup(self, name: str, physical: str, inputs: dict) -> dict:
        return {"arn": _arn("ec2", f"security-group/sg-0{_hex(name, 16)}")}

    def _Eip(self, name: str, physical: str, inputs: dict) -> dict:
        return {"publicIp": f"52.{int(_hex(name, 2), 16)}.10.{int(_hex(name, 2), 16)}"}

    def _LoadBalancer(self, name: str, physical: str, inputs: dict) -> dict:
        suffix = f"app/{physical}/{_hex(name, 16)}"
        return {
            "name": physical,
            "arn": _arn("elasticloadbalancing", f"loadbalancer/{suffix}"),
            "arnSuffix": suffix,
            "dnsName": f"{physical}-{int(_hex(name), 16) % 10**9}.{REGION}.elb"
            ".amazonaws.com",
            "zoneId": "Z32O12XQLNTSW2",
        }

    def _TargetGroup(self, name: str, physical: str, inputs: dict) -> dict:
        suffix = f"targetgroup/{physical}/{_hex(name, 16)}"
        return {
            "name": physical,
            "arn": _arn("elasticloadbalancing", suffix),
            "arnSuffix": suffix,
        }

    def _Listener(self, name: str, physical: str, inputs: dict) -> dict:
        return {"arn": _arn("elasticloadbalancing", f"listener/app/{_hex(name)}")}

    def _ListenerRule(self, name: str, physical: str, inputs: dict) -> dict:
        return {"arn": _arn("elasticloadbalancing", f"listener-rule/{_hex(name)}")}

    def _Certificate(self, name: str, physical: str, inputs: dict) -> dict:
        domain = inputs.get("domainName", "example.com")
        return {
            "arn": _arn("acm", f"certificate/{_hex(name, 8)}-1111-2222-3333"),
            "domainValidationOptions": [
                {
                    "domainName": domain,
                    "resourceRecordName": f"_{_hex(domain, 32)}.{domain}.",
                    "resourceRecordType": "CNAME",
                    "resourceRecordValue": f"_{_hex(name, 32)}.acm-validations.aws.",
                }
            ],
        }

    def _CertificateValidation(self, name: str, physical: str, inputs: dict) -> dict:
        return {"id": inputs.get("certificateArn", "")}

    def _Record(self, name: str, physical: str, inputs: dict) -> dict:
        return {"fqdn": str(inputs.get("name", physical)).rstrip(".")}

    def _Instance(self, name: str, physical: str, inputs: dict) -> dict:
        identifier = inputs.get("identifier") or physical
        host = f"{identifier}.c{_hex('cluster', 11)}.{REGION}.rds.amazonaws.com"
        return {
            "identifier": identifier,
            "arn": _arn("rds", f"db:{identifier}"),
            "address": host,
            "endpoint": f"{host}:5432",
            "port": 5432,
            "resourceId": f"db-{_hex(name, 26).upper()}",
        }

    def _ParameterGroup(self, name: str, physical: str, inputs: dict) -> dict:
        return {"name": physical, "arn": _arn("rds", f"pg:{physical}")}

    def _SubnetGroup(self, name: str, physical: str, inputs: dict) -> dict:
        return {"name": physical, "arn": _arn("rds", f"subgrp:{physical}")}

    def _Repository(self, name: str, physical: str, inputs: dict) -> dict:
        return {
            "name": physical,
            "arn": _arn("ecr", f"repository/{physical}"),
            "registryId": ACCOUNT,
            "repositoryUrl": f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/{physical}",
        }

    def _Cluster(self, name: str, physical: str, inputs: dict) -> dict:
        return {"name": physical, "arn": _arn("ecs", f"cluster/{physical}")}

    def _Service(self, name: str, physical: str, inputs: dict) -> dict:
        cluster = str(inputs.get("cluster", "cluster")).rsplit("/", 1)[-1]
        return {"name": physical, "arn": _arn("ecs", f"service/{cluster}/{physical}")}

    def _TaskDefinition(self, name: str, physical: str, inputs: dict) -> dict:
        family = inputs.get("family", physical)
        return {
            "revision": 1,
            "arn": _arn("ecs", f"task-definition/{family}:1"),
            "arnWithoutRevision": _arn("ecs", f"task-definition/{family}"),
        }

    def _Role(self, name: str, physical: str, inputs: dict) -> dict:
        return {
            "name": physical,
            "arn": f"arn:aws:iam::{ACCOUNT}:role/{physical}",
            "uniqueId": f"AROA{_hex(name, 17).upper()}",
        }

    def _Secret(self, name: str, physical: str, inputs: dict) -> dict:
        return {
            "name": physical,
            "arn": _arn("secretsmanager", f"secret:{physical}-AbCdEf"),
        }

    def _SecretVersion(self, name: str, physical: str, inputs: dict) -> dict:
        return {"versionId": _hex(name, 32), "arn": inputs.get("secretId", "")}

    def _LogGroup(self, name: str, physical: str, inputs: dict) -> dict:
        return {"name": physical, "arn": _arn("logs", f"log-group:{physical}")}

    def _MetricAlarm(self, name: str, physical: str, inputs: dict) -> dict:
        alarm = inputs.get("name") or physical
        return {"name": alarm, "arn": _arn("cloudwatch", f"alarm:{alarm}")}

    def _Topic(self, name: str, physical: str, inputs: dict) -> dict:
        return {"name": physical, "arn": _arn("sns", physical)}

    def _Target(self, name: str, physical: str, inputs: dict) -> dict:
        return {"arn": _arn("application-autoscaling", f"scalable-target/{_hex(name)}")}

    def _Policy(self, name: str, physical: str, inputs: dict) -> dict:
        return {
            "name": physical,
            "arn": _arn("autoscaling", f"scalingPolicy:{physical}"),
        }
