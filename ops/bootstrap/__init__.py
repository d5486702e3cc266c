"""The one-time setup of each cloud for CI: state bucket, state key, image registry and
the roles GitHub's OIDC token may take (a Pulumi program of its own)."""
