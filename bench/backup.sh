#!/usr/bin/env bash
# Backup and restore benchmark: cpdb against pg_dump/pg_restore/psql on the same PostgreSQL 15 server.
#
# Builds a mixed dataset of about BENCH_SIZE_MB (default 1024) MB on a throw-away PostgreSQL 15 server listening on
# 127.0.0.1 only, then times, one after the other:
#   cpdb backup (zstd, 1 job), cpdb backup (zstd, BENCH_JOBS jobs, default 2), a backup by the running cpdb service
#   (POST /api/db/backups, 1 job: no JVM start-up), pg_dump -Fc, pg_dump -Fp | zstd;
#   cpdb restore, pg_restore (of the -Fc dump), psql (of the plain dump)
# BENCH_RUNS times (default 3), and prints the median wall time, CPU time, peak RSS and output size of each step and
# the ratios of the medians. Nothing is asserted: these are numbers. cpdb runs through bin/cpdb, as an operator would
# run a command, with the JVM options in CPDB_JAVA_OPTS (default -Xmx128m).
#
# Needs: target/quarkus-app (./mvnw -B package -DskipTests), target/test-postgres/postgres-15.jar
# (./mvnw -B generate-test-resources), Debian's postgresql-client-15, zstd and GNU time (/usr/bin/time).
# Usage: bench/backup.sh            (from the project root; BENCH_SIZE_MB=200 for a quick run)
set -euo pipefail
cd "$(dirname "$0")/.."

SIZE_MB=${BENCH_SIZE_MB:-1024}
PORT=${BENCH_PORT:-55432}
WORK=$(mktemp -d /tmp/cpdb-bench.XXXXXX)
chmod 755 "$WORK"
RUNS=${BENCH_RUNS:-3}
JOBS=${BENCH_JOBS:-2}
JAR=target/quarkus-app/quarkus-run.jar
# A small heap is enough because rows stream; bin/cpdb adds its command settings (C1 only, serial collector,
# class-data archive).
export CPDB_JAVA_OPTS=${CPDB_JAVA_OPTS:--Xmx128m}

. bench/dataset.sh

[ -f "$JAR" ] || { echo "missing $JAR: run ./mvnw -B package -DskipTests" >&2; exit 1; }
require "$PGBIN/pg_dump" "$PGBIN/pg_restore" "$PGBIN/psql" /usr/bin/time zstd curl

SERVICE_PID=
cleanup() {
  [ -n "$SERVICE_PID" ] && kill "$SERVICE_PID" 2>/dev/null && wait "$SERVICE_PID" 2>/dev/null || true
  stop_postgres
  rm -rf "$WORK"
}
trap cleanup EXIT

start_postgres

# The service that owns the bench database, for backups through its HTTP API. It migrates its own (small) tables into
# the still empty database (it refuses to adopt a non-empty one), then the dataset is loaded next to them, so every
# tool dumps the same database.
psql_q -d postgres -c "CREATE DATABASE bench"
SERVICE_PORT=$(( PORT + 1000 ))
TOKEN=bench-admin-token-$RANDOM$RANDOM
echo "== starting the cpdb service on 127.0.0.1:$SERVICE_PORT"
env DATABASE_URL="$(url bench)" CPDB_HOME="$WORK/service-home" CPDB_ADMIN_TOKEN="$TOKEN" \
  CPDB_SECRETS_MASTER_KEY="$(head -c 32 /dev/urandom | base64)" \
  CPDB_BACKUP_TARGET="$WORK/service-backups" CPDB_BACKUP_ENABLED=false CPDB_BACKUP_VERIFY_SCHEDULE=off \
  CPDB_BACKUP_RETENTION_ENABLED=false QUARKUS_HTTP_HOST=127.0.0.1 QUARKUS_HTTP_PORT="$SERVICE_PORT" \
  CPDB_JAVA_OPTS="-Xmx256m" bin/cpdb >"$WORK/service.log" 2>&1 &
SERVICE_PID=$!
for _ in $(seq 1 120); do
  curl -fsS "http://127.0.0.1:$SERVICE_PORT/q/health/ready" >/dev/null 2>&1 && break
  kill -0 "$SERVICE_PID" 2>/dev/null || { echo "the service stopped; see $WORK/service.log" >&2; cat "$WORK/service.log" >&2; exit 1; }
  sleep 0.5
