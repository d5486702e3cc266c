"""Who may take which role: GitHub environments, and the OIDC claims that name them.

A job's OIDC token carries the subject `repo:<owner>/<repo>:environment:<name>` when the
job runs in a GitHub environment, so each role trusts exactly one environment of one
repository, and GitHub's environment rules (reviewers, branches) guard the role.
"""

from dataclasses import dataclass

GITHUB_ISSUER = "https://token.actions.githubusercontent.com"


@dataclass(frozen=True)
class Access:
    """What one GitHub environment may do in the cloud."""

    environment: str
    level: str  # "read" (previews), "images" (push images) or "deploy"


ACCESS = (
    Access("preview-staging", "read"),
    Access("preview-prod", "read"),
    Access("images", "images"),
    Access("staging", "deploy"),
    Access("prod", "deploy"),
)


def subject(repository: str, environment: str) -> str:
    """The OIDC subject of a job of `repository` in GitHub environment `environment`."""
    if repository.count("/") != 1:
        raise ValueError(f"githubRepository must be owner/name, not {repository!r}")
    return f"repo:{repository}:environment:{environment}"
