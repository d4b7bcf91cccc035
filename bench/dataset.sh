# Shared by the backup benchmarks (sourced, not run): a throw-away PostgreSQL 15 server on 127.0.0.1 and a mixed
# dataset of about SIZE_MB MB in database "bench".
#
# The sourcing script sets SIZE_MB, PORT and WORK (an empty temporary folder), then calls start_postgres and
# build_dataset, and stop_postgres on exit (clean_up_on_exit does that and removes WORK, for scripts that start
# nothing else). Afterwards PGBIN, psql_q, url and DB_BYTES are available.
# Needs target/test-postgres/postgres-15.jar (built by ./mvnw -B generate-test-resources) and Debian's
# postgresql-client-15.

PG15_JAR=target/test-postgres/postgres-15.jar
PGBIN=/usr/lib/postgresql/15/bin

# PostgreSQL refuses to run as root: run the server as an unprivileged user then.
as_server=()
if [ "$(id -u)" -eq 0 ]; then
  id cpdb >/dev/null 2>&1 || useradd --system --user-group --no-create-home --shell /usr/sbin/nologin cpdb
  as_server=(setpriv --reuid=cpdb --regid=cpdb --init-groups --)
fi

export PGHOST=127.0.0.1 PGPORT=$PORT PGUSER=postgres PGSSLMODE=disable
psql_q() { "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 "$@"; }
url() { echo "postgres://postgres@127.0.0.1:$PORT/$1?sslmode=disable"; }

# require TOOL...: stops the script when a tool is missing.
require() {
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null || { echo "missing $tool" >&2; exit 1; }
  done
}

clean_up_on_exit() {
  trap 'stop_postgres; rm -rf "$WORK"' EXIT
}

stop_postgres() {
  [ -f "$WORK/data/postmaster.pid" ] && "${as_server[@]}" "$WORK/pg/bin/pg_ctl" -D "$WORK/data" -m fast stop >/dev/null 2>&1 || true
}

start_postgres() {
  [ -f "$PG15_JAR" ] || ./mvnw -B -q generate-test-resources
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
}

build_dataset() {
  echo "== building a ${SIZE_MB} MB dataset"
  # The caller may have created it already (e.g. for a service that migrated its own tables into it first).
  psql_q -d postgres -tAc "SELECT 1 FROM pg_catalog.pg_database WHERE datname = 'bench'" | grep -q 1 \
    || psql_q -d postgres -c "CREATE DATABASE bench"
  local large_rows=$(( SIZE_MB * 1024 * 1024 / 2 / 900 ))
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
FROM generate_series(1, $large_rows) g;
CREATE INDEX documents_created_idx ON public.documents (created_at);

CREATE TABLE public.blobs (id bigint PRIMARY KEY, payload bytea NOT NULL, checksum text);
INSERT INTO public.blobs
SELECT g, decode(repeat(md5(g::text) || md5((g + 1)::text), 24), 'hex'), md5(g::text)
FROM generate_series(1, $(( large_rows / 2 ))) g;

CREATE TABLE public.events (id bigint PRIMARY KEY, document_id bigint REFERENCES public.documents (id),
    kind text, at timestamp, amount double precision);
INSERT INTO public.events
SELECT g, 1 + (g % $large_rows), 'kind' || (g % 9), timestamp '2024-01-01' + g * interval '1 minute', g * 1.5
FROM generate_series(1, $large_rows) g;
SQL
  for i in $(seq 1 200); do
    echo "CREATE TABLE public.small_$i (id int PRIMARY KEY, name text, value numeric); INSERT INTO public.small_$i SELECT g, 'row ' || g, g * 0.5 FROM generate_series(1, 500) g;"
  done | psql_q -d bench
  psql_q -d bench -c "VACUUM ANALYZE"
  # Write the loaded pages out now, so that no timed step shares the machine with the checkpoint the load caused.
  psql_q -d bench -c "CHECKPOINT"
  DB_BYTES=$(psql_q -d bench -Atc "SELECT pg_database_size('bench')")
  echo "database size: $(( DB_BYTES / 1024 / 1024 )) MB"
}
