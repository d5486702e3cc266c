"""What every refusal looks like, whatever the cloud or the value: one line, and
never the value of a key the stack keeps secret."""

from typing import Any

import pytest
from pulumi_harness import STACKS, load_stack_config
from whiteboard_infra.config import ConfigError

CLOUDS = ("aws", "gcp", "azure")
VAULT_ID = (
    "/subscriptions/3f2c1a9e-5b7d-4c11-9e42-8d0a6b1c2e3f/resourceGroups/certs/"
    "providers/Microsoft.KeyVault/vaults/board-certs"
)


def refusal(
    stack: str = "staging",
    cloud: str = "aws",
    overrides: dict[str, Any] | None = None,
    secrets: dict[str, str] | None = None,
) -> str:
    with pytest.raises(ConfigError) as caught:
        load_stack_config(stack, cloud=cloud, overrides=overrides, secrets=secrets)
    message = str(caught.value)
    assert "\n" not in message
    return message


@pytest.mark.parametrize("stack", STACKS)
@pytest.mark.parametrize("cloud", CLOUDS)
@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("domainName", "Sup3rS3cret"),
        ("resourcePrefix", "Sup3rS3cret"),
        ("databaseName", "Sup3rS3cret"),
        ("databasePoolSize", "31337"),
        ("backendMaxInstances", "31337"),
        ("logLevel", "Sup3rS3cret"),
    ],
)
def test_secret_value_never_appears_in_a_refusal(
    stack: str, cloud: str, key: str, value: str
) -> None:
    message = refusal(stack, cloud, secrets={key: value})
    assert message.startswith(f"whiteboard:{key}=(secret) is refused:")
    assert value not in message


@pytest.mark.parametrize(
    ("cloud", "key", "value"),
    [
        ("azure", "azureCertificateName", "S3cret_cert"),
        ("azure", "azureRegistryName", "S3cret-registry"),
        ("gcp", "gcpAlertEmail", "S3cret"),
        ("gcp", "gcpProject", "S3cret"),
        ("aws", "awsHostedZoneId", "S3cret"),
    ],
)
def test_secret_cloud_setting_never_appears_in_a_refusal(
    cloud: str, key: str, value: str
) -> None:
    message = refusal(cloud=cloud, secrets={key: value})
    assert message.startswith(f"whiteboard:{key}=(secret) is refused:")
    assert value not in message


def test_secret_named_in_another_settings_refusal_is_hidden() -> None:
    message = refusal(
        cloud="azure",
        overrides={
            "azureDnsZoneName": "example.com",
            "azureDnsZoneResourceGroup": "dns",
        },
        secrets={"domainName": "board.s3cret.org"},
    )
    assert message.startswith("whiteboard:azureDnsZoneName=example.com is refused:")
    assert "whiteboard:domainName=(secret)" in message
    assert "s3cret" not in message


@pytest.mark.parametrize("cloud", CLOUDS)
def test_secret_pool_size_is_hidden_in_the_connection_check(cloud: str) -> None:
    message = refusal(cloud=cloud, secrets={"databasePoolSize": "90"})
    assert "(databasePoolSize (secret) + 1)" in message
    assert "90 + 1" not in message


def test_secret_prefix_is_hidden_in_the_names_built_from_it() -> None:
    message = refusal(cloud="aws", secrets={"resourcePrefix": "internal-s3cret"})
    assert "s3cret" not in message


@pytest.mark.parametrize(
    ("cloud", "key", "value"),
    [(cloud, "resourcePrefix", "whiteboard\n") for cloud in CLOUDS]
    + [
        ("aws", "databaseName", "whiteboard\n"),
        ("aws", "databaseUser", "whiteboard\n"),
        ("azure", "databaseName", "whiteboard\n"),
        ("azure", "azureLocation", "westeurope\n"),
        ("azure", "azureRegistryName", "myregistry\n"),
        ("azure", "azureDatabaseServerName", "myserver\n"),
        ("azure", "azureKeyVaultName", "board-vault\n"),
        ("azure", "azureDnsZoneResourceGroup", "dns\n"),
        ("azure", "azureCertificateName", "board-cert\n"),
        ("azure", "azureCertificateVaultId", VAULT_ID + "\n"),
    ],
)
def test_name_with_a_trailing_newline_is_refused_on_one_line(
    cloud: str, key: str, value: str
) -> None:
    message = refusal(cloud=cloud, overrides={key: value})
    assert message.startswith(f"whiteboard:{key}={value!r} is refused:")


@pytest.mark.parametrize("cloud", CLOUDS)
@pytest.mark.parametrize("value", ["a\nb", " padded", "tab\there", "cr\r"])
def test_refused_value_is_quoted_and_escaped_on_one_line(
    cloud: str, value: str
) -> None:
    message = refusal(cloud=cloud, overrides={"logLevel": value})
    assert message.startswith(f"whiteboard:logLevel={value!r} is refused:")
    assert "\r" not in message and "\t" not in message


def test_refusal_naming_a_value_inside_its_reason_stays_on_one_line() -> None:
    message = refusal(
        cloud="azure",
        overrides={
            "azureDnsZoneName": "example.com\nx",
            "azureDnsZoneResourceGroup": "dns",
        },
    )
    assert message.startswith("whiteboard:azureDnsZoneName='example.com\\nx' is")


@pytest.mark.parametrize("cloud", CLOUDS)
@pytest.mark.parametrize(
    "value",
    ["db host", "db.internal:", "db.internal:0", "db.internal:70000", "-db", "a..b"],
)
def test_malformed_database_host_override_is_refused_on_one_line(
    cloud: str, value: str
) -> None:
    message = refusal(cloud=cloud, overrides={"databaseHostOverride": value})
    assert message.startswith(f"whiteboard:databaseHostOverride={value} is refused:")
    assert "host name" in message
