#!/usr/bin/env bash
# What the checking pass costs a restore: a restore reads the data object twice, first to compare its size and
# SHA-256 with the manifest and to check every statement against the script grammar (nothing runs yet), then to run
# it. This script builds the dataset of dataset.sh (BENCH_SIZE_MB, default 256), takes one cpdb backup (zstd), and
# BENCH_RUNS times (default 5) times
#   the checking pass alone (bench/RestoreCheck.java, the engine's own code on the same file, in one JVM), and
#   a whole `cpdb restore` into a fresh database (both passes, the command's start-up included),
# then prints the median and spread (max - min) of each and the share of the checking pass in the restore.
# Nothing is asserted. The page cache is not dropped: the second pass of a restore reads a warm cache too.
#
# Needs the build (./mvnw -B package -DskipTests), target/test-postgres/postgres-15.jar, Debian's
# postgresql-client-15 and a JDK (javac).
# Usage: bench/restore-check.sh   (from the project root)
set -euo pipefail
cd "$(dirname "$0")/.."

SIZE_MB=${BENCH_SIZE_MB:-256}
PORT=${BENCH_PORT:-55435}
RUNS=${BENCH_RUNS:-5}
WORK=$(mktemp -d /tmp/cpdb-bench-check.XXXXXX)
chmod 755 "$WORK"
export CPDB_JAVA_OPTS=${CPDB_JAVA_OPTS:--Xmx128m}
CLASSPATH_APP='target/quarkus-app/app/*:target/quarkus-app/lib/main/*'

. bench/dataset.sh

[ -d target/quarkus-app ] || { echo "missing target/quarkus-app: run ./mvnw -B package -DskipTests" >&2; exit 1; }
require "$PGBIN/psql" javac

clean_up_on_exit

start_postgres
psql_q -d postgres -c "CREATE DATABASE bench"
build_dataset

javac -nowarn -d "$WORK/classes" -cp "$CLASSPATH_APP" bench/RestoreCheck.java
echo "== backup"
DATABASE_URL="$(url bench)" CPDB_HOME="$WORK/home" bin/cpdb backup --target "$WORK/backups" --compression zstd >/dev/null
BACKUP_DIR=$(find "$WORK/backups" -mindepth 1 -maxdepth 1 -type d | head -1)
DATA="$BACKUP_DIR/data.sql.zst"

echo "== checking pass, $RUNS rounds"
java $CPDB_JAVA_OPTS -cp "$WORK/classes:$CLASSPATH_APP" RestoreCheck "$DATA" zstd "$RUNS" | tee "$WORK/check.txt"

echo "== whole restores, $RUNS rounds"
RESTORES=()
for round in $(seq 1 "$RUNS"); do
  psql_q -d postgres -c "DROP DATABASE IF EXISTS r_cpdb" -c "CREATE DATABASE r_cpdb"
  psql_q -d postgres -c CHECKPOINT
  start=$(date +%s.%N)
  DATABASE_URL="$(url bench)" CPDB_HOME="$WORK/home" bin/cpdb restore "$BACKUP_DIR" --target-url "$(url r_cpdb)" >/dev/null
  end=$(date +%s.%N)
  RESTORES+=("$(echo "$end - $start" | bc)")
  echo "round $round: ${RESTORES[-1]} s"
done

sorted=$(printf '%s\n' "${RESTORES[@]}" | sort -g)
median=$(echo "$sorted" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
spread=$(echo "$sorted" | awk 'NR == 1 { min = $1 } { max = $1 } END { printf "%.2f", max - min }')
check=$(sed -n 's/^check pass: median \([0-9.]*\) s.*/\1/p' "$WORK/check.txt")
echo
echo "dataset: $(( DB_BYTES / 1024 / 1024 )) MB on disk, backup $(( $(stat -c %s "$DATA") / 1024 / 1024 )) MB (zstd); $RUNS rounds"
grep '^check pass' "$WORK/check.txt"
printf 'cpdb restore (both passes): median %.2f s, spread %s s\n' "$median" "$spread"
printf 'checking pass / whole restore: %.2f\n' "$(echo "$check / $median" | bc -l)"
