#!/usr/bin/env bash
# S3 backup benchmark: cpdb's streaming backup to an S3 bucket against pg_dump piped into an uploader built on the
# same AWS SDK, on the same PostgreSQL 15 server and the same S3-compatible server.
#
# Builds the dataset of bench/backup.sh (about BENCH_SIZE_MB MB, default 256) on a throw-away PostgreSQL 15 server,
# starts S3Proxy over an in-memory blob store in its own JVM (both on 127.0.0.1 only), then times, one after the other:
#   bin/cpdb backup --target s3://bench/cpdb --compression zstd   (first of an empty database, for the fixed costs)
#   pg_dump -Fc | S3Upload put                 (bench/S3Upload.java: stdin as a multipart upload, nothing on disk)
#   pg_dump -Fp | zstd -3 | S3Upload put
# BENCH_RUNS times (default 3) in interleaved rounds, and prints for each the median wall time, every round's wall
# time, and the median CPU time, peak RSS and bytes written to local disk during the step, and the size and number of
# multipart parts of the object it left in the bucket. Nothing is asserted: these are numbers. cpdb runs through
# bin/cpdb, with the launcher's command settings, as an operator would run it.
#
# Needs: target/quarkus-app and target/bench/test-classpath.txt (./mvnw -B package -DskipTests),
# target/test-postgres/postgres-15.jar (same build), Debian's postgresql-client-15, zstd and GNU time (/usr/bin/time).
# Usage: bench/backup-s3.sh         (from the project root)
# Knobs (environment): BENCH_SIZE_MB (256), BENCH_RUNS (3), BENCH_PORT (55433, PostgreSQL), BENCH_S3_PORT (55434),
#   BENCH_S3_HEAP (2g: the bucket lives in S3Proxy's heap), BENCH_PART_SIZE_MB (8, cpdb's default part size),
#   CPDB_JAVA_OPTS (-Xmx128m -XX:+UseSerialGC -XX:-UsePerfData, for cpdb and the uploader alike; the last flag
#   stops the JVM from keeping its statistics in a file under /tmp, which would count as local disk writes).
set -euo pipefail
cd "$(dirname "$0")/.."

SIZE_MB=${BENCH_SIZE_MB:-256}
RUNS=${BENCH_RUNS:-3}
PORT=${BENCH_PORT:-55433}
S3_PORT=${BENCH_S3_PORT:-55434}
S3_HEAP=${BENCH_S3_HEAP:-2g}
PART_MB=${BENCH_PART_SIZE_MB:-8}
WORK=$(mktemp -d /tmp/cpdb-bench-s3.XXXXXX)
chmod 755 "$WORK"
JAR=target/quarkus-app/quarkus-run.jar
SDK_CLASSPATH='target/quarkus-app/lib/main/*'
TEST_CLASSPATH=target/bench/test-classpath.txt
CPDB_JAVA_OPTS=${CPDB_JAVA_OPTS:--Xmx128m -XX:+UseSerialGC -XX:-UsePerfData}
BUCKET=bench
export AWS_ACCESS_KEY_ID=bench-access-key AWS_SECRET_ACCESS_KEY=bench-secret-key
export BENCH_S3_ENDPOINT=http://127.0.0.1:$S3_PORT

. bench/dataset.sh

[ -f "$JAR" ] || { echo "missing $JAR: run ./mvnw -B package -DskipTests" >&2; exit 1; }
[ -f "$TEST_CLASSPATH" ] || { echo "missing $TEST_CLASSPATH: run ./mvnw -B package -DskipTests" >&2; exit 1; }
require "$PGBIN/pg_dump" "$PGBIN/psql" /usr/bin/time zstd javac

S3_PID=
cleanup() {
  [ -n "$S3_PID" ] && kill "$S3_PID" 2>/dev/null || true
  stop_postgres
  rm -rf "$WORK"
}
trap cleanup EXIT

start_postgres
build_dataset

