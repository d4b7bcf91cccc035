#!/usr/bin/env bash
# Scale benchmark: does a cpdb backup and restore keep its memory flat and its time per GB steady as the database
# grows? For each size in SIZES (MB of generated data, default "1024 4096 10240"), one throw-away PostgreSQL 15 server
# on 127.0.0.1 gets the mixed dataset of bench/dataset.sh at that size; then `cpdb backup` (zstd, 1 job, to a folder)
# and `cpdb restore` (into an empty database) run ROUNDS times (default 2) under GNU time, after dropping the page
# cache. Prints, per size, the median wall time, CPU time and peak RSS of each step and the wall time per GB of the
# database, and at the end how RSS and time per GB moved from the smallest size to each larger one (the issue's
# bounds: RSS within ±10 %, time per GB up by at most 10 %). With REFERENCE=1 (the default) each round also times
# `pg_dump -Fp | zstd -3` and `psql --single-transaction` of that dump at the same size, so that a change in time per
# GB can be told apart from the server's and the disk's own. Nothing is asserted: these are numbers.
#
# The 10 GB size needs about 35 GB of free disk (database, backup, restored copy, WAL) and takes a while to build;
# SIZES="1024 4096" is a quicker run. cpdb runs through bin/cpdb with CPDB_JAVA_OPTS (default -Xmx128m).
#
# Needs: target/quarkus-app (./mvnw -B package -DskipTests), target/test-postgres/postgres-15.jar
# (./mvnw -B generate-test-resources), Debian's postgresql-client-15 and GNU time (/usr/bin/time).
# Usage: bench/scale.sh            (from the project root)
set -euo pipefail
cd "$(dirname "$0")/.."

SIZES=${SIZES:-1024 4096 10240}
ROUNDS=${ROUNDS:-2}
REFERENCE=${REFERENCE:-1}
PORT=${BENCH_PORT:-55433}
WORK=$(mktemp -d /tmp/cpdb-bench-scale.XXXXXX)
chmod 755 "$WORK"
JAR=target/quarkus-app/quarkus-run.jar
export CPDB_JAVA_OPTS=${CPDB_JAVA_OPTS:--Xmx128m}
SIZE_MB=0

# shellcheck source=bench/dataset.sh
. bench/dataset.sh

[ -f "$JAR" ] || { echo "missing $JAR: run ./mvnw -B package -DskipTests" >&2; exit 1; }
require "$PGBIN/psql" "$PGBIN/pg_dump" zstd /usr/bin/time bc
clean_up_on_exit

# timed COMMAND...: runs a command under GNU time with a cold page cache and sets wall, cpu and rss (KiB); a command
# that fails stops the script.
timed() {
  sync; echo 3 > /proc/sys/vm/drop_caches 2>/dev/null || true
  /usr/bin/time -f "%e %U %S %M" -o "$WORK/time" "$@" >/dev/null
  local user sys
  read -r wall user sys rss < "$WORK/time"
  cpu=$(echo "$user + $sys" | bc)
}
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
spread() { printf '%s\n' "$@" | sort -g | awk 'NR == 1 { lo = $1 } { hi = $1 } END { print hi - lo }'; }

start_postgres
RESULTS=$WORK/results.txt
for size in $SIZES; do
  SIZE_MB=$size
  psql_q -d postgres -c "DROP DATABASE IF EXISTS bench"
  build_dataset
  gb=$(echo "scale=3; $DB_BYTES / 1024 / 1024 / 1024" | bc)
  for round in $(seq 1 "$ROUNDS"); do
    rm -rf "$WORK/backups"
    mkdir "$WORK/backups"
    timed env DATABASE_URL="$(url bench)" bin/cpdb backup --target "$WORK/backups" --compression zstd --jobs 1
    echo "$size $gb backup $wall $cpu $rss" | tee -a "$RESULTS"
    psql_q -d postgres -c "DROP DATABASE IF EXISTS r_scale" -c "CREATE DATABASE r_scale" -c CHECKPOINT
    timed bin/cpdb restore "$WORK/backups/$(ls "$WORK/backups")" --target-url "$(url r_scale)"
    echo "$size $gb restore $wall $cpu $rss" | tee -a "$RESULTS"
    if [ "$REFERENCE" = 1 ]; then
      timed sh -c "'$PGBIN/pg_dump' -Fp -d bench | zstd -q -f -3 -o '$WORK/dump.sql.zst'"
      echo "$size $gb pg_dump_zstd $wall $cpu $rss" | tee -a "$RESULTS"
      psql_q -d postgres -c "DROP DATABASE IF EXISTS r_scale" -c "CREATE DATABASE r_scale" -c CHECKPOINT
      timed sh -c "zstd -dc '$WORK/dump.sql.zst' | '$PGBIN/psql' -X -q -v ON_ERROR_STOP=1 --single-transaction -d r_scale"
      echo "$size $gb psql_restore $wall $cpu $rss" | tee -a "$RESULTS"
      rm -f "$WORK/dump.sql.zst"
    fi
  done
  psql_q -d postgres -c "DROP DATABASE IF EXISTS r_scale" -c CHECKPOINT
done

echo
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB RAM, $(uname -sr); PostgreSQL 15 (same host)"
echo "$ROUNDS rounds per size, medians (spread = max - min); cpdb: bin/cpdb, CPDB_JAVA_OPTS=$CPDB_JAVA_OPTS"
printf "%-8s %-8s %12s %10s %8s %8s %12s %10s\n" size_MB db_GB step wall_s spread cpu_s peak_RSS_MiB s_per_GB
STEPS="backup restore"
[ "$REFERENCE" = 1 ] && STEPS="$STEPS pg_dump_zstd psql_restore"
declare -A PER_GB PEAK
for size in $SIZES; do
  for step in $STEPS; do
    mapfile -t rows < <(awk -v s="$size" -v t="$step" '$1 == s && $3 == t' "$RESULTS")
    walls=(); cpus=(); rsss=()
    for row in "${rows[@]}"; do
      read -r _ gb _ wall cpu rss <<<"$row"
      walls+=("$wall"); cpus+=("$cpu"); rsss+=("$rss")
    done
    w=$(median "${walls[@]}"); c=$(median "${cpus[@]}"); r=$(( $(median "${rsss[@]}") / 1024 ))
    PER_GB[$size.$step]=$(echo "scale=2; $w / $gb" | bc); PEAK[$size.$step]=$r
    printf "%-8s %-8s %12s %10s %8s %8s %12s %10s\n" "$size" "$gb" "$step" "$w" "$(spread "${walls[@]}")" "$c" "$r" \
      "${PER_GB[$size.$step]}"
  done
done
first=${SIZES%% *}
echo
for size in $SIZES; do
  [ "$size" = "$first" ] && continue
  for step in $STEPS; do
    echo "$step at $size MB against $first MB: peak RSS $(echo "scale=1; 100 * ${PEAK[$size.$step]} / ${PEAK[$first.$step]} - 100" | bc) %" \
      "(bound ±10 %), time per GB $(echo "scale=1; 100 * ${PER_GB[$size.$step]} / ${PER_GB[$first.$step]} - 100" | bc) % (bound +10 %)"
  done
done
