#!/usr/bin/env bash
# Backup and restore benchmark: cpdb against pg_dump/pg_restore/psql on the same PostgreSQL 15 server.
#
# Builds a mixed dataset of about BENCH_SIZE_MB (default 1024) MB on a throw-away PostgreSQL 15 server listening on
# 127.0.0.1 only, then times, one after the other:
#   cpdb backup (zstd), pg_dump -Fc, pg_dump -Fp | zstd;
#   cpdb restore, pg_restore (of the -Fc dump), psql (of the plain dump)
# and prints wall time, CPU time, peak RSS, output size and the ratios. Nothing is asserted: these are numbers.
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
JAR=target/quarkus-app/quarkus-run.jar
# The JVM flags an operator would use for a command-line backup: a small heap is enough because rows stream.
CPDB_JAVA_OPTS=${CPDB_JAVA_OPTS:--Xmx128m -XX:+UseSerialGC}

. bench/dataset.sh

[ -f "$JAR" ] || { echo "missing $JAR: run ./mvnw -B package -DskipTests" >&2; exit 1; }
for tool in "$PGBIN/pg_dump" "$PGBIN/pg_restore" "$PGBIN/psql" /usr/bin/time zstd; do
  command -v "$tool" >/dev/null || { echo "missing $tool" >&2; exit 1; }
done

cleanup() {
  stop_postgres
  rm -rf "$WORK"
}
trap cleanup EXIT

start_postgres
build_dataset

# run NAME COMMAND...: runs a command under GNU time, records wall seconds, CPU seconds and peak RSS (KiB).
declare -A WALL CPU RSS SIZE
run() {
  local name=$1; shift
  sync; echo 3 > /proc/sys/vm/drop_caches 2>/dev/null || true
  /usr/bin/time -f "%e %U %S %M" -o "$WORK/time.$name" "$@"
  read -r wall user sys rss < "$WORK/time.$name"
  WALL[$name]=$wall; CPU[$name]=$(echo "$user + $sys" | bc); RSS[$name]=$rss
}

echo "== backups"
mkdir -p "$WORK/cpdb-backups"
run cpdb_backup env DATABASE_URL="$(url bench)" java $CPDB_JAVA_OPTS -jar "$JAR" backup \
  --target "$WORK/cpdb-backups" --compression zstd >/dev/null
SIZE[cpdb_backup]=$(du -cb "$WORK"/cpdb-backups/*/data.sql.zst | tail -1 | cut -f1)
run pg_dump_fc "$PGBIN/pg_dump" -Fc -d bench -f "$WORK/dump.fc"
SIZE[pg_dump_fc]=$(stat -c %s "$WORK/dump.fc")
run pg_dump_fp_zstd sh -c "'$PGBIN/pg_dump' -Fp -d bench | zstd -q -3 -o '$WORK/dump.sql.zst'"
SIZE[pg_dump_fp_zstd]=$(stat -c %s "$WORK/dump.sql.zst")

echo "== restores"
BACKUP_ID=$(ls "$WORK/cpdb-backups")
psql_q -d postgres -c "CREATE DATABASE r_cpdb" -c "CREATE DATABASE r_pgrestore" -c "CREATE DATABASE r_psql"
run cpdb_restore java $CPDB_JAVA_OPTS -jar "$JAR" restore "$WORK/cpdb-backups/$BACKUP_ID" \
  --target-url "$(url r_cpdb)" >/dev/null
run pg_restore "$PGBIN/pg_restore" --single-transaction -d r_pgrestore "$WORK/dump.fc"
run psql_restore sh -c "zstd -dc '$WORK/dump.sql.zst' | '$PGBIN/psql' -X -q -v ON_ERROR_STOP=1 --single-transaction -d r_psql >/dev/null"

echo
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB RAM, $(uname -sr); PostgreSQL 15 (same host)"
echo "dataset: $(( DB_BYTES / 1024 / 1024 )) MB on disk; cpdb JVM flags: $CPDB_JAVA_OPTS"
printf "%-18s %10s %10s %12s %14s\n" step wall_s cpu_s peak_rss_MiB output_MiB
for step in cpdb_backup pg_dump_fc pg_dump_fp_zstd cpdb_restore pg_restore psql_restore; do
  out=${SIZE[$step]:-}
  printf "%-18s %10s %10s %12d %14s\n" "$step" "${WALL[$step]}" "${CPU[$step]}" $(( ${RSS[$step]} / 1024 )) \
    "$( [ -n "$out" ] && echo $(( out / 1024 / 1024 )) || echo -)"
done
ratio() { echo "scale=2; $1 / $2" | bc; }
echo
echo "cpdb backup wall / pg_dump -Fc:          $(ratio "${WALL[cpdb_backup]}" "${WALL[pg_dump_fc]}")   (target <= 0.5)"
echo "cpdb backup wall / pg_dump -Fp | zstd:   $(ratio "${WALL[cpdb_backup]}" "${WALL[pg_dump_fp_zstd]}")   (target <= 1.0)"
echo "cpdb backup size / pg_dump -Fc size:     $(ratio "${SIZE[cpdb_backup]}" "${SIZE[pg_dump_fc]}")   (target <= 1.1)"
echo "cpdb peak RSS (MiB):                     $(( ${RSS[cpdb_backup]} / 1024 ))   (target <= 256)"
echo "cpdb restore wall / psql:                $(ratio "${WALL[cpdb_restore]}" "${WALL[psql_restore]}")   (target <= 1.0)"
echo "cpdb restore wall / pg_restore:          $(ratio "${WALL[cpdb_restore]}" "${WALL[pg_restore]}")"