echo "== starting S3Proxy (in-memory store) on 127.0.0.1:$S3_PORT"
# Compiled once here, so the measured steps do not pay for compiling a single-file program.
mkdir "$WORK/classes"
javac -nowarn -d "$WORK/classes" -cp "$(cat "$TEST_CLASSPATH")" bench/S3Server.java
javac -nowarn -d "$WORK/classes" -cp "$SDK_CLASSPATH" bench/S3Upload.java
java -Xmx"$S3_HEAP" -cp "$WORK/classes:$(cat "$TEST_CLASSPATH")" S3Server "$S3_PORT" "$BUCKET" \
  "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY" >"$WORK/s3proxy.log" 2>&1 &
S3_PID=$!
for _ in $(seq 1 120); do
  grep -q '^ready' "$WORK/s3proxy.log" && break
  kill -0 "$S3_PID" 2>/dev/null || { cat "$WORK/s3proxy.log" >&2; exit 1; }
  sleep 0.5
done
grep -q '^ready' "$WORK/s3proxy.log" || { echo "S3Proxy did not start within 60 s" >&2; exit 1; }

s3() { java -cp "$WORK/classes:$SDK_CLASSPATH" S3Upload "$@" 2>>"$WORK/s3upload.log"; }
upload() { echo "java $CPDB_JAVA_OPTS -cp '$WORK/classes:$SDK_CLASSPATH' S3Upload put $BUCKET $1 $PART_MB 2>>'$WORK/s3upload.log'"; }

# run NAME COMMAND...: runs a command under GNU time and records wall seconds, CPU seconds (the whole process tree),
# peak RSS (KiB, of the largest process in the tree) and the bytes the tree wrote to local block devices: the command
# runs in a shell that, after it ends, reads write_bytes from its own /proc/<pid>/io, which then includes every
# descendant it has reaped (the kernel adds a child's I/O counters to its parent's on reaping). Processes outside the
# tree, such as the S3 server and PostgreSQL, are not counted.
declare -A WALL CPU RSS DISK SIZE PARTS
run() {
  local name=$1; shift
  sync; echo 3 > /proc/sys/vm/drop_caches 2>/dev/null || true
  /usr/bin/time -f "%e %U %S %M" -o "$WORK/time.$name" \
    sh -c '"$@"; status=$?; grep "^write_bytes:" /proc/$$/io > "$WORK_IO"; exit $status' sh "$@"
  read -r wall user sys rss < "$WORK/time.$name"
  WALL[$name]=$wall; CPU[$name]=$(echo "$user + $sys" | bc); RSS[$name]=$rss
  DISK[$name]=$(awk '{print $2}' "$WORK_IO")
}

# object NAME PREFIX: records size and parts of the data object below PREFIX, then empties PREFIX (the bucket
# lives in S3Proxy's heap).
object() {
  local line
  line=$(s3 stat "$BUCKET" "$2" | grep -v '/manifest.json ' | head -1)
  [ -n "$line" ] || { echo "no object below s3://$BUCKET/$2" >&2; exit 1; }
  SIZE[$1]=$(echo "$line" | awk '{print $2}'); PARTS[$1]=$(echo "$line" | awk '{print $3}')
  s3 delete "$BUCKET" "$2"
}

# cpdb_backup NAME DATABASE PREFIX: a cpdb backup of DATABASE to s3://bench/PREFIX, measured.
cpdb_backup() {
  run "$1" env DATABASE_URL="$(url "$2")" CPDB_HOME="$WORK/cpdb-home" \
    CPDB_BACKUP_S3_ENDPOINT="$BENCH_S3_ENDPOINT" CPDB_BACKUP_S3_PATH_STYLE=true \
    CPDB_BACKUP_S3_ACCESS_KEY_ID="$AWS_ACCESS_KEY_ID" CPDB_BACKUP_S3_SECRET_ACCESS_KEY="$AWS_SECRET_ACCESS_KEY" \
    CPDB_BACKUP_S3_PART_SIZE="${PART_MB}M" \
    CPDB_APP_DIR=target/quarkus-app CPDB_JAVA_OPTS="$CPDB_JAVA_OPTS" \
    bin/cpdb backup --target "s3://$BUCKET/$3" --compression zstd >/dev/null
  object "$1" "$3/"
}

