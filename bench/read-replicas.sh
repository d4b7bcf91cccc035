#!/usr/bin/env bash
# Read path benchmark: issue-get and issue-list throughput of one cpdb that reads from the primary only, and of one
# that also has DATABASE_READ_URL pointing at a streaming replica (PostgreSQL 15, cloned with pg_basebackup -R),
# with the share of reads the replica served (cpdb_read_statements_total). Primary, replica and both services share
# this machine, so the comparison shows the read path's own cost, not the capacity a second machine adds.
# Everything runs on 127.0.0.1 in a temporary folder that is removed at the end; every run is bounded in time.
#
# Usage (from the project root, after ./mvnw -B package -DskipTests):
#   bench/read-replicas.sh
# Knobs (environment): ROUNDS (5; each round runs all four measurements, medians and spread are printed at the
#   end), CONCURRENCY (32), SECONDS_PER_RUN (15), WARMUP_SECONDS (5), COMPANIES (20),
#   ISSUES_PER_COMPANY (500), LOADGEN (wrk, the default, or java).
# Needs: java 17, curl, Debian's postgresql-client-15 (psql, pg_basebackup).
set -euo pipefail
cd "$(dirname "$0")/.."

CONCURRENCY=${CONCURRENCY:-32}
ROUNDS=${ROUNDS:-5}
SECONDS_PER_RUN=${SECONDS_PER_RUN:-15}
WARMUP_SECONDS=${WARMUP_SECONDS:-5}
COMPANIES=${COMPANIES:-20}
ISSUES_PER_COMPANY=${ISSUES_PER_COMPANY:-500}
JAR=target/quarkus-app/quarkus-run.jar
[ -f "$JAR" ] || { echo "no $JAR: run ./mvnw -B package -DskipTests first" >&2; exit 2; }

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
WORK=$(mktemp -d /tmp/cpdb-bench-reads.XXXXXX)
chmod 755 "$WORK"
PORT=$(free_port)
REPLICA_PORT=$(free_port)
# shellcheck source=bench/dataset.sh
. bench/dataset.sh
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  [ -f "$WORK/replica/postmaster.pid" ] && "${as_server[@]}" "$WORK/pg/bin/pg_ctl" -D "$WORK/replica" -m fast stop >/dev/null 2>&1 || true
  stop_postgres
  rm -rf "$WORK"
}
trap cleanup EXIT

