#!/usr/bin/env bash
# Prepares a throwaway PostGIS database for the tests, on a clean Debian
# machine as well as on a developer's: installs PostgreSQL + PostGIS and
# GDAL from Debian's packages when missing, starts the cluster, makes sure
# the current OS user can log in over the local socket (created as a
# superuser role through the postgres account, which works under peer and
# trust authentication alike), and creates a fresh database with the postgis
# extension. Prints `export WANGGE_TEST_DATABASE_URL=…` and the database name.
#
#   eval "$(scripts/postgis.sh create)"   # sets WANGGE_TEST_DATABASE_URL, WANGGE_TEST_DB
#   scripts/postgis.sh drop NAME
set -euo pipefail

log() { echo "postgis.sh: $*" >&2; }
die() { log "$*"; exit 1; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo -n "$@"; else die "need root to run: $*"; fi
}

apt_install() {
  log "installing $* from Debian's packages"
  if [ -z "${APT_UPDATED:-}" ]; then as_root apt-get update -qq >&2; APT_UPDATED=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >&2
}

pg_major() { ls /usr/lib/postgresql 2>/dev/null | sort -n | tail -1; }

ensure_packages() {
  local want=()
  command -v ogrinfo >/dev/null || want+=(gdal-bin)
  if [ -z "$(pg_major)" ]; then apt_install postgresql; fi
  local major; major=$(pg_major)
  [ -n "$major" ] || die "PostgreSQL is not installed and could not be installed"
  [ -f "/usr/share/postgresql/$major/extension/postgis.control" ] || want+=("postgresql-$major-postgis-3")
  [ ${#want[@]} -eq 0 ] || apt_install "${want[@]}"
  [ -f "/usr/share/postgresql/$major/extension/postgis.control" ] || die "PostGIS for PostgreSQL $major is missing after install"
  command -v ogrinfo >/dev/null || die "ogrinfo (gdal-bin) is missing after install"
}

# cluster_port prints the port of a running cluster, starting one if needed.
cluster_port() {
  local major; major=$(pg_major)
  if ! pg_lsclusters -h 2>/dev/null | grep -q .; then
    log "creating PostgreSQL $major cluster main"
    as_root pg_createcluster "$major" main >&2
  fi
  local line; line=$(pg_lsclusters -h | sort -k1,1n | tail -1)
  read -r ver name port status _ <<<"$line"
  if [ "$status" != online ]; then
    log "starting PostgreSQL cluster $ver/$name"
    as_root pg_ctlcluster --skip-systemctl-redirect "$ver" "$name" start >&2 || as_root pg_ctlcluster "$ver" "$name" start >&2
  fi
  echo "$port"
}

psql_as_postgres() {
  local port=$1; shift
  if [ "$(id -un)" = postgres ]; then psql -p "$port" -h /var/run/postgresql "$@"
  else as_root runuser -u postgres -- psql -p "$port" -h /var/run/postgresql "$@"; fi
}

ensure_role() {
  local port=$1 me; me=$(id -un)
  psql_as_postgres "$port" -qtAc "SELECT 1 FROM pg_roles WHERE rolname = '$me'" | grep -q 1 ||
    psql_as_postgres "$port" -qc "CREATE ROLE \"$me\" SUPERUSER LOGIN" >&2
}

create() {
  ensure_packages
  local port; port=$(cluster_port)
  for _ in $(seq 1 30); do pg_isready -q -h /var/run/postgresql -p "$port" && break; sleep 1; done
  pg_isready -q -h /var/run/postgresql -p "$port" || die "PostgreSQL on port $port does not answer"
  ensure_role "$port"
  local db="wangge_test_$(date +%s)_$$"
  psql -p "$port" -h /var/run/postgresql -d postgres -qc "CREATE DATABASE $db" >&2
  psql -p "$port" -h /var/run/postgresql -d "$db" -qc "CREATE EXTENSION postgis" >&2
  log "created database $db with $(psql -p "$port" -h /var/run/postgresql -d "$db" -qtAc 'SELECT postgis_lib_version()' | sed 's/^/PostGIS /')"
  echo "export WANGGE_TEST_DATABASE_URL='postgres:///$db?host=/var/run/postgresql&port=$port'"
  echo "export WANGGE_TEST_DB='$db' WANGGE_TEST_PGPORT='$port'"
}

drop() {
  local db=$1 port=${2:-5432}
  psql -p "$port" -h /var/run/postgresql -d postgres -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >&2
}

case "${1:-}" in
  create) create ;;
  drop) drop "${2:?database name}" "${3:-5432}" ;;
  *) die "usage: $0 create | drop NAME [PORT]" ;;
esac
