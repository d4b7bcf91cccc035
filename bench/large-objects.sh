#!/usr/bin/env bash
# Large-object benchmark: cpdb's backup and restore of one large object of BENCH_LO_MB (default 400) MB and
# BENCH_LO_COUNT (default 10000) small ones, against pg_dump -Fc / pg_restore on the same PostgreSQL 15 server.
#
# Builds the objects on a throw-away PostgreSQL 15 server listening on 127.0.0.1 only (the big one written 1 MiB at a
# time from md5 output, so it hardly compresses; the small ones 0 to 4 KiB, every tenth with a comment; a table holds
# their oids), then times, BENCH_RUNS times (default 3): cpdb backup (zstd), cpdb restore into a fresh database,
# pg_dump -Fc, pg_restore --single-transaction. It prints each step's median wall time, CPU time, peak RSS (GNU time)
# and output size, and checks after each cpdb restore that every large object's md5 matches the source. cpdb runs
# through bin/cpdb with CPDB_JAVA_OPTS (default -Xmx128m): a heap smaller than the big object, so a run that
# finishes shows that neither side holds an object in memory.
#
# Needs: target/quarkus-app (./mvnw -B package -DskipTests), target/test-postgres/postgres-15.jar
# (./mvnw -B generate-test-resources), Debian's postgresql-client-15, zstd and GNU time (/usr/bin/time).
# Usage: bench/large-objects.sh     (from the project root; BENCH_LO_MB=50 BENCH_RUNS=1 for a quick run)
set -euo pipefail
cd "$(dirname "$0")/.."

LO_MB=${BENCH_LO_MB:-400}
LO_COUNT=${BENCH_LO_COUNT:-10000}
PORT=${BENCH_PORT:-55437}
RUNS=${BENCH_RUNS:-3}
WORK=$(mktemp -d /tmp/cpdb-bench-lo.XXXXXX)
chmod 755 "$WORK"
JAR=target/quarkus-app/quarkus-run.jar
export CPDB_JAVA_OPTS=${CPDB_JAVA_OPTS:--Xmx128m}
# Not used here: the dataset of dataset.sh is not built.
SIZE_MB=0

. bench/dataset.sh

[ -f "$JAR" ] || { echo "missing $JAR: run ./mvnw -B package -DskipTests" >&2; exit 1; }
require "$PGBIN/pg_dump" "$PGBIN/pg_restore" "$PGBIN/psql" /usr/bin/time zstd

clean_up_on_exit

start_postgres

echo "== building one ${LO_MB} MB large object and ${LO_COUNT} small ones"
psql_q -d postgres -c "CREATE DATABASE lobench"
psql_q -d lobench <<SQL
CREATE TABLE public.attachments (id int PRIMARY KEY, name text NOT NULL, body oid NOT NULL);
DO \$\$
DECLARE big oid := pg_catalog.lo_create(0);
BEGIN
  FOR i IN 0..${LO_MB} - 1 LOOP
    PERFORM pg_catalog.lo_put(big, i::bigint * 1048576,
        (SELECT string_agg(decode(md5(i || '-' || g), 'hex'), ''::bytea) FROM generate_series(1, 65536) g));
  END LOOP;
  INSERT INTO public.attachments VALUES (0, 'big', big);
END \$\$;
INSERT INTO public.attachments
SELECT g, 'small ' || g, pg_catalog.lo_from_bytea(0, decode(repeat(md5(g::text), g % 257), 'hex'))
FROM generate_series(1, ${LO_COUNT}) g;
DO \$\$
DECLARE a record;
BEGIN
  FOR a IN SELECT body, id FROM public.attachments WHERE id % 10 = 0 LOOP
    EXECUTE format('COMMENT ON LARGE OBJECT %s IS %L', a.body, 'attachment ' || a.id);
  END LOOP;
