"""Realistic computed outputs for the Google Cloud resources the program reads:
self links, resource ids, emails, private and public addresses, Cloud Run URIs and
Cloud SQL connection names, shaped as Google returns them and derived from the
resource's name so every run gives the same values.

The project is the one the stack configures (`whiteboard:gcpProject`, which the
program's providers use), else `PROJECT`. `random` and `docker` resources are
shared with the other clouds and faked by `fakes_aws`.
"""

import hashlib
from typing import Any

import pulumi

PACKAGE = "gcp"
PROJECT = "whiteboard-test"
PROJECT_NUMBER = "123456789012"
REGION = "europe-west1"
COMPUTE = "https://www.googleapis.com/compute/v1"


def _hex(name: str, length: int = 8) -> str:
    return hashlib.sha256(name.encode()).hexdigest()[:length]


def _octet(name: str) -> int:
    return int(_hex(name, 2), 16) % 250 + 2


def _physical_name(name: str, inputs: dict[str, Any]) -> str:
    """What autonaming would call it: the logical name plus a random suffix."""
    return str(inputs.get("name") or f"{name}-{_hex(name, 7)}")


class GcpFakes:
    """Fake Google Cloud outputs for `pulumi_harness`."""

    @property
    def project(self) -> str:
        return pulumi.Config("whiteboard").get("gcpProject") or PROJECT

    def resource_id(self, type_: str, name: str, state: dict[str, Any]) -> str:
        if state.get("id"):
            return str(state["id"])
        return str(state.get("name") or f"{name}-{_hex(name)}")

    def outputs(self, type_: str, name: str, inputs: dict[str, Any]) -> dict[str, Any]:
        if type_ == "pulumi:providers:gcp":
            return {}
        if type_ == "gcp:projects/service:Service":  # an enabled API
            return {"id": f"{self.project}/{inputs['service']}"}
        handler = getattr(self, "_" + type_.split(":")[-1], None)
        physical = _physical_name(name, inputs)
        common = {"project": self.project}
        return common | (handler(name, physical, inputs) if handler else {})

    def call(self, token: str, args: dict[str, Any]) -> dict[str, Any]:
        if token == "gcp:organizations/getClientConfig:getClientConfig":
            return {
                "accessToken": "ya29.mock-access-token",
                "project": self.project,
                "region": REGION,
                "zone": f"{REGION}-b",
                "id": "client-config",
            }
        raise AssertionError(f"no fake for invoke {token}")

    def _global(self, kind: str, physical: str) -> dict[str, Any]:
        path = f"projects/{self.project}/global/{kind}/{physical}"
        return {"name": physical, "id": path, "selfLink": f"{COMPUTE}/{path}"}

    def _regional(self, kind: str, physical: str, inputs: dict) -> dict[str, Any]:
        region = inputs.get("region") or REGION
        path = f"projects/{self.project}/regions/{region}/{kind}/{physical}"
        return {"name": physical, "id": path, "selfLink": f"{COMPUTE}/{path}"}

    # One method per resource type, named after its type's last segment.

    def _Service(self, name: str, physical: str, inputs: dict) -> dict:
        location = inputs.get("location", REGION)
        return {
            "name": physical,
            "id": f"projects/{self.project}/locations/{location}/services/{physical}",
            "uri": f"https://{physical}-{_hex(name, 10)}-ew.a.run.app",
            "urls": [
                f"https://{physical}-{PROJECT_NUMBER}.{location}.run.app",
            ],
            "uid": f"{_hex(name, 8)}-0000-4000-8000-{_hex(name, 12)}",
            "latestReadyRevision": f"{physical}-00001-{_hex(name, 3)}",
            "location": location,
        }

    def _Network(self, name: str, physical: str, inputs: dict) -> dict:
        return self._global("networks", physical) | {"numericId": _hex(name, 16)}

    def _Subnetwork(self, name: str, physical: str, inputs: dict) -> dict:
        first = str(inputs.get("ipCidrRange", "10.0.0.0/20")).split("/")[0]
        gateway = first.rsplit(".", 1)[0] + ".1"
        return self._regional("subnetworks", physical, inputs) | {
            "gatewayAddress": gateway
        }

    def _GlobalAddress(self, name: str, physical: str, inputs: dict) -> dict:
        if inputs.get("addressType") == "INTERNAL":
            address = f"10.{_octet(name)}.0.0"
        else:
            address = f"34.{_octet(name)}.{_octet(name + 'x')}.{_octet(name + 'y')}"
        return self._global("addresses", physical) | {"address": address}

    def _Connection(self, name: str, physical: str, inputs: dict) -> dict:
        return {"peering": "servicenetworking-googleapis-com"}

    def _Secret(self, name: str, physical: str, inputs: dict) -> dict:
        secret_id = inputs.get("secretId", physical)
        return {
            "id": f"projects/{self.project}/secrets/{secret_id}",
            "name": f"projects/{PROJECT_NUMBER}/secrets/{secret_id}",
        }

    def _SecretVersion(self, name: str, physical: str, inputs: dict) -> dict:
        secret = str(inputs.get("secret", "")).replace(self.project, PROJECT_NUMBER)
        return {"name": f"{secret}/versions/1", "version": "1", "id": f"{secret}/1"}

    def _SecretIamMember(self, name: str, physical: str, inputs: dict) -> dict:
        return {"etag": f"BwY{_hex(name, 8)}="}

    def _Account(self, name: str, physical: str, inputs: dict) -> dict:
        account = inputs.get("accountId", physical)
        email = f"{account}@{self.project}.iam.gserviceaccount.com"
        return {
            "email": email,
            "member": f"serviceAccount:{email}",
            "name": f"projects/{self.project}/serviceAccounts/{email}",
            "uniqueId": str(int(_hex(name, 12), 16)),
        }

    def _DatabaseInstance(self, name: str, physical: str, inputs: dict) -> dict:
        region = inputs.get("region", REGION)
        return {
            "name": physical,
            "id": physical,
            "connectionName": f"{self.project}:{region}:{physical}",
            "privateIpAddress": f"10.{_octet('services')}.{_octet(name)}.3",
            "firstIpAddress": f"10.{_octet('services')}.{_octet(name)}.3",
            "selfLink": f"https://sqladmin.googleapis.com/sql/v1beta4/projects/"
            f"{self.project}/instances/{physical}",
            "serviceAccountEmailAddress": f"p{PROJECT_NUMBER}-{_hex(name, 6)}"
            "@gcp-sa-cloud-sql.iam.gserviceaccount.com",
        }

    def _Repository(self, name: str, physical: str, inputs: dict) -> dict:
        location = inputs.get("location", REGION)
        repository = inputs.get("repositoryId", physical)
        return {
            "name": repository,
            "id": f"projects/{self.project}/locations/{location}/repositories/"
            f"{repository}",
            "registryUri": f"{location}-docker.pkg.dev/{self.project}/{repository}",
        }

    def _RegionNetworkEndpointGroup(
        self, name: str, physical: str, inputs: dict
    ) -> dict:
        return self._regional("networkEndpointGroups", physical, inputs)

    def _BackendService(self, name: str, physical: str, inputs: dict) -> dict:
        return self._global("backendServices", physical) | {
            "generatedId": int(_hex(name, 8), 16),
            "fingerprint": _hex(name, 12),
        }

    def _URLMap(self, name: str, physical: str, inputs: dict) -> dict:
        return self._global("urlMaps", physical) | {"mapId": int(_hex(name, 8), 16)}

    def _TargetHttpProxy(self, name: str, physical: str, inputs: dict) -> dict:
        return self._global("targetHttpProxies", physical)

    def _TargetHttpsProxy(self, name: str, physical: str, inputs: dict) -> dict:
        return self._global("targetHttpsProxies", physical)

    def _GlobalForwardingRule(self, name: str, physical: str, inputs: dict) -> dict:
        return self._global("forwardingRules", physical)

    def _ManagedSslCertificate(self, name: str, physical: str, inputs: dict) -> dict:
        return self._global("sslCertificates", physical) | {
            "certificateId": int(_hex(name, 8), 16),
            "subjectAlternativeNames": inputs.get("managed", {}).get("domains", []),
        }

    def _SSLPolicy(self, name: str, physical: str, inputs: dict) -> dict:
        return self._global("sslPolicies", physical)

    def _RecordSet(self, name: str, physical: str, inputs: dict) -> dict:
        zone, record = inputs.get("managedZone"), inputs.get("name")
        return {"id": f"projects/{self.project}/managedZones/{zone}/rrsets/{record}/A"}

    def _UptimeCheckConfig(self, name: str, physical: str, inputs: dict) -> dict:
        check_id = f"{physical}-{_hex(name, 12)}"
        return {
            "uptimeCheckId": check_id,
            "name": f"projects/{self.project}/uptimeCheckConfigs/{check_id}",
        }

    def _AlertPolicy(self, name: str, physical: str, inputs: dict) -> dict:
        number = int(_hex(name, 12), 16)
        return {"name": f"projects/{self.project}/alertPolicies/{number}"}

    def _NotificationChannel(self, name: str, physical: str, inputs: dict) -> dict:
        number = int(_hex(name, 12), 16)
        return {"name": f"projects/{self.project}/notificationChannels/{number}"}
