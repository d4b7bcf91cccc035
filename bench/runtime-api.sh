#!/usr/bin/env bash
# Runtime API benchmark: issue-get and issue-list endpoints, straight to PostgreSQL (with the statement cache, and
# with the transaction-pooler settings) and through PgBouncer in transaction mode, next to `pgbench -S` run direct
# and through PgBouncer at the same concurrency. Every round runs each of them once, interleaved; the summary prints
# the median and spread (max - min) over the rounds of requests/s, p50 and p99, and the ratios the issue sets as
# targets. Everything runs on 127.0.0.1, in a temporary folder that is removed at the end, and every run is bounded
# in time and requests.
#
# Usage (from the project root, after ./mvnw -B package -DskipTests):
#   bench/runtime-api.sh
# Knobs (environment): ROUNDS (3), CONCURRENCY (64), SECONDS_PER_RUN (15), WARMUP_SECONDS (5),
#   MAX_REQUESTS (2000000), COMPANIES (50), ISSUES_PER_COMPANY (2000), BOUNCER_POOL (8 server connections),
#   PGBENCH_SCALE (10), RUNS (which runs, by name; default all of them), POOLED_ENV and SAFE_ENV (extra settings for
#   the cpdb behind PgBouncer and for the one with the transaction-pooler settings on the direct connection,
#   e.g. "DATABASE_STATEMENT_PROTOCOL=extended"), LOADGEN (wrk, the default, or java).
# Needs: java 17, psql, pgbench and pgbouncer (Debian: postgresql-client, pgbouncer).
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS=${ROUNDS:-3}
CONCURRENCY=${CONCURRENCY:-64}
SECONDS_PER_RUN=${SECONDS_PER_RUN:-15}
WARMUP_SECONDS=${WARMUP_SECONDS:-5}
MAX_REQUESTS=${MAX_REQUESTS:-2000000}
COMPANIES=${COMPANIES:-50}
ISSUES_PER_COMPANY=${ISSUES_PER_COMPANY:-2000}
BOUNCER_POOL=${BOUNCER_POOL:-8}
PGBENCH_SCALE=${PGBENCH_SCALE:-10}
ALL_RUNS="pgbench-S-direct pgbench-S-pgbouncer http-ceiling get-direct get-safe-direct get-pgbouncer list-direct"
ALL_RUNS+=" list-safe-direct list-pgbouncer"
RUNS=${RUNS:-$ALL_RUNS}
JAR=target/quarkus-app/quarkus-run.jar

[ -f "$JAR" ] || { echo "no $JAR: run ./mvnw -B package -DskipTests first" >&2; exit 2; }
for tool in java psql pgbench; do
  command -v "$tool" >/dev/null || { echo "$tool is missing" >&2; exit 2; }
done
PGBOUNCER=$(command -v pgbouncer || echo /usr/sbin/pgbouncer)
[ -x "$PGBOUNCER" ] || { echo "pgbouncer is missing (Debian: apt-get install pgbouncer)" >&2; exit 2; }

WORK=$(mktemp -d /tmp/cpdb-bench.XXXXXX)
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

PG_PORT=$(free_port); BOUNCER_PORT=$(free_port); HTTP_DIRECT=$(free_port); HTTP_POOLED=$(free_port)
HTTP_SAFE=$(free_port)
TOKEN=$(head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 40)
MASTER_KEY=$(head -c 32 /dev/urandom | base64)

echo "== starting cpdb on its embedded PostgreSQL (127.0.0.1:$PG_PORT), HTTP $HTTP_DIRECT"
CPDB_HOME="$WORK/home" CPDB_EMBEDDED_PORT=$PG_PORT QUARKUS_HTTP_PORT=$HTTP_DIRECT CPDB_ADMIN_TOKEN=$TOKEN \
  CPDB_SECRETS_MASTER_KEY=$MASTER_KEY java -jar "$JAR" >"$WORK/direct.log" 2>&1 &
PIDS+=($!)
wait_ready "$HTTP_DIRECT" "$WORK/direct.log"
export PGPASSWORD
PGPASSWORD=$(cat "$WORK/home/instances/default/db.password")
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U cpdb)

