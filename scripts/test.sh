#!/usr/bin/env bash
# Runs every check and test in the project: lint, types, Dockerfiles, frontend unit tests,
# then pytest (Pulumi program under mocks, backend against a real PostgreSQL, browser
# end-to-end tests). Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test-tools

.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy infra app/backend
.venv/bin/mypy tools ops policy/guardrails

for dockerfile in $(git ls-files '*Dockerfile'); do
  .venv/bin/hadolint "$dockerfile"
done

if [ -f app/frontend/package.json ]; then
  (cd app/frontend && npm run --silent typecheck && npm run --silent test)
fi

.venv/bin/pytest "$@"
