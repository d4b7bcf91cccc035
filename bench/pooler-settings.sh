#!/usr/bin/env bash
# What the transaction-pooler-safe settings cost when nothing sits in between: three cpdb instances on one PostgreSQL,
# each with the same runtime pool size, differing only in the runtime pool's settings, measured on the issue-get and
# issue-list endpoints.
#   direct-cached     CPDB_POOLER=none: prepared-statement cache on, extended protocol (what a confirmed direct
#                     connection gets)
#   safe-simple       CPDB_POOLER=transaction: cache off, simple statement protocol (what CPDB_POOLER=auto chooses
#                     whenever it is not certain that nothing sits in between)
#   safe-extended     CPDB_POOLER=transaction, DATABASE_STATEMENT_PROTOCOL=extended: cache off, layer-7-proxy mode
# Everything runs on 127.0.0.1 in a temporary folder that is removed at the end; every run is bounded in time.
#
# Usage (from the project root, after ./mvnw -B package -DskipTests):
#   bench/pooler-settings.sh
# Every round measures each setting on each endpoint once, settings interleaved, and the summary gives the median
# of the rounds and their spread (max - min).
# Knobs (environment): ROUNDS (3), CONCURRENCY (32), SECONDS_PER_RUN (15), WARMUP_SECONDS (5), MAX_REQUESTS (2000000),
#   POOL_MAX (10), COMPANIES (50), ISSUES_PER_COMPANY (2000), LOADGEN (wrk, the default, or java).
# Needs: java 17, psql, curl (Debian: postgresql-client, curl).
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS=${ROUNDS:-3}
CONCURRENCY=${CONCURRENCY:-32}
SECONDS_PER_RUN=${SECONDS_PER_RUN:-15}
WARMUP_SECONDS=${WARMUP_SECONDS:-5}
MAX_REQUESTS=${MAX_REQUESTS:-2000000}
POOL_MAX=${POOL_MAX:-10}
COMPANIES=${COMPANIES:-50}
ISSUES_PER_COMPANY=${ISSUES_PER_COMPANY:-2000}
JAR=target/quarkus-app/quarkus-run.jar

[ -f "$JAR" ] || { echo "no $JAR: run ./mvnw -B package -DskipTests first" >&2; exit 2; }
for tool in java psql curl; do
  command -v "$tool" >/dev/null || { echo "$tool is missing" >&2; exit 2; }
done

WORK=$(mktemp -d /tmp/cpdb-bench-pooler.XXXXXX)
chmod 755 "$WORK"
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_ready() {
  for _ in $(seq 1 120); do
    curl -sf "http://127.0.0.1:$1/q/health/ready" >/dev/null 2>&1 && return 0
    sleep 1
  done
  echo "cpdb on port $1 did not become ready; its log:" >&2
  tail -30 "$2" >&2
  exit 1
}

PG_PORT=$(free_port); HTTP_EMBEDDED=$(free_port)
TOKEN=$(head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 40)
MASTER_KEY=$(head -c 32 /dev/urandom | base64)

echo "== starting cpdb on its embedded PostgreSQL (127.0.0.1:$PG_PORT) to own the server"
CPDB_HOME="$WORK/home" CPDB_EMBEDDED_PORT=$PG_PORT QUARKUS_HTTP_PORT=$HTTP_EMBEDDED CPDB_ADMIN_TOKEN=$TOKEN \
  CPDB_SECRETS_MASTER_KEY=$MASTER_KEY CPDB_BACKUP_ENABLED=false java -jar "$JAR" >"$WORK/embedded.log" 2>&1 &
PIDS+=($!)
wait_ready "$HTTP_EMBEDDED" "$WORK/embedded.log"
export PGPASSWORD
PGPASSWORD=$(cat "$WORK/home/instances/default/db.password")
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U cpdb -d cpdb)
URL="postgres://cpdb:$PGPASSWORD@127.0.0.1:$PG_PORT/cpdb?sslmode=disable"

echo "== loading $COMPANIES companies x $ISSUES_PER_COMPANY issues"
"${PSQL[@]}" <<SQL
INSERT INTO public.companies (id, name, issue_prefix)
SELECT gen_random_uuid(), 'Bench company ' || c, 'BENCH' || c FROM generate_series(1, $COMPANIES) AS c;
INSERT INTO public.issues (id, company_id, number, identifier, title, description, status, priority)
SELECT gen_random_uuid(), co.id, n, co.issue_prefix || '-' || n, 'Issue ' || n || ' of ' || co.name,
       'Generated for the benchmark; mentions nothing.',
       (ARRAY['backlog', 'todo', 'in_progress', 'done'])[1 + n % 4], 'medium'
  FROM public.companies co CROSS JOIN generate_series(1, $ISSUES_PER_COMPANY) AS n
 WHERE co.issue_prefix LIKE 'BENCH%';
