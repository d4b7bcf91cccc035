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
PG15_JAR=target/test-postgres/postgres-15.jar
PGBIN=/usr/lib/postgresql/15/bin
# The JVM flags an operator would use for a command-line backup: a small heap is enough because rows stream.
CPDB_JAVA_OPTS=${CPDB_JAVA_OPTS:--Xmx128m -XX:+UseSerialGC}

[ -f "$JAR" ] || { echo "missing $JAR: run ./mvnw -B package -DskipTests" >&2; exit 1; }
[ -f "$PG15_JAR" ] || ./mvnw -B -q generate-test-resources
for tool in "$PGBIN/pg_dump" "$PGBIN/pg_restore" "$PGBIN/psql" /usr/bin/time zstd; do
  command -v "$tool" >/dev/null || { echo "missing $tool" >&2; exit 1; }
done

# PostgreSQL refuses to run as root: run the server as an unprivileged user then.
as_server=()
if [ "$(id -u)" -eq 0 ]; then
  id cpdb >/dev/null 2>&1 || useradd --system --user-group --no-create-home --shell /usr/sbin/nologin cpdb
  as_server=(setpriv --reuid=cpdb --regid=cpdb --init-groups --)
fi

cleanup() {
  [ -f "$WORK/data/postmaster.pid" ] && "${as_server[@]}" "$WORK/pg/bin/pg_ctl" -D "$WORK/data" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "== preparing PostgreSQL 15 in $WORK"
mkdir -p "$WORK/pg"
unzip -q -o "$PG15_JAR" 'postgres-linux-x86_64.txz' -d "$WORK"
tar -xJf "$WORK/postgres-linux-x86_64.txz" -C "$WORK/pg"
chmod -R a+rX "$WORK/pg"
mkdir "$WORK/data"
if [ ${#as_server[@]} -gt 0 ]; then chown cpdb:cpdb "$WORK/data"; fi
"${as_server[@]}" "$WORK/pg/bin/initdb" -D "$WORK/data" -U postgres --auth=trust -E UTF8 --no-locale >/dev/null
"${as_server[@]}" "$WORK/pg/bin/pg_ctl" -D "$WORK/data" -l "$WORK/data/server.log" -w \
  -o "-p $PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories= -c max_wal_size=4GB -c shared_buffers=512MB" start >/dev/null

export PGHOST=127.0.0.1 PGPORT=$PORT PGUSER=postgres PGSSLMODE=disable
psql_q() { "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 "$@"; }
url() { echo "postgres://postgres@127.0.0.1:$PORT/$1?sslmode=disable"; }

echo "== building a ${SIZE_MB} MB dataset"
psql_q -d postgres -c "CREATE DATABASE bench"
LARGE_ROWS=$(( SIZE_MB * 1024 * 1024 / 2 / 900 ))
psql_q -d bench <<SQL
CREATE TABLE public.documents (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    title text NOT NULL,
    body text NOT NULL,
    attributes jsonb NOT NULL,
    price numeric(14, 4),
    created_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO public.documents (title, body, attributes, price, created_at)
SELECT 'document ' || g,
       repeat(md5(g::text), 12) || ' ' || md5((g * 7)::text),
       jsonb_build_object('n', g, 'tags', jsonb_build_array('a' || (g % 17), 'b' || (g % 5)), 'ok', g % 2 = 0),
       (g % 100000) / 7.0,
       timestamptz '2024-01-01' + g * interval '1 second'
FROM generate_series(1, $LARGE_ROWS) g;
CREATE INDEX documents_created_idx ON public.documents (created_at);

CREATE TABLE public.blobs (id bigint PRIMARY KEY, payload bytea NOT NULL, checksum text);
INSERT INTO public.blobs
SELECT g, decode(repeat(md5(g::text) || md5((g + 1)::text), 24), 'hex'), md5(g::text)
FROM generate_series(1, $(( LARGE_ROWS / 2 ))) g;

CREATE TABLE public.events (id bigint PRIMARY KEY, document_id bigint REFERENCES public.documents (id),
    kind text, at timestamp, amount double precision);
INSERT INTO public.events
SELECT g, 1 + (g % $LARGE_ROWS), 'kind' || (g % 9), timestamp '2024-01-01' + g * interval '1 minute', g * 1.5
FROM generate_series(1, $LARGE_ROWS) g;
SQL
for i in $(seq 1 200); do
  echo "CREATE TABLE public.small_$i (id int PRIMARY KEY, name text, value numeric); INSERT INTO public.small_$i SELECT g, 'row ' || g, g * 0.5 FROM generate_series(1, 500) g;"
done | psql_q -d bench
psql_q -d bench -c "VACUUM ANALYZE"
DB_BYTES=$(psql_q -d bench -Atc "SELECT pg_database_size('bench')")
echo "database size: $(( DB_BYTES / 1024 / 1024 )) MB"

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