done
build_dataset
psql_q -d bench -c CHECKPOINT

# api_backup: starts a backup through the service's API and waits until it is committed (polled every 50 ms).
api_backup() {
  local id status
  id=$(curl -fsS -X POST -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$SERVICE_PORT/api/db/backups" \
    | sed -n 's/.*"backupId":"\([^"]*\)".*/\1/p')
  [ -n "$id" ] || { echo "the service did not start a backup" >&2; return 1; }
  while :; do
    status=$(curl -fsS -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$SERVICE_PORT/api/db/backups/$id" \
      | sed -n 's/^{"backupId":"[^"]*","status":"\([a-z]*\)".*/\1/p')
    case "$status" in
      committed) return 0 ;;
      running|"") sleep 0.05 ;;
      *) echo "backup $id ended as $status" >&2; return 1 ;;
    esac
  done
}
export -f api_backup
export TOKEN SERVICE_PORT

# run NAME COMMAND...: runs a command under GNU time (after dropping the page cache, so every step reads from disk)
# and appends its wall seconds, CPU seconds and peak RSS (KiB) to the step's samples.
declare -A WALL CPU RSS SIZE
run() {
  local name=$1; shift
  sync; echo 3 > /proc/sys/vm/drop_caches 2>/dev/null || true
  /usr/bin/time -f "%e %U %S %M" -o "$WORK/time.$name" "$@"
  read -r wall user sys rss < "$WORK/time.$name"
  WALL[$name]+="$wall "; CPU[$name]+="$(echo "$user + $sys" | bc) "; RSS[$name]+="$rss "
}
# median VALUES...: the middle value (the lower middle for an even count).
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
STEPS="cpdb_backup cpdb_backup_jobs cpdb_service_backup pg_dump_fc pg_dump_fp_zstd cpdb_restore pg_restore psql_restore"

for round in $(seq 1 "$RUNS"); do
  echo "== round $round of $RUNS: backups"
  rm -rf "$WORK/cpdb-backups" "$WORK/cpdb-backups-jobs"
  mkdir -p "$WORK/cpdb-backups" "$WORK/cpdb-backups-jobs"
  run cpdb_backup env DATABASE_URL="$(url bench)" bin/cpdb backup --target "$WORK/cpdb-backups" \
    --compression zstd --jobs 1 >/dev/null
  SIZE[cpdb_backup]=$(du -cb "$WORK"/cpdb-backups/*/data.sql.zst | tail -1 | cut -f1)
  run cpdb_backup_jobs env DATABASE_URL="$(url bench)" bin/cpdb backup --target "$WORK/cpdb-backups-jobs" \
    --compression zstd --jobs "$JOBS" >/dev/null
  SIZE[cpdb_backup_jobs]=$(du -cb "$WORK"/cpdb-backups-jobs/*/data.sql.zst | tail -1 | cut -f1)
  run cpdb_service_backup bash -c api_backup
  SIZE[cpdb_service_backup]=$(ls -t "$WORK"/service-backups/*/data.sql.zst | head -1 | xargs stat -c %s)
  run pg_dump_fc "$PGBIN/pg_dump" -Fc -d bench -f "$WORK/dump.fc"
  SIZE[pg_dump_fc]=$(stat -c %s "$WORK/dump.fc")
  run pg_dump_fp_zstd sh -c "'$PGBIN/pg_dump' -Fp -d bench | zstd -q -f -3 -o '$WORK/dump.sql.zst'"
  SIZE[pg_dump_fp_zstd]=$(stat -c %s "$WORK/dump.sql.zst")

  echo "== round $round of $RUNS: restores"
  BACKUP_ID=$(ls "$WORK/cpdb-backups")
  psql_q -d postgres -c "DROP DATABASE IF EXISTS r_cpdb" -c "DROP DATABASE IF EXISTS r_pgrestore" \
    -c "DROP DATABASE IF EXISTS r_psql" \
    -c "CREATE DATABASE r_cpdb" -c "CREATE DATABASE r_pgrestore" -c "CREATE DATABASE r_psql"
  psql_q -d postgres -c CHECKPOINT
  run cpdb_restore bin/cpdb restore "$WORK/cpdb-backups/$BACKUP_ID" --target-url "$(url r_cpdb)" >/dev/null
  psql_q -d postgres -c CHECKPOINT
  run pg_restore "$PGBIN/pg_restore" --single-transaction -d r_pgrestore "$WORK/dump.fc"
  psql_q -d postgres -c CHECKPOINT
  run psql_restore sh -c "zstd -dc '$WORK/dump.sql.zst' | '$PGBIN/psql' -X -q -v ON_ERROR_STOP=1 --single-transaction -d r_psql >/dev/null"
done

declare -A MWALL MCPU MRSS
for step in $STEPS; do
  # shellcheck disable=SC2086 # the samples are space-separated on purpose
  MWALL[$step]=$(median ${WALL[$step]}); MCPU[$step]=$(median ${CPU[$step]}); MRSS[$step]=$(median ${RSS[$step]})
done

echo
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB RAM, $(uname -sr); PostgreSQL 15 (same host)"
echo "dataset: $(( DB_BYTES / 1024 / 1024 )) MB on disk; $RUNS rounds, medians; cpdb: bin/cpdb, CPDB_JAVA_OPTS=$CPDB_JAVA_OPTS"
printf "%-19s %10s %10s %12s %14s   %s\n" step wall_s cpu_s peak_rss_MiB output_MiB "wall of each round"
for step in $STEPS; do
  out=${SIZE[$step]:-}
  cpu=${MCPU[$step]}; rss=$(( ${MRSS[$step]} / 1024 ))
  # The service's own CPU and memory are not the polling client's.
  [ "$step" = cpdb_service_backup ] && { cpu=-; rss=-; }
  printf "%-19s %10s %10s %12s %14s   %s\n" "$step" "${MWALL[$step]}" "$cpu" "$rss" \
    "$( [ -n "$out" ] && echo $(( out / 1024 / 1024 )) || echo -)" "${WALL[$step]}"
done
ratio() { echo "scale=2; $1 / $2" | bc; }
echo
echo "cpdb backup wall / pg_dump -Fc:                 $(ratio "${MWALL[cpdb_backup]}" "${MWALL[pg_dump_fc]}")   (target <= 0.5)"
echo "cpdb backup $JOBS jobs wall / pg_dump -Fc:         $(ratio "${MWALL[cpdb_backup_jobs]}" "${MWALL[pg_dump_fc]}")   (target <= 0.5)"
echo "cpdb backup wall / pg_dump -Fp | zstd:          $(ratio "${MWALL[cpdb_backup]}" "${MWALL[pg_dump_fp_zstd]}")   (target <= 1.0)"
echo "cpdb backup $JOBS jobs wall / pg_dump -Fp | zstd:  $(ratio "${MWALL[cpdb_backup_jobs]}" "${MWALL[pg_dump_fp_zstd]}")   (target <= 1.0)"
echo "cpdb service backup wall / pg_dump -Fc:         $(ratio "${MWALL[cpdb_service_backup]}" "${MWALL[pg_dump_fc]}")   (target <= 0.5)"
echo "cpdb service backup wall / pg_dump -Fp | zstd:  $(ratio "${MWALL[cpdb_service_backup]}" "${MWALL[pg_dump_fp_zstd]}")   (target <= 1.0)"
echo "cpdb backup size / pg_dump -Fc size:            $(ratio "${SIZE[cpdb_backup]}" "${SIZE[pg_dump_fc]}")   (target <= 1.1)"
echo "cpdb peak RSS (MiB), 1 and $JOBS jobs:             $(( ${MRSS[cpdb_backup]} / 1024 )), $(( ${MRSS[cpdb_backup_jobs]} / 1024 ))   (target <= 256)"
echo "cpdb restore wall / psql:                       $(ratio "${MWALL[cpdb_restore]}" "${MWALL[psql_restore]}")   (target <= 1.0)"
echo "cpdb restore wall / pg_restore:                 $(ratio "${MWALL[cpdb_restore]}" "${MWALL[pg_restore]}")"
