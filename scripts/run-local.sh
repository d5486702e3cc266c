#!/usr/bin/env bash
# Runs the whole whiteboard on this machine, without Docker or a cloud: PostgreSQL, two
# backend instances and the built frontend behind a small proxy that spreads /api and /ws
# over both instances. Ctrl-C stops everything. State is kept under .local/.
#
# Ports (override with the variables): WHITEBOARD_PORT=8080 (the app),
# BACKEND_PORTS="8001 8002", POSTGRES_PORT=5433. Everything listens on 127.0.0.1 only.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

app_port=${WHITEBOARD_PORT:-8080}
read -r -a backend_ports <<< "${BACKEND_PORTS:-8001 8002}"
postgres_port=${POSTGRES_PORT:-5433}
state=$root/.local
logs=$state/logs

# Refuse busy ports before spending minutes on setup.
for port in "$app_port" "${backend_ports[@]}" "$postgres_port"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "run-local: port $port on 127.0.0.1 is already in use; choose others with" \
      "WHITEBOARD_PORT, BACKEND_PORTS or POSTGRES_PORT" >&2
    exit 1
  fi
done

scripts/setup.sh
mkdir -p "$logs"
command -v node >/dev/null || { echo "run-local: Node.js 20 is needed" >&2; exit 1; }

# A development signing key, made once and kept, so share links survive restarts.
if [ ! -s "$state/secret_key" ]; then
  (umask 077 && .venv/bin/python -c "import secrets; print(secrets.token_urlsafe(32))" > "$state/secret_key")
fi

# Each service runs as its own process group (job control), so Ctrl-C reaches only this
# script, which then stops them in order: frontend, backends, database last.
set -m
pids=()
stop_all() {
  trap - INT TERM EXIT
  echo
  echo "run-local: stopping"
  for (( i=${#pids[@]}-1; i>=0; i-- )); do
    kill -TERM -- "-${pids[i]}" 2>/dev/null || true
    wait "${pids[i]}" 2>/dev/null || true
  done
  echo "run-local: stopped"
}
trap stop_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

wait_for() {  # wait_for <name> <url> <seconds> <pid>
  local deadline=$((SECONDS + $3))
  until .venv/bin/python -c "import urllib.request,sys; urllib.request.urlopen(sys.argv[1], timeout=1)" "$2" 2>/dev/null; do
    if ! kill -0 "$4" 2>/dev/null; then
      echo "run-local: $1 exited; see $logs" >&2
      exit 1
    fi
    if (( SECONDS > deadline )); then
      echo "run-local: $1 did not answer $2 within $3 s; see $logs" >&2
      exit 1
    fi
    sleep 0.3
  done
}

echo "run-local: starting PostgreSQL on 127.0.0.1:$postgres_port (data in .local/pg)"
(cd app/backend && exec ../../.venv/bin/python -m whiteboard.devdb \
  --data-dir "$state/pg" --port "$postgres_port") > "$logs/postgres.log" 2>&1 &
pids+=($!)
deadline=$((SECONDS + 120))
until grep -q '^DATABASE_SSLMODE=' "$logs/postgres.log" 2>/dev/null; do
  if ! kill -0 "${pids[0]}" 2>/dev/null || (( SECONDS > deadline )); then
    echo "run-local: PostgreSQL did not start:" >&2
    cat "$logs/postgres.log" >&2
    exit 1
  fi
  sleep 0.3
done

upstreams=()
for port in "${backend_ports[@]}"; do
  echo "run-local: starting a backend instance on 127.0.0.1:$port"
  (
    cd app/backend
    while IFS='=' read -r name value; do
      export "$name=$value"
    done < <(grep -E '^DATABASE_(HOST|PORT|NAME|USER|PASSWORD)=' "$logs/postgres.log")
    export HOST=127.0.0.1 PORT=$port ENVIRONMENT=development DATABASE_SSLMODE=disable \
      SECRET_KEY="$(cat "$state/secret_key")" DATABASE_POOL_SIZE=5 LOG_LEVEL=info \
      ALLOWED_ORIGINS="http://127.0.0.1:$app_port,http://localhost:$app_port"
    # An instance that stops is started again, as a platform would: meanwhile the
    # other one carries its clients.
    while true; do
      status=0
      ../../.venv/bin/python -m whiteboard || status=$?
      echo "run-local: backend on port $port exited with $status; starting it again in 2 s"
      sleep 2
    done
  ) > "$logs/backend-$port.log" 2>&1 &
  pids+=($!)
  upstreams+=(--upstream "127.0.0.1:$port")
done
for (( i=1; i<${#pids[@]}; i++ )); do
  port=${backend_ports[i-1]}
  wait_for "backend on port $port" "http://127.0.0.1:$port/readyz" 90 "${pids[i]}"
done

echo "run-local: serving the frontend on 127.0.0.1:$app_port"
node app/frontend/server/serve.mjs --port "$app_port" "${upstreams[@]}" \
  > "$logs/frontend.log" 2>&1 &
pids+=($!)
wait_for "frontend" "http://127.0.0.1:$app_port/healthz" 30 "${pids[-1]}"

cat <<EOF

  Whiteboard:        http://127.0.0.1:$app_port/
  Backend instances: $(for port in "${backend_ports[@]}"; do printf 'http://127.0.0.1:%s  ' "$port"; done)
  PostgreSQL:        postgresql://postgres@127.0.0.1:$postgres_port/whiteboard
  Logs:              .local/logs/

  Press Ctrl-C to stop everything.

EOF

# Stop when PostgreSQL or the frontend server stops on its own; its log says why.
# (Backends are started again by their own loops above.)
backend_count=${#backend_ports[@]}
wait -n "${pids[0]}" "${pids[backend_count + 1]}" || true
echo "run-local: a service stopped; see $logs" >&2
exit 1