echo "== loading $COMPANIES companies x $ISSUES_PER_COMPANY issues, and pgbench scale $PGBENCH_SCALE"
"${PSQL[@]}" -d cpdb <<SQL
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
"${PSQL[@]}" -d cpdb -c "CREATE DATABASE pgbench"
pgbench -i -q -s "$PGBENCH_SCALE" -h 127.0.0.1 -p "$PG_PORT" -U cpdb pgbench >/dev/null 2>&1
"${PSQL[@]}" -d cpdb -At -c "SELECT '/api/issues/' || id FROM public.issues ORDER BY random() LIMIT 20000" \
  >"$WORK/get-paths.txt"
"${PSQL[@]}" -d cpdb -At -c "SELECT '/api/companies/' || id || '/issues?limit=50&status=todo' FROM public.companies
  WHERE issue_prefix LIKE 'BENCH%'" >"$WORK/list-paths.txt"
# The ceiling of HTTP plus this load generator on this machine, without any database work.
echo "/q/health/live" >"$WORK/ceiling-paths.txt"

echo "== starting PgBouncer (transaction mode, $BOUNCER_POOL server connections) on 127.0.0.1:$BOUNCER_PORT"
cat >"$WORK/pgbouncer.ini" <<INI
[databases]
cpdb = host=127.0.0.1 port=$PG_PORT dbname=cpdb
pgbench = host=127.0.0.1 port=$PG_PORT dbname=pgbench

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $BOUNCER_PORT
unix_socket_dir =
auth_type = scram-sha-256
auth_file = $WORK/userlist.txt
pool_mode = transaction
default_pool_size = $BOUNCER_POOL
max_client_conn = 1000
ignore_startup_parameters = extra_float_digits
INI
printf '"cpdb" "%s"\n' "$PGPASSWORD" >"$WORK/userlist.txt"
chmod 600 "$WORK/userlist.txt"
if [ "$(id -u)" -eq 0 ]; then
  # PgBouncer refuses to run as root; the embedded server's user runs it.
  chown cpdb "$WORK/userlist.txt" "$WORK/pgbouncer.ini"
  runuser -u cpdb -- "$PGBOUNCER" "$WORK/pgbouncer.ini" >"$WORK/pgbouncer.log" 2>&1 &
else
  "$PGBOUNCER" "$WORK/pgbouncer.ini" >"$WORK/pgbouncer.log" 2>&1 &
fi
PIDS+=($!)
sleep 1

echo "== starting a second cpdb through PgBouncer, HTTP $HTTP_POOLED"
DATABASE_URL="postgres://cpdb:$PGPASSWORD@127.0.0.1:$BOUNCER_PORT/cpdb?sslmode=disable" \
  DATABASE_MIGRATION_URL="postgres://cpdb:$PGPASSWORD@127.0.0.1:$PG_PORT/cpdb?sslmode=disable" \
  CPDB_POOLER=transaction CPDB_HOME="$WORK/home-pooled" QUARKUS_HTTP_PORT=$HTTP_POOLED CPDB_ADMIN_TOKEN=$TOKEN \
  CPDB_BACKUP_ENABLED=false \
  CPDB_SECRETS_MASTER_KEY=$MASTER_KEY env ${POOLED_ENV:-} java -jar "$JAR" >"$WORK/pooled.log" 2>&1 &
PIDS+=($!)
wait_ready "$HTTP_POOLED" "$WORK/pooled.log"

# The same pool size as the first cpdb's default: the two differ only in the pooler settings.
echo "== starting a third cpdb straight to PostgreSQL with the transaction-pooler settings, HTTP $HTTP_SAFE"
DIRECT_URL="postgres://cpdb:$PGPASSWORD@127.0.0.1:$PG_PORT/cpdb?sslmode=disable"
DATABASE_URL="$DIRECT_URL" DATABASE_MIGRATION_URL="$DIRECT_URL" CPDB_POOLER=transaction DATABASE_POOL_MAX=10 \
  CPDB_HOME="$WORK/home-safe" QUARKUS_HTTP_PORT=$HTTP_SAFE CPDB_ADMIN_TOKEN=$TOKEN CPDB_BACKUP_ENABLED=false \
  CPDB_SECRETS_MASTER_KEY=$MASTER_KEY env ${SAFE_ENV:-} java -jar "$JAR" >"$WORK/safe.log" 2>&1 &
