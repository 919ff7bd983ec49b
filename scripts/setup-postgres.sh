#!/usr/bin/env bash
# setup-postgres.sh — provision a local PostgreSQL + pgvector for GreenTrack tests.
#
# Idempotent; safe to run repeatedly. Targets Debian (apt) and must run as root
# (re-executes itself through `sudo -n` when available).
#
#   1. installs PostgreSQL if missing (server major version detected from
#      /usr/lib/postgresql, highest wins)
#   2. installs pgvector: the apt binary package postgresql-$VER-pgvector when it
#      exists, otherwise builds it from Debian trixie's `pgvector` source package
#      (deb-src entry uses the mirror already configured on this machine)
#   3. creates/starts cluster "$VER main" with fast, NON-durable test settings
#   4. creates role greentrack/greentrack (superuser) and database
#      greentrack_test with extensions vector + citext
#   5. prints DATABASE_URL=... as the LAST line of stdout; all progress goes to
#      stderr, so:  eval "$(bash scripts/setup-postgres.sh | tail -n1)"
#
# Environment overrides:
#   GREENTRACK_PG_FAST=0   do not write the non-durable test settings
set -euo pipefail

PG_USER=greentrack
PG_PASSWORD=greentrack
PG_DB=greentrack_test
CLUSTER=main
SRC_LIST=/etc/apt/sources.list.d/greentrack-src.sources
FAST_CONF_NAME=greentrack-test.conf

log() { printf '[setup-postgres] %s\n' "$*" >&2; }
die() { printf '[setup-postgres] ERROR: %s\n' "$*" >&2; exit 1; }

# --- privileges --------------------------------------------------------------
if [[ $(id -u) -ne 0 ]]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    log "not root; re-executing via sudo"
    exec sudo -n env GREENTRACK_PG_FAST="${GREENTRACK_PG_FAST:-1}" bash "$0" "$@"
  fi
  die "this script must run as root (or with passwordless sudo); try: sudo bash $0"
fi

# Keep the real stdout on fd 3 for the final DATABASE_URL line; everything else
# (including tool output) goes to stderr.
exec 3>&1 1>&2

export DEBIAN_FRONTEND=noninteractive
APT_OPTS=(-y -qq -o Dpkg::Use-Pty=0 -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)
APT_UPDATED=0
apt_update() {
  if [[ $APT_UPDATED -eq 0 ]]; then
    log "apt-get update"
    apt-get update -qq
    APT_UPDATED=1
  fi
}
apt_install() {
  log "apt-get install $*"
  apt-get install "${APT_OPTS[@]}" --no-install-recommends "$@" >/dev/null
}

detect_version() {
  local v
  v=$(find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -type d -printf '%f\n' 2>/dev/null \
        | grep -E '^[0-9]+$' | sort -n | tail -n1 || true)
  if [[ -n $v && -x /usr/lib/postgresql/$v/bin/postgres ]]; then
    printf '%s\n' "$v"
  fi
}

# --- 1. PostgreSQL -----------------------------------------------------------
VER=$(detect_version)
if [[ -z $VER ]]; then
  log "step 1/5: installing PostgreSQL"
  apt_update
  apt_install postgresql postgresql-contrib
  VER=$(detect_version)
  [[ -n $VER ]] || die "PostgreSQL installed but no server found under /usr/lib/postgresql"
else
  log "step 1/5: PostgreSQL $VER already installed"
fi
BIN=/usr/lib/postgresql/$VER/bin
PG_CONFIG=$BIN/pg_config
if [[ -x $PG_CONFIG ]]; then
  SHAREDIR=$("$PG_CONFIG" --sharedir)
else
  SHAREDIR=/usr/share/postgresql/$VER
fi
# citext ships with the server package on PG >= 10; contrib is a metapackage.
if [[ ! -f $SHAREDIR/extension/citext.control ]]; then
  apt_update
  apt_install "postgresql-contrib"
fi

