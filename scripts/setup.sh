#!/usr/bin/env bash
# Prepares a checkout: the Python virtualenv (.venv) and the frontend's packages and build.
# Safe to run again; it only reinstalls what changed.
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
  .venv/bin/pip install --quiet -r requirements.txt
  echo "$wanted" > "$stamp"
fi

# Checkov pins many packages of its own, so it gets a virtualenv of its own.
checkov_spec='checkov>=3.2,<4'
if [ "$(cat .venv-tools/.spec 2>/dev/null)" != "$checkov_spec" ]; then
  "$python" -m venv .venv-tools
  .venv-tools/bin/pip install --quiet "$checkov_spec"
  echo "$checkov_spec" > .venv-tools/.spec
fi

if [ -f app/frontend/package.json ]; then
  (
    cd app/frontend
    if [ ! -d node_modules ] || [ package-lock.json -nt node_modules ]; then
      npm ci --no-audit --no-fund --loglevel=error
    fi
    npm run --silent build
  )
fi
