"""Container definitions and IAM policy documents for the ECS services.

Pure functions from plain values (already resolved outputs) to the JSON documents
ECS and IAM take, so they are easy to read and to test on their own.
"""

import json
from collections.abc import Mapping
from typing import Any

from whiteboard_infra.contract import LIVENESS_PATH

BACKEND_CONTAINER = "backend"
FRONTEND_CONTAINER = "frontend"


def _logging(group: str, region: str, prefix: str) -> dict[str, Any]:
    return {
        "logDriver": "awslogs",
        "options": {
            "awslogs-group": group,
            "awslogs-region": region,
            "awslogs-stream-prefix": prefix,
        },
    }


def backend_container(
    image: str,
    port: int,
    environment: Mapping[str, str],
    secret_arns: Mapping[str, str],
    log_group: str,
    region: str,
    shutdown_grace_seconds: int,
) -> str:
    """The backend's container definitions. `environment` holds the plain
    variables; `secret_arns` maps variable names (DATABASE_PASSWORD, SECRET_KEY)
    to Secrets Manager ARNs: ECS reads them at start, so their values never appear
    in the task definition."""
    probe = (
        "import urllib.request; "
        f"urllib.request.urlopen('http://127.0.0.1:{port}{LIVENESS_PATH}', timeout=3)"
    )
    container = {
        "name": BACKEND_CONTAINER,
        "image": image,
        "essential": True,
        "portMappings": [{"containerPort": port, "protocol": "tcp", "name": "http"}],
        "environment": [
            {"name": name, "value": value}
            for name, value in sorted(environment.items())
        ],
        "secrets": [
            {"name": name, "valueFrom": arn}
            for name, arn in sorted(secret_arns.items())
        ],
        # Liveness only: /readyz depends on the database, and a database blip must
        # not make ECS replace every task at once.
        "healthCheck": {
            "command": ["CMD", "python", "-c", probe],
            "interval": 15,
            "timeout": 5,
            "retries": 3,
            "startPeriod": 30,
        },
        # SIGTERM, then this long to drain before SIGKILL: above the backend's grace.
        "stopTimeout": min(shutdown_grace_seconds + 10, 120),
        "readonlyRootFilesystem": False,
        "logConfiguration": _logging(log_group, region, BACKEND_CONTAINER),
    }
    return json.dumps([container])


def frontend_container(image: str, port: int, log_group: str, region: str) -> str:
    """The frontend's container definitions (nginx, non-root, on `port`)."""
    url = f"http://127.0.0.1:{port}{LIVENESS_PATH}"
    container = {
        "name": FRONTEND_CONTAINER,
        "image": image,
        "essential": True,
        "portMappings": [{"containerPort": port, "protocol": "tcp", "name": "http"}],
        "environment": [],
        "healthCheck": {
            "command": [
                "CMD-SHELL",
                f"wget -q -O /dev/null {url} || exit 1",
            ],
            "interval": 15,
            "timeout": 5,
            "retries": 3,
            "startPeriod": 10,
        },
        "stopTimeout": 10,
        "logConfiguration": _logging(log_group, region, FRONTEND_CONTAINER),
    }
    return json.dumps([container])


def assume_role_policy(service: str) -> str:
    """Lets an AWS service (e.g. ecs-tasks.amazonaws.com) take the role."""
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": service},
                    "Action": "sts:AssumeRole",
                }
            ],
        }
    )


def execution_policy(
    repository_arns: list[str], log_group_arns: list[str], secret_arns: list[str]
) -> str:
    """What ECS needs to start the tasks, and nothing more: pull from this stack's
    repositories, write to its log groups, read its secrets."""
    statements: list[dict[str, Any]] = [
        # GetAuthorizationToken has no resource to scope to.
        {"Effect": "Allow", "Action": "ecr:GetAuthorizationToken", "Resource": "*"},
        {
            "Effect": "Allow",
            "Action": [
                "ecr:BatchCheckLayerAvailability",
                "ecr:BatchGetImage",
                "ecr:GetDownloadUrlForLayer",
            ],
            "Resource": sorted(repository_arns),
        },
        {
            "Effect": "Allow",
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": sorted(f"{arn}:*" for arn in log_group_arns),
        },
        {
            "Effect": "Allow",
            "Action": "secretsmanager:GetSecretValue",
            "Resource": sorted(secret_arns),
        },
    ]
    return json.dumps({"Version": "2012-10-17", "Statement": statements})
