"""Prebuilt image references: what the stack may pass as backendImage and
frontendImage."""

import pytest
from pulumi_harness import load_stack_config
from whiteboard_infra.config import ConfigError

DIGEST = "sha256:" + "ab12" * 16


@pytest.mark.parametrize("key", ["backendImage", "frontendImage"])
@pytest.mark.parametrize(
    "image",
    [
        "not an image; rm -rf /",
        "nginx\n--privileged",
        "nginx --privileged",
        "Nginx:1.27",
        "nginx:",
        "nginx:-tag",
        "nginx@sha256:short",
        "nginx@md5:" + "a" * 32,
        "registry.example.com/",
        "/nginx",
        "library//nginx",
        "bad_host.example.com:port/app:1",
        "app:1:2",
        "a" * 256,
    ],
)
def test_image_reference_docker_would_not_parse_is_refused(
    key: str, image: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        load_stack_config("staging", overrides={key: image})
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"whiteboard:{key}=")
    assert "is refused: an image reference: [registry/]name[:tag]" in message


@pytest.mark.parametrize(
    "image",
    [
        "nginx",
        "nginx:1.27-alpine",
        "library/nginx:latest",
        "ghcr.io/acme/whiteboard-backend:1.4.2",
        "localhost:5000/board_app",
        "123456789012.dkr.ecr.eu-west-1.amazonaws.com/whiteboard-backend:sha-1a2b3c",
        f"europe-west1-docker.pkg.dev/whiteboard-staging/images/backend@{DIGEST}",
        f"myregistry.azurecr.io/backend:1.0@{DIGEST}",
        "registry.example.com:443/team/sub.path/app__x--y:v1",
    ],
)
def test_image_reference_docker_parses_is_accepted(image: str) -> None:
    common = load_stack_config(
        "staging", overrides={"backendImage": image, "frontendImage": image}
    ).common
    assert (common.backend_image, common.frontend_image) == (image, image)