start_postgres
echo "== cloning a streaming replica with pg_basebackup -R onto 127.0.0.1:$REPLICA_PORT"
mkdir -m 700 "$WORK/replica"
if [ ${#as_server[@]} -gt 0 ]; then chown cpdb:cpdb "$WORK/replica"; fi
"${as_server[@]}" "$PGBIN/pg_basebackup" -h 127.0.0.1 -p "$PORT" -U postgres -D "$WORK/replica" -R -X stream -c fast
"${as_server[@]}" "$WORK/pg/bin/pg_ctl" -D "$WORK/replica" -l "$WORK/replica/server.log" -w \
  -o "-p $REPLICA_PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories=" start >/dev/null
psql_q -d postgres -c "CREATE DATABASE cpdb"

TOKEN=$(head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 40)
MASTER_KEY=$(head -c 32 /dev/urandom | base64)
PRIMARY_URL="postgres://postgres@127.0.0.1:$PORT/cpdb?sslmode=disable"
REPLICA_URL="postgres://postgres@127.0.0.1:$REPLICA_PORT/cpdb?sslmode=disable"
serve() { # name http-port extra-env...
  local name=$1 http=$2
  shift 2
  env DATABASE_URL="$PRIMARY_URL" QUARKUS_HTTP_PORT="$http" CPDB_HOME="$WORK/home-$name" CPDB_ADMIN_TOKEN="$TOKEN" \
    CPDB_SECRETS_MASTER_KEY="$MASTER_KEY" CPDB_BACKUP_ENABLED=false "$@" java -jar "$JAR" >"$WORK/$name.log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 1 120); do
    curl -sf "http://127.0.0.1:$http/q/health/ready" >/dev/null 2>&1 && return 0
    sleep 1
  done
  echo "cpdb $name did not become ready:" >&2
  tail -30 "$WORK/$name.log" >&2
  exit 1
}
HTTP_PRIMARY=$(free_port)
HTTP_REPLICA=$(free_port)
echo "== starting cpdb without and with DATABASE_READ_URL"
serve primary-only "$HTTP_PRIMARY"
serve with-replica "$HTTP_REPLICA" DATABASE_READ_URL="$REPLICA_URL"

echo "== loading $COMPANIES companies x $ISSUES_PER_COMPANY issues on the primary"
psql_q -d cpdb <<SQL
INSERT INTO public.companies (id, name, issue_prefix)
SELECT gen_random_uuid(), 'Read bench ' || c, 'READ' || c FROM generate_series(1, $COMPANIES) AS c;
INSERT INTO public.issues (id, company_id, number, identifier, title, status, priority)
SELECT gen_random_uuid(), co.id, n, co.issue_prefix || '-' || n, 'Issue ' || n, 'todo', 'medium'
  FROM public.companies co, generate_series(1, $ISSUES_PER_COMPANY) AS n WHERE co.issue_prefix LIKE 'READ%';
ANALYZE;
SQL
psql_q -d cpdb -At -c "SELECT '/api/issues/' || id FROM public.issues ORDER BY random() LIMIT 10000" >"$WORK/get.txt"
psql_q -d cpdb -At -c "SELECT '/api/companies/' || id || '/issues?limit=50' FROM public.companies" >"$WORK/list.txt"
sleep 2 # the replica replays the load; the read path sees it fresh at its next check

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
    java bench/LoadGenerator.java "http://127.0.0.1:$1" "$TOKEN" "$2" "$CONCURRENCY" "$3" 1000000
  fi
}
served() { # by
  curl -sf "http://127.0.0.1:$HTTP_REPLICA/q/metrics" \
    | sed -n "s/^cpdb_read_statements_total{.*served_by=\"$1\".*} \([0-9.E]*\)$/\1/p" | head -1
}
echo "== measuring: $ROUNDS rounds of $CONCURRENCY clients, $SECONDS_PER_RUN s per run after $WARMUP_SECONDS s warm-up ($LOADGEN)"
for round in $(seq 1 "$ROUNDS"); do
  for kind in get list; do
    for target in primary-only with-replica; do
      port=$HTTP_PRIMARY
      [ "$target" = with-replica ] && port=$HTTP_REPLICA
      generate "$port" "$WORK/$kind.txt" "$WARMUP_SECONDS" >/dev/null
      before_replica=$(served replica); before_primary=$(served primary)
      line=$(generate "$port" "$WORK/$kind.txt" "$SECONDS_PER_RUN")
      share=""
      if [ "$target" = with-replica ]; then
        share=$(python3 -c "r, p = float('$(served replica)') - float('$before_replica'), float('$(served primary)') - float('$before_primary'); print(f'replica_share={r / (r + p) if r + p else 0:.4f} statements={r + p:.0f}')")
      fi
      echo "round $round $kind-$target $line $share" | tee -a "$WORK/results.txt"
    done
  done
done
echo "== medians over $ROUNDS rounds (spread = max - min)"
python3 - "$WORK/results.txt" <<'PY'
import statistics, sys
runs = {}
for line in open(sys.argv[1]):
    words = line.split()
    fields = dict(w.split("=", 1) for w in words[3:] if "=" in w)
    runs.setdefault(words[2], []).append(fields)
def summary(values):
    return f"{statistics.median(values):.2f} (spread {max(values) - min(values):.2f})"
medians = {}
for name, rounds in runs.items():
    rps = [float(r["rps"]) for r in rounds]
    medians[name] = statistics.median(rps)
    text = (f"{name}: rps {summary(rps)}, p50_ms {summary([float(r['p50_ms']) for r in rounds])}, "
            f"p99_ms {summary([float(r['p99_ms']) for r in rounds])}, errors {sum(int(r['errors']) for r in rounds)}")
    if "replica_share" in rounds[0]:
        text += f", served by the replica {summary([100 * float(r['replica_share']) for r in rounds])} %"
    print(text)
for kind in ("get", "list"):
    print(f"{kind}: with-replica / primary-only = {medians[kind + '-with-replica'] / medians[kind + '-primary-only']:.2f}")
PY
echo "load: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores (primary, replica, both services and the load generator share them)"