export WORK_IO="$WORK/io"
echo "== backups to s3://$BUCKET (parts of $PART_MB MiB)"
# The same command on an empty database: what a cpdb process writes to disk whatever the data (the JVM's perf-data
# file, zstd-jni unpacking its native library into java.io.tmpdir).
psql_q -d postgres -c "CREATE DATABASE empty"
STEPS="cpdb_s3_empty_db cpdb_s3 pg_dump_fc_s3 pg_dump_fp_zstd_s3"
for round in $(seq 1 "$RUNS"); do
  echo "-- round $round of $RUNS"
  cpdb_backup "cpdb_s3_empty_db#$round" empty cpdb-empty
  cpdb_backup "cpdb_s3#$round" bench cpdb
  run "pg_dump_fc_s3#$round" sh -c "'$PGBIN/pg_dump' -Fc -d bench | $(upload pg_dump/bench.dump)"
  object "pg_dump_fc_s3#$round" pg_dump/
  run "pg_dump_fp_zstd_s3#$round" sh -c "'$PGBIN/pg_dump' -Fp -d bench | zstd -q -3 | $(upload pg_dump_zstd/bench.sql.zst)"
  object "pg_dump_fp_zstd_s3#$round" pg_dump_zstd/
done

# median ARRAY STEP: the median over the rounds of one step's values in the associative array ARRAY.
median() {
  local -n values=$1
  local round
  for round in $(seq 1 "$RUNS"); do echo "${values[$2#$round]}"; done | sort -g | awk '{ v[NR] = $1 }
    END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
rounds() { local round; for round in $(seq 1 "$RUNS"); do printf '%s ' "${WALL[$1#$round]}"; done; }
for step in $STEPS; do
  for array in WALL CPU RSS DISK SIZE PARTS; do
    declare -n values=$array
    values[$step]=$(median "$array" "$step")
    unset -n values
  done
done

echo
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB RAM, $(uname -sr), load $(cut -d' ' -f1-3 /proc/loadavg); PostgreSQL 15 and S3Proxy (in memory) on the same host"
echo "dataset: $(( DB_BYTES / 1024 / 1024 )) MB on disk; JVM flags of cpdb and the uploader: $CPDB_JAVA_OPTS;" \
  "$RUNS rounds, medians"
printf "%-20s %8s %8s %13s %15s %11s %6s  %s\n" step wall_s cpu_s peak_rss_MiB disk_written_KiB object_MiB parts \
  wall_s_of_each_round
for step in $STEPS; do
  printf "%-20s %8s %8s %13d %15d %11s %6s  %s\n" "$step" "${WALL[$step]}" "${CPU[$step]}" \
    $(( ${RSS[$step]%.*} / 1024 )) $(( ${DISK[$step]%.*} / 1024 )) \
    "$(echo "scale=1; ${SIZE[$step]} / 1048576" | bc)" "${PARTS[$step]}" "$(rounds "$step")"
done
ratio() { echo "scale=2; $1 / $2" | bc; }
echo
echo "cpdb wall / pg_dump -Fc | upload:           $(ratio "${WALL[cpdb_s3]}" "${WALL[pg_dump_fc_s3]}")"
echo "cpdb wall / pg_dump -Fp | zstd | upload:    $(ratio "${WALL[cpdb_s3]}" "${WALL[pg_dump_fp_zstd_s3]}")"
echo "cpdb bytes written to local disk:           ${DISK[cpdb_s3]}, of which ${DISK[cpdb_s3_empty_db]} also for an empty database"
echo "cpdb bytes written to disk for the data:    $(( ${DISK[cpdb_s3]%.*} - ${DISK[cpdb_s3_empty_db]%.*} ))   (target 0)"
echo "cpdb peak RSS (MiB):                        $(( ${RSS[cpdb_s3]%.*} / 1024 ))"