# --- 2. pgvector -------------------------------------------------------------
# Print "URI<TAB>Signed-By" of the machine's main Debian mirror (the entry that
# serves this release's codename), read from deb822 or one-line sources.
debian_mirror() {
  local codename=$1 f
  for f in /etc/apt/sources.list.d/debian.sources /etc/apt/sources.list.d/*.sources; do
    [[ -f $f && $f != "$SRC_LIST" ]] || continue
    awk -v cn="$codename" '
      function flush() {
        if (uri != "" && types ~ /(^| )deb( |$)/) {
          n = split(suites, s, /[ \t]+/)
          for (i = 1; i <= n; i++) if (s[i] == cn) { print uri "\t" key; found = 1; exit }
        }
        uri = ""; suites = ""; types = ""; key = ""
      }
      /^[ \t]*$/ { flush(); next }
      /^#/ { next }
      tolower($1) == "types:"     { $1 = ""; types = $0 }
      tolower($1) == "uris:"      { uri = $2 }
      tolower($1) == "suites:"    { $1 = ""; suites = $0 }
      tolower($1) == "signed-by:" { key = $2 }
      END { if (!found) flush() }
    ' "$f" | head -n1 | grep . && return 0
  done
  if [[ -f /etc/apt/sources.list ]]; then
    awk -v cn="$codename" '
      $1 == "deb" {
        key = ""; i = 2
        if ($2 ~ /^\[/) {
          while (i <= NF) {
            if ($i ~ /signed-by=/) { k = $i; sub(/.*signed-by=/, "", k); sub(/\]$/, "", k); key = k }
            if ($i ~ /\]$/) { i++; break }
            i++
          }
        }
        if ($(i + 1) == cn) { print $i "\t" key; exit }
      }' /etc/apt/sources.list | grep . && return 0
  fi
  return 1
}

if [[ -f $SHAREDIR/extension/vector.control ]]; then
  log "step 2/5: pgvector already installed ($SHAREDIR/extension/vector.control)"
else
  apt_update
  candidate=$(apt-cache policy "postgresql-$VER-pgvector" 2>/dev/null | awk '/Candidate:/ {print $2}')
  if [[ -n $candidate && $candidate != "(none)" ]]; then
    log "step 2/5: installing postgresql-$VER-pgvector $candidate from apt"
    apt_install "postgresql-$VER-pgvector"
  else
    log "step 2/5: no postgresql-$VER-pgvector in apt; building pgvector from Debian trixie source"
    # shellcheck disable=SC1091
    codename=$(. /etc/os-release && printf '%s' "${VERSION_CODENAME:-}")
    [[ -n $codename ]] || die "cannot determine Debian codename from /etc/os-release"
    mirror=$(debian_mirror "$codename") || die "no Debian mirror for '$codename' found in /etc/apt/sources.list{,.d}"
    mirror_uri=${mirror%%$'\t'*}
    mirror_key=${mirror#*$'\t'}
    [[ -n $mirror_key ]] || mirror_key=/usr/share/keyrings/debian-archive-keyring.gpg
    log "  deb-src trixie via $mirror_uri -> $SRC_LIST"
    cat > "$SRC_LIST" <<SOURCES
# Added by GreenTrack scripts/setup-postgres.sh: source packages only (used to
# build pgvector, which Debian $codename does not package).
Types: deb-src
URIs: $mirror_uri
Suites: trixie
Components: main
Signed-By: $mirror_key
SOURCES
    # Refresh only the new source list (the rest was updated above).
    log "  apt-get update (greentrack-src only)"
    apt-get update -qq -o Dir::Etc::SourceList="$SRC_LIST" -o Dir::Etc::SourceParts=- \
      -o APT::Get::List-Cleanup=0
    apt_install "postgresql-server-dev-$VER" build-essential
    workdir=$(mktemp -d /tmp/greentrack-pgvector.XXXXXX)
    trap 'rm -rf "$workdir"' EXIT
    chmod 0755 "$workdir"
    if id _apt >/dev/null 2>&1; then chown _apt "$workdir"; fi
    log "  apt-get source --download-only pgvector"
    (cd "$workdir" && apt-get source -qq --download-only pgvector >/dev/null)
    orig=$(find "$workdir" -maxdepth 1 -name 'pgvector_*.orig.tar.gz' | head -n1)
    [[ -n $orig ]] || die "pgvector orig tarball not downloaded"
    log "  building $(basename "$orig")"
    mkdir "$workdir/src"
    tar -xzf "$orig" -C "$workdir/src" --strip-components=1
    # OPTFLAGS= drops pgvector's default -march=native (portable binary, as Debian does).
    make -s -C "$workdir/src" -j"$(nproc)" PG_CONFIG="$PG_CONFIG" OPTFLAGS= >/dev/null
    make -s -C "$workdir/src" install PG_CONFIG="$PG_CONFIG" OPTFLAGS= >/dev/null
    [[ -f $SHAREDIR/extension/vector.control ]] || die "pgvector build finished but vector.control missing"
    log "  pgvector installed"
  fi
fi

# --- 3. cluster ----------------------------------------------------------------
cluster_field() { # $1 = column index in `pg_lsclusters -h`
  pg_lsclusters -h | awk -v v="$VER" -v c="$CLUSTER" -v f="$1" '$1 == v && $2 == c { print $f; exit }'
}
if [[ -z $(cluster_field 1) ]]; then
  log "step 3/5: creating cluster $VER/$CLUSTER"
  pg_createcluster "$VER" "$CLUSTER" >/dev/null
fi

conf_changed=0
if [[ ${GREENTRACK_PG_FAST:-1} != 0 ]]; then
  # TEST CLUSTER ONLY: these trade crash safety for speed. Never use on data you
  # care about — a crash/power loss can corrupt the cluster.
  fast_conf=/etc/postgresql/$VER/$CLUSTER/conf.d/$FAST_CONF_NAME
  # shared_buffers: the benchmarks' 100k × 1536-d vectors (~1.7 GB with their HNSW index)
  # otherwise come from the OS cache on every search.
  want=$'# Written by GreenTrack scripts/setup-postgres.sh (test cluster, NOT durable)\nfsync = off\nsynchronous_commit = off\nfull_page_writes = off\nshared_buffers = 2GB\n'
  if [[ ! -f $fast_conf || $(cat "$fast_conf")$'\n' != "$want" ]]; then
    mkdir -p "$(dirname "$fast_conf")"
    printf '%s' "$want" > "$fast_conf"
    conf_changed=1
  fi
fi

status=$(cluster_field 4)
if [[ $status == online* ]]; then
  log "step 3/5: cluster $VER/$CLUSTER already running"
  if [[ $conf_changed -eq 1 ]]; then
    # shared_buffers only changes on a restart. Same fd care as the start below.
    pg_ctlcluster "$VER" "$CLUSTER" restart </dev/null >/dev/null 2>&1 3>&- \
      || die "pg_ctlcluster $VER $CLUSTER restart failed (see /var/log/postgresql/)"
  fi
else
  log "step 3/5: starting cluster $VER/$CLUSTER"
  # The server daemon must not inherit fd 3 (the caller's stdout, often a pipe):
  # if it did, `setup-postgres.sh | tail -n1` would wait for EOF forever.
  # Its output goes to a file for the same reason (CI waits for EOF on stderr too).
  start_log=$(mktemp /tmp/greentrack-pg-start.XXXXXX)
  if ! pg_ctlcluster "$VER" "$CLUSTER" start </dev/null >"$start_log" 2>&1 3>&-; then
    cat "$start_log" >&2
    die "pg_ctlcluster $VER $CLUSTER start failed (see above and /var/log/postgresql/)"
  fi
  rm -f "$start_log"
fi
PORT=$(cluster_field 3)
[[ -n $PORT ]] || die "cannot determine port of cluster $VER/$CLUSTER"
for _ in $(seq 1 30); do
  "$BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT" && break
  sleep 1
done
"$BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT" || die "cluster $VER/$CLUSTER not accepting connections on port $PORT"

# --- 4. role, database, extensions -------------------------------------------
log "step 4/5: ensuring role $PG_USER, database $PG_DB, extensions vector + citext"
psql_pg() {
  (cd / && runuser -u postgres -- "$BIN/psql" -X -q -v ON_ERROR_STOP=1 -p "$PORT" "$@") >/dev/null
}
psql_pg -d postgres <<SQL
SET client_min_messages = warning;
DO \$\$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$PG_USER') THEN
    CREATE ROLE $PG_USER LOGIN SUPERUSER PASSWORD '$PG_PASSWORD';
  ELSE
    ALTER ROLE $PG_USER LOGIN SUPERUSER PASSWORD '$PG_PASSWORD';
  END IF;
END
\$\$;
SELECT 'CREATE DATABASE $PG_DB OWNER $PG_USER'
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$PG_DB')\gexec
SQL
psql_pg -d "$PG_DB" <<SQL
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS vector;
CREATE EXTENSION IF NOT EXISTS citext;
SQL

# --- 5. result -----------------------------------------------------------------
log "step 5/5: done (PostgreSQL $VER, cluster $CLUSTER, port $PORT)"
printf 'DATABASE_URL=postgres://%s:%s@127.0.0.1:%s/%s\n' "$PG_USER" "$PG_PASSWORD" "$PORT" "$PG_DB" >&3