END \$\$;
VACUUM ANALYZE;
CHECKPOINT;
SQL
LO_BYTES=$(psql_q -d lobench -tAc "SELECT pg_catalog.pg_total_relation_size('pg_catalog.pg_largeobject')")
SOURCE_MD5=$(psql_q -d lobench -tAc "SELECT md5(string_agg(oid || ':' || md5(lo_get(oid)), ',' ORDER BY oid)) FROM pg_catalog.pg_largeobject_metadata")

# run NAME COMMAND...: runs a command under GNU time (after dropping the page cache, when allowed) and appends its
# wall seconds, CPU seconds and peak RSS (KiB) to the step's samples.
declare -A WALL CPU RSS SIZE
run() {
  local name=$1; shift
  sync; echo 3 > /proc/sys/vm/drop_caches 2>/dev/null || true
  /usr/bin/time -f "%e %U %S %M" -o "$WORK/time.$name" "$@"
  read -r wall user sys rss < "$WORK/time.$name"
  WALL[$name]+="$wall "; CPU[$name]+="$(echo "$user + $sys" | bc) "; RSS[$name]+="$rss "
}
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
STEPS="cpdb_backup cpdb_restore pg_dump_fc pg_restore"

for round in $(seq 1 "$RUNS"); do
  echo "== round $round of $RUNS"
  rm -rf "$WORK/cpdb-backups" "$WORK/dump.fc"
  mkdir -p "$WORK/cpdb-backups"
  run cpdb_backup env DATABASE_URL="$(url lobench)" bin/cpdb backup --target "$WORK/cpdb-backups" \
    --compression zstd --jobs 1 >/dev/null
  SIZE[cpdb_backup]=$(du -cb "$WORK"/cpdb-backups/*/data.sql.zst | tail -1 | cut -f1)
  run pg_dump_fc "$PGBIN/pg_dump" -Fc -d lobench -f "$WORK/dump.fc"
  SIZE[pg_dump_fc]=$(stat -c %s "$WORK/dump.fc")

  BACKUP_ID=$(ls "$WORK/cpdb-backups")
  psql_q -d postgres -c "DROP DATABASE IF EXISTS r_cpdb" -c "DROP DATABASE IF EXISTS r_pgrestore" \
    -c "CREATE DATABASE r_cpdb" -c "CREATE DATABASE r_pgrestore" -c CHECKPOINT
  run cpdb_restore bin/cpdb restore "$WORK/cpdb-backups/$BACKUP_ID" --target-url "$(url r_cpdb)" >/dev/null
  RESTORED_MD5=$(psql_q -d r_cpdb -tAc "SELECT md5(string_agg(oid || ':' || md5(lo_get(oid)), ',' ORDER BY oid)) FROM pg_catalog.pg_largeobject_metadata")
  [ "$RESTORED_MD5" = "$SOURCE_MD5" ] || { echo "round $round: the restored large objects differ from the source" >&2; exit 1; }
  psql_q -d postgres -c CHECKPOINT
  run pg_restore "$PGBIN/pg_restore" --single-transaction -d r_pgrestore "$WORK/dump.fc"
done

echo
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB RAM, $(uname -sr); PostgreSQL 15 (same host)"
echo "large objects: 1 of $LO_MB MiB and $LO_COUNT small ones (0-4 KiB), $(( LO_BYTES / 1024 / 1024 )) MiB in pg_largeobject;" \
  "$RUNS rounds, medians; cpdb: bin/cpdb, CPDB_JAVA_OPTS=$CPDB_JAVA_OPTS; every cpdb restore matched the source's md5s"
printf "%-14s %10s %10s %12s %12s   %s\n" step wall_s cpu_s peak_rss_MiB output_MiB "wall of each round"
for step in $STEPS; do
  # shellcheck disable=SC2086 # the samples are space-separated on purpose
  wall=$(median ${WALL[$step]}); cpu=$(median ${CPU[$step]}); rss=$(( $(median ${RSS[$step]}) / 1024 ))
  out=${SIZE[$step]:-}
  printf "%-14s %10s %10s %12s %12s   %s\n" "$step" "$wall" "$cpu" "$rss" \
    "$( [ -n "$out" ] && echo $(( out / 1024 / 1024 )) || echo -)" "${WALL[$step]}"
done
