"""How stack values must be spelled: booleans as true or false, integers as plain
decimal digits, on every cloud."""

from typing import Any

import pytest
from pulumi_harness import load_stack_config
from whiteboard_infra.config import ConfigError

CLOUDS = ("aws", "gcp", "azure")


def refusal(cloud: str = "aws", overrides: dict[str, Any] | None = None) -> str:
    with pytest.raises(ConfigError) as caught:
        load_stack_config("staging", cloud=cloud, overrides=overrides)
    message = str(caught.value)
    assert "\n" not in message
    return message


@pytest.mark.parametrize("cloud", CLOUDS)
@pytest.mark.parametrize("value", ["yes", "on", "0", "1", "no", "", " true"])
def test_boolean_other_than_true_or_false_is_refused(cloud: str, value: str) -> None:
    message = refusal(cloud=cloud, overrides={"databaseHighAvailability": value})
    assert message.startswith("whiteboard:databaseHighAvailability=")
    assert message.endswith("is refused: true or false")


@pytest.mark.parametrize("value", ["TRUE", "False", "true"])
def test_boolean_true_or_false_in_any_case_is_read(value: str) -> None:
    common = load_stack_config(
        "staging", overrides={"databaseHighAvailability": value}
    ).common
    assert common.database_high_availability is (value.lower() == "true")


@pytest.mark.parametrize("cloud", CLOUDS)
@pytest.mark.parametrize(
    "value", [" 10 ", "10.0", "1_0", "+10", "0x10", "\uff11\uff10", "1e1"]
)
def test_integer_other_than_plain_decimal_digits_is_refused(
    cloud: str, value: str
) -> None:
    message = refusal(cloud=cloud, overrides={"backendMaxInstances": value})
    assert message.startswith("whiteboard:backendMaxInstances=")
    assert message.endswith("is refused: a whole number in decimal digits, e.g. 10")


@pytest.mark.parametrize(
    ("cloud", "key"),
    [("aws", "awsNatGatewayPerZone"), ("azure", "azureZoneRedundant")],
)
def test_cloud_boolean_other_than_true_or_false_is_refused(
    cloud: str, key: str
) -> None:
    assert refusal(cloud=cloud, overrides={key: "yes"}) == (
        f"whiteboard:{key}=yes is refused: true or false"
    )


@pytest.mark.parametrize(
    ("cloud", "key"),
    [
        ("aws", "awsBackendCpu"),
        ("gcp", "gcpBackendCpu"),
        ("azure", "azureBackendCpuMillicores"),
    ],
)
def test_cloud_integer_other_than_decimal_digits_is_refused(
    cloud: str, key: str
) -> None:
    assert refusal(cloud=cloud, overrides={key: "1_0"}).startswith(
        f"whiteboard:{key}=1_0 is refused: a whole number"
    )