INSERT INTO public.issue_counters (company_id, last_number)
SELECT id, $ISSUES_PER_COMPANY FROM public.companies WHERE issue_prefix LIKE 'BENCH%';
ANALYZE;
SQL
"${PSQL[@]}" -At -c "SELECT '/api/issues/' || id FROM public.issues ORDER BY random() LIMIT 20000" \
  >"$WORK/get-paths.txt"
"${PSQL[@]}" -At -c "SELECT '/api/companies/' || id || '/issues?limit=50&status=todo' FROM public.companies
  WHERE issue_prefix LIKE 'BENCH%'" >"$WORK/list-paths.txt"

# name -> extra environment of the instance
declare -A SETTINGS=(
  [direct-cached]="CPDB_POOLER=none"
  [safe-simple]="CPDB_POOLER=transaction"
  [safe-extended]="CPDB_POOLER=transaction DATABASE_STATEMENT_PROTOCOL=extended"
)
NAMES=(direct-cached safe-simple safe-extended)
declare -A PORTS
for name in "${NAMES[@]}"; do
  PORTS[$name]=$(free_port)
  echo "== starting cpdb '$name' (${SETTINGS[$name]}, pool $POOL_MAX), HTTP ${PORTS[$name]}"
  # shellcheck disable=SC2086
  DATABASE_URL="$URL" DATABASE_MIGRATION_URL="$URL" DATABASE_POOL_MAX=$POOL_MAX CPDB_HOME="$WORK/home-$name" \
    QUARKUS_HTTP_PORT=${PORTS[$name]} CPDB_ADMIN_TOKEN=$TOKEN CPDB_SECRETS_MASTER_KEY=$MASTER_KEY \
    CPDB_BACKUP_ENABLED=false env ${SETTINGS[$name]} java -jar "$JAR" >"$WORK/$name.log" 2>&1 &
  PIDS+=($!)
  wait_ready "${PORTS[$name]}" "$WORK/$name.log"
done

RESULTS="$WORK/results.txt"
# The JDK generator's own ceiling on two cores is far below what these endpoints serve, so it is used only when asked
# for: ratios taken with it measure the generator (docs/benchmarks.md, runtime API).
LOADGEN=${LOADGEN:-wrk}
if [ "$LOADGEN" = wrk ] && ! command -v wrk >/dev/null; then
  echo "wrk is not installed (Debian: apt-get install wrk); set LOADGEN=java to measure with the JDK generator anyway" >&2
  exit 2
fi
generate() { # port paths seconds
  if [ "$LOADGEN" = wrk ]; then
    wrk -t1 -c "$CONCURRENCY" -d "${3}s" -s bench/wrk-paths.lua "http://127.0.0.1:$1" -- "$TOKEN" "$2" | tail -1
  else
    java bench/LoadGenerator.java "http://127.0.0.1:$1" "$TOKEN" "$2" "$CONCURRENCY" "$3" "$MAX_REQUESTS"
  fi
}
load() { # run port paths
  generate "$2" "$3" "$WARMUP_SECONDS" >/dev/null
  local line
  line=$(generate "$2" "$3" "$SECONDS_PER_RUN")
  echo "$1 $line" | tee -a "$RESULTS"
}

echo "== measuring: $ROUNDS rounds, $CONCURRENCY concurrent clients, $SECONDS_PER_RUN s per run (after $WARMUP_SECONDS s warm-up), load generator $LOADGEN"
for round in $(seq 1 "$ROUNDS"); do
  echo "-- round $round"
  for endpoint in get list; do
    for name in "${NAMES[@]}"; do
      load "$endpoint-$name" "${PORTS[$name]}" "$WORK/$endpoint-paths.txt"
    done
  done
done

# stats RUN KEY [STATISTIC]: median/spread (max - min) over the rounds by default, see run-stats.py.
stats() { python3 bench/run-stats.py "$RESULTS" "$@"; }
median() { stats "$1" "$2" median; }
ratio() { python3 -c "a, b = '$1', '$2'; print(f'{float(a) / float(b):.2f}' if a and b and a != 'n/a' and b != 'n/a' and float(b) else 'n/a')"; }
echo
echo "== summary ($(date -u +%Y-%m-%dT%H:%MZ)): median/spread (max - min) of $ROUNDS rounds"
printf '%-22s %16s %12s %12s %8s %10s\n' run req/s p50_ms p99_ms errors vs-cached
for endpoint in get list; do
  for name in "${NAMES[@]}"; do
    run="$endpoint-$name"
    printf '%-22s %16s %12s %12s %8s %10s\n' "$run" "$(stats "$run" rps)" "$(median "$run" p50_ms)" \
      "$(median "$run" p99_ms)" "$(stats "$run" errors sum)" \
      "$(ratio "$(median "$run" rps)" "$(median "$endpoint-direct-cached" rps)")"
  done
done
echo "load: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores (other work on the machine skews every number)"
