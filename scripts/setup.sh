#!/usr/bin/env bash
# Prepares a checkout: the Python virtualenv (.venv) and the frontend's packages and build;
# with --test-tools, also the tools only the tests use. Safe to run again: it only
# reinstalls or rebuilds what changed.
set -euo pipefail
cd "$(dirname "$0")/.."

python=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$python" -m venv .venv
  .venv/bin/pip install --quiet --upgrade pip
fi

# Reinstall Python packages only when a requirements file changed.
stamp=.venv/.requirements.sha256
wanted=$(cat requirements.txt infra/requirements.txt app/backend/requirements.txt | sha256sum)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$wanted" ]; then
  echo "setup: installing Python packages (the first time takes several minutes)"
  .venv/bin/pip install --quiet -r requirements.txt
  echo "$wanted" > "$stamp"
fi

if [ -f app/frontend/package.json ]; then
  (
    cd app/frontend
    if [ ! -d node_modules ] || [ package-lock.json -nt node_modules ]; then
      echo "setup: installing the frontend's packages"
      npm ci --no-audit --no-fund --loglevel=error
    fi
    # Build only when something the build reads is newer than the last build.
    if [ ! -f dist/index.html ] || [ -n "$(find . -path ./node_modules -prune -o \
        -path ./dist -prune -o -type f -newer dist/index.html -print -quit)" ]; then
      echo "setup: building the frontend"
      npm run --silent build
    fi
  )
fi

# Tools only the tests use: `scripts/setup.sh --test-tools` (scripts/test.sh does).
if [ "${1:-}" = "--test-tools" ]; then
  # Checkov pins many packages of its own, so it gets a virtualenv of its own.
  checkov_spec='checkov>=3.2,<4'
  if [ "$(cat .venv-tools/.spec 2>/dev/null)" != "$checkov_spec" ]; then
    echo "setup: installing checkov into .venv-tools"
    "$python" -m venv .venv-tools
    .venv-tools/bin/pip install --quiet "$checkov_spec"
    echo "$checkov_spec" > .venv-tools/.spec
  fi
fi