PIDS+=($!)
wait_ready "$HTTP_SAFE" "$WORK/safe.log"

RESULTS="$WORK/results.txt"
# Whose CPU the per-request figures count: each cpdb by its HTTP port, the embedded server's postmaster (its backends
# and the ones it has reaped are counted with it) and PgBouncer (with the runuser that starts it as root).
declare -A CPDB_PID=([$HTTP_DIRECT]=${PIDS[0]} [$HTTP_POOLED]=${PIDS[2]} [$HTTP_SAFE]=${PIDS[3]})
POSTMASTER_PID=$(head -1 "$(find "$WORK/home" -name postmaster.pid | head -1)")
BOUNCER_PID=${PIDS[1]}
# The JDK generator's own ceiling on two cores is far below what these endpoints serve, so it is used only when asked
# for: ratios taken with it measure the generator (docs/benchmarks.md, runtime API).
LOADGEN=${LOADGEN:-wrk}
if [ "$LOADGEN" = wrk ] && ! command -v wrk >/dev/null; then
  echo "wrk is not installed (Debian: apt-get install wrk); set LOADGEN=java to measure with the JDK generator anyway" >&2
  exit 2
fi
generate() { # port paths seconds
  if [ "$LOADGEN" = wrk ]; then
    # one wrk thread: it keeps up with this concurrency and leaves the other core to the service
    wrk -t1 -c "$CONCURRENCY" -d "${3}s" -s bench/wrk-paths.lua "http://127.0.0.1:$1" -- "$TOKEN" "$2" | tail -1
  else
    java bench/LoadGenerator.java "http://127.0.0.1:$1" "$TOKEN" "$2" "$CONCURRENCY" "$3" "$MAX_REQUESTS"
  fi
}
# CPU per request of each part (cpdb, PostgreSQL, PgBouncer, the whole machine), in microseconds: the parts share two
# cores, so these figures say which part bounds a rate.
cpu_now() { # cpdb-pid: prints the CPU seconds so far of cpdb, PostgreSQL, PgBouncer and the machine
  echo "$(python3 bench/process-cpu.py --alone ${1:-0}) $(python3 bench/process-cpu.py "$POSTMASTER_PID")" \
    "$(python3 bench/process-cpu.py "$BOUNCER_PID") $(python3 bench/process-cpu.py machine)"
}
cpu_per_request() { # before after requests
  python3 - "$1" "$2" "$3" <<'PY'
import sys
before, after, requests = sys.argv[1].split(), sys.argv[2].split(), float(sys.argv[3])
names = ["cpu_cpdb_us", "cpu_pg_us", "cpu_bouncer_us", "cpu_machine_us"]
print(" ".join(f"{name}={(float(a) - float(b)) * 1e6 / requests:.0f}" if requests else f"{name}=-"
               for name, b, a in zip(names, before, after)))
PY
}
load() { # name port paths
  wanted "$1" || return 0
  generate "$2" "$3" "$WARMUP_SECONDS" >/dev/null
  local line before
  before=$(cpu_now "${CPDB_PID[$2]}")
  line=$(generate "$2" "$3" "$SECONDS_PER_RUN")
  echo "$1 $line $(cpu_per_request "$before" "$(cpu_now "${CPDB_PID[$2]}")" \
    "$(echo "$line" | sed -n 's/.*requests=\([0-9]*\).*/\1/p')")" | tee -a "$RESULTS"
}
wanted() { [[ " $RUNS " == *" $1 "* ]]; }
pgb() { # name port
  wanted "$1" || return 0
  local out tps latency transactions before
  before=$(cpu_now)
  out=$(pgbench -S -n -c "$CONCURRENCY" -j 2 -T "$SECONDS_PER_RUN" -h 127.0.0.1 -p "$2" -U cpdb pgbench 2>&1)
  tps=$(echo "$out" | sed -n 's/^tps = \([0-9.]*\) .*/\1/p' | tail -1)
  latency=$(echo "$out" | sed -n 's/^latency average = \([0-9.]*\) ms/\1/p')
  transactions=$(echo "$out" | sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p')
  echo "$1 requests=$transactions errors=0 rps=${tps%.*} p50_ms=- p99_ms=- avg_ms=$latency" \
    "$(cpu_per_request "$before" "$(cpu_now)" "$transactions")" | tee -a "$RESULTS"
}

echo "== measuring: $ROUNDS rounds, $CONCURRENCY concurrent clients, $SECONDS_PER_RUN s per run (after $WARMUP_SECONDS s warm-up), load generator $LOADGEN"
for round in $(seq 1 "$ROUNDS"); do
  echo "-- round $round of $ROUNDS"
  pgb pgbench-S-direct "$PG_PORT"
  pgb pgbench-S-pgbouncer "$BOUNCER_PORT"
  load http-ceiling "$HTTP_DIRECT" "$WORK/ceiling-paths.txt"
  for endpoint in get list; do
    load "$endpoint-direct" "$HTTP_DIRECT" "$WORK/$endpoint-paths.txt"
    load "$endpoint-safe-direct" "$HTTP_SAFE" "$WORK/$endpoint-paths.txt"
    load "$endpoint-pgbouncer" "$HTTP_POOLED" "$WORK/$endpoint-paths.txt"
  done
done

# stats RUN KEY [STATISTIC]: median/spread (max - min) over the rounds by default, see run-stats.py.
stats() { python3 bench/run-stats.py "$RESULTS" "$@"; }
median() { stats "$1" "$2" median; }
ratio() { python3 -c "a, b = '$1', '$2'; print(f'{float(a) / float(b):.2f}' if a and b and a != 'n/a' and b != 'n/a' and float(b) else 'n/a')"; }
rps_ratio() { ratio "$(median "$1" rps)" "$(median "$2" rps)"; }
echo
echo "== summary ($(date -u +%Y-%m-%dT%H:%MZ)): median/spread (max - min) of $ROUNDS rounds"
printf '%-22s %16s %12s %12s %8s\n' run req/s p50_ms p99_ms errors
for run in $RUNS; do
  printf '%-22s %16s %12s %12s %8s\n' "$run" "$(stats "$run" rps)" "$(stats "$run" p50_ms)" \
    "$(stats "$run" p99_ms)" "$(stats "$run" errors sum)"
done
echo
echo "pooler-safe settings on the direct connection / statement cache (medians; target >= 0.90):"
echo "  get  safe / extended-cached = $(rps_ratio get-safe-direct get-direct)"
echo "  list safe / extended-cached = $(rps_ratio list-safe-direct list-direct)"
echo "through PgBouncer (medians):"
echo "  get  / pgbench -S through PgBouncer = $(rps_ratio get-pgbouncer pgbench-S-pgbouncer) (target >= 0.50)"
echo "  list / pgbench -S through PgBouncer = $(rps_ratio list-pgbouncer pgbench-S-pgbouncer)"
echo "  list p99 $(median list-pgbouncer p99_ms) ms (target < 50), get p99 $(median get-pgbouncer p99_ms) ms"
echo "  errors: get $(stats get-pgbouncer errors sum), list $(stats list-pgbouncer errors sum) (target 0)"
echo "get direct / pgbench -S direct = $(rps_ratio get-direct pgbench-S-direct)"
echo
echo "CPU per request in microseconds (medians): whose work bounds each rate on $(nproc) shared cores"
printf '%-22s %8s %8s %8s %9s %14s\n' run cpdb postgres bouncer machine machine-bound
for run in $RUNS; do
  machine=$(median "$run" cpu_machine_us)
  printf '%-22s %8s %8s %8s %9s %14s\n' "$run" "$(median "$run" cpu_cpdb_us)" "$(median "$run" cpu_pg_us)" \
    "$(median "$run" cpu_bouncer_us)" "$machine" \
    "$(python3 -c "m = '$machine'; print(f'{$(nproc) * 1e6 / float(m):.0f} req/s' if m != 'n/a' and float(m) else 'n/a')")"
done
echo "machine-bound: the rate at which this machine's cores would all be busy at the measured CPU per request"
echo "http-ceiling is /q/health/live (no database): what HTTP and this load generator ($LOADGEN) reach on this machine"
echo "load: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores (other work on the machine skews every number)"
