#!/usr/bin/env bash
# Command start-up benchmark: how long `bin/cpdb --help`, `bin/cpdb status` and `bin/cpdb backups list` take from
# start to exit, warm, on the default Java runtime and, when one is found, on a Java 25 runtime.
#
# Builds nothing: it runs the packaged application in target/quarkus-app (./mvnw -B package -DskipTests) through
# bin/cpdb, as an operator runs a command, against a throw-away PostgreSQL 15 server on 127.0.0.1 (binaries from the
# test dependency target/test-postgres/postgres-15.jar, ./mvnw -B generate-test-resources) that `cpdb migrate` has
# migrated and that has one backup in a local folder. Each command runs BENCH_WARMUP times (default 2) unmeasured,
# then BENCH_RUNS times (default 10); the script prints per runtime and command the median wall time, its spread
# (max - min), and the median CPU time (user + system, the JVM's threads and any child process). Nothing is asserted.
#
# Runtimes: BENCH_JAVA17_HOME (default JAVA_HOME, else the java on the PATH) and BENCH_JAVA25_HOME (default the first
# /usr/lib/jvm/*25* folder with bin/java; set it to "none" to skip). bin/cpdb picks the command settings for each
# runtime itself (class-data archive on 17, AOT cache on 25+). Other knobs: BENCH_PORT (55438), CPDB_JAVA_OPTS.
# Needs GNU time (/usr/bin/time).
# Usage: bench/commands.sh   (from the project root)
set -euo pipefail
cd "$(dirname "$0")/.."

PORT=${BENCH_PORT:-55438}
RUNS=${BENCH_RUNS:-10}
WARMUP=${BENCH_WARMUP:-2}
WORK=$(mktemp -d /tmp/cpdb-bench-commands.XXXXXX)
chmod 755 "$WORK"

. bench/dataset.sh

[ -f target/quarkus-app/quarkus-run.jar ] || { echo "missing target/quarkus-app: run ./mvnw -B package -DskipTests" >&2; exit 1; }
[ -f "$PG15_JAR" ] || { echo "missing $PG15_JAR: run ./mvnw -B generate-test-resources" >&2; exit 1; }
require /usr/bin/time

clean_up_on_exit

# java_home_of JAVA: the runtime folder of a java executable.
java_home_of() { dirname "$(dirname "$(readlink -f "$1")")"; }
# major_version HOME: the feature release of the runtime in HOME (17, 25, ...).
major_version() { "$1/bin/java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ { print $2 }'; }

RUNTIMES=()
java17=${BENCH_JAVA17_HOME:-${JAVA_HOME:-$(java_home_of "$(command -v java)")}}
RUNTIMES+=("$java17")
java25=${BENCH_JAVA25_HOME:-}
if [ -z "$java25" ]; then
  for candidate in /usr/lib/jvm/*25*; do
    if [ -x "$candidate/bin/java" ]; then java25=$candidate; break; fi
  done
fi
if [ -n "$java25" ] && [ "$java25" != none ]; then
  [ -x "$java25/bin/java" ] || { echo "BENCH_JAVA25_HOME=$java25 has no bin/java" >&2; exit 1; }
  RUNTIMES+=("$java25")
fi

start_postgres
psql_q -d postgres -c "CREATE DATABASE cpdb"
export DATABASE_URL
DATABASE_URL=$(url cpdb)
export CPDB_HOME="$WORK/home" CPDB_BACKUP_TARGET="$WORK/backups"
CPDB_SECRETS_MASTER_KEY=$(head -c 32 /dev/urandom | base64)
export CPDB_SECRETS_MASTER_KEY
echo "== migrating the database and taking one backup"
bin/cpdb migrate >/dev/null
bin/cpdb backup >/dev/null

COMMANDS=("--help" "status" "backups list")

# timed RUNTIME ARGS...: runs bin/cpdb once; prints "wall_ms cpu_ms".
timed() {
  local home=$1; shift
  local start end
  start=$(date +%s%N)
  JAVA_HOME=$home /usr/bin/time -f '%U %S' -o "$WORK/cpu" bin/cpdb "$@" >/dev/null 2>"$WORK/stderr" \
    || { echo "bin/cpdb $* failed on $home:" >&2; cat "$WORK/stderr" >&2; exit 1; }
  end=$(date +%s%N)
  echo "$(( (end - start) / 1000000 )) $(awk '{ printf "%d", ($1 + $2) * 1000 }' "$WORK/cpu")"
}

# median VALUES...: the middle value (the lower middle for an even count).
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
spread() { printf '%s\n' "$@" | sort -g | awk 'NR == 1 { min = $1 } { max = $1 } END { print max - min }'; }

LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
RESULTS=()
for home in "${RUNTIMES[@]}"; do
  version=$(major_version "$home")
  for command in "${COMMANDS[@]}"; do
    # shellcheck disable=SC2086 # the command's words are split on purpose
    for _ in $(seq 1 "$WARMUP"); do timed "$home" $command >/dev/null; done
    WALL=(); CPU=()
    for _ in $(seq 1 "$RUNS"); do
      # shellcheck disable=SC2086
      read -r wall cpu < <(timed "$home" $command)
      WALL+=("$wall"); CPU+=("$cpu")
    done
    echo "java $version  cpdb $command: wall ${WALL[*]} ms; cpu ${CPU[*]} ms"
    RESULTS+=("$(printf '%-8s %-14s %9s %11s %9s' "$version" "$command" "$(median "${WALL[@]}")" \
      "$(spread "${WALL[@]}")" "$(median "${CPU[@]}")")")
  done
done

echo
echo "$RUNS runs each after $WARMUP warm-up runs; milliseconds; $(nproc) cores; load average before: $LOAD"
printf '%-8s %-14s %9s %11s %9s\n' java command wall spread cpu
printf '%s\n' "${RESULTS[@]}"
