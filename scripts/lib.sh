# Shared helpers for scripts/run and scripts/test. Source it; works under `set -euo pipefail`.
# shellcheck shell=bash

CC_REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# Prints the message; callers follow it with `return 1` so it also works where errexit is off.
cc_die() {
  echo "error: $*" >&2
  return 1
}

# chown to the server user when running as root (the server then runs as `postgres`).
_cc_chown_server() {
  if [[ $(id -u) -eq 0 ]]; then
    chown postgres:postgres "$@"
  fi
}

cc_require() {
  local cmd=$1 hint=$2
  command -v "$cmd" >/dev/null 2>&1 || cc_die "'$cmd' not found on PATH. $hint"
}

# Runs a command as root (directly, or through sudo).
_cc_as_root() {
  if [[ $(id -u) -eq 0 ]]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    cc_die "need root (or sudo) to run: $*"
  fi
}

# cc_apt PKG... — installs the Debian packages that are missing; silent when nothing is.
cc_apt() {
  local missing=() pkg log
  for pkg in "$@"; do
    if [[ $(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true) != "install ok installed" ]]; then
      missing+=("$pkg")
    fi
  done
  [[ ${#missing[@]} -eq 0 ]] && return 0

  echo "Installing Debian packages: ${missing[*]}" >&2
  log="$(mktemp)"
  if ! _cc_as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q >"$log" 2>&1 ||
     ! _cc_as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >>"$log" 2>&1; then
    tail -n 30 "$log" >&2
    rm -f "$log"
    cc_die "apt-get failed installing: ${missing[*]}"
    return 1
  fi
  rm -f "$log"
}

# Directory holding the PostgreSQL binaries: version 15 when present, else the newest.
_cc_pg_bin() {
  local dir
  if [[ -x /usr/lib/postgresql/15/bin/initdb ]]; then
    echo /usr/lib/postgresql/15/bin
    return 0
  fi
  dir="$(find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -type d -printf '%f\n' 2>/dev/null | sort -n | tail -n 1)"
  if [[ -z $dir || ! -x /usr/lib/postgresql/$dir/bin/initdb ]]; then
    cc_die "PostgreSQL server binaries not found under /usr/lib/postgresql (apt-get install postgresql)"
    return 1
  fi
  echo "/usr/lib/postgresql/$dir/bin"
}

# As root the server runs as `postgres` (initdb refuses root); otherwise as the caller.
_cc_pg_as_server() {
  if [[ $(id -u) -eq 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# Folder that holds pg-NAME (data), pg-NAME.password, pg-NAME.log, pg-NAME.sock.
# As root, the repo's .data/ when `postgres` can reach it, else /var/lib/commandcenter/<hash>.
_cc_pg_base() {
  if [[ $(id -u) -eq 0 ]] && ! runuser -u postgres -- test -x "$CC_REPO" 2>/dev/null; then
    echo "/var/lib/commandcenter/$(printf '%s' "$CC_REPO" | sha256sum | cut -c1-8)"
  else
    echo "$CC_REPO/.data"
  fi
}

_cc_pg_password_file() {
  echo "$(_cc_pg_base)/pg-$1.password"
}

# Creates the password once: 32 hex characters, so it never needs quoting in a connection string.
_cc_pg_password() {
  local file
  file="$(_cc_pg_password_file "$1")"
  if [[ ! -s $file ]]; then
    (umask 077 && od -An -tx1 -N16 /dev/urandom | tr -d ' \n' >"$file")
  fi
  chmod 600 "$file"
  cat "$file"
}

# cc_pg_start NAME PORT — starts (initialising once) the private cluster NAME on 127.0.0.1:PORT.
# Sets CC_PG_STARTED=1 when this call started the server, 0 when it was already running.
CC_PG_STARTED=0
cc_pg_start() {
  local name=$1 port=$2 bin base data log sock password pwtmp running_port deadline
  bin="$(_cc_pg_bin)" || return 1
  base="$(_cc_pg_base)"
  data="$base/pg-$name"
  log="$base/pg-$name.log"

  if [[ $base != "$CC_REPO/.data" ]]; then
    echo "note: user 'postgres' cannot reach $CC_REPO; cluster '$name' lives in $data" >&2
  fi
  mkdir -p "$base"
  chmod 755 "$base"
  if [[ $(id -u) -eq 0 ]]; then
    # Root-owned parent: pre-create what the server user writes.
    install -d -o postgres -g postgres -m 700 "$data"
    touch "$log"
    _cc_chown_server "$log"
  else
    mkdir -p "$data" && chmod 700 "$data"
  fi

  # Unix socket paths are limited to 107 bytes: use /tmp when the data folder is too deep.
  sock="$base/pg-$name.sock"
  if [[ $(( ${#sock} + 20 )) -gt 100 ]]; then
    sock=/tmp
  else
    mkdir -p "$sock"
    _cc_chown_server "$sock"
  fi

  if [[ ! -s $data/PG_VERSION ]]; then
    password="$(_cc_pg_password "$name")" || return 1
    pwtmp="$base/.pg-$name.pwfile"
    (umask 077 && printf '%s\n' "$password" >"$pwtmp")
    _cc_chown_server "$pwtmp"
    if ! _cc_pg_as_server "$bin/initdb" -D "$data" -U postgres --pwfile="$pwtmp" \
        --auth-host=scram-sha-256 --auth-local=peer \
        --encoding=UTF8 --locale=C.UTF-8 >"$log.initdb" 2>&1; then
      rm -f "$pwtmp"
      tail -n 20 "$log.initdb" >&2
      cc_die "initdb failed for $data"
      return 1
    fi
    rm -f "$pwtmp" "$log.initdb"
    echo "include_if_exists = 'commandcenter.conf'" >>"$data/postgresql.conf"
  fi

  if _cc_pg_as_server "$bin/pg_ctl" status -D "$data" >/dev/null 2>&1; then
    running_port="$(sed -n 4p "$data/postmaster.pid" 2>/dev/null || true)"
    if [[ $running_port != "$port" ]]; then
      cc_die "cluster '$name' is already running on port $running_port, not $port (scripts: cc_pg_stop $name)"
      return 1
    fi
    CC_PG_STARTED=0
    return 0
  fi

  cat >"$data/commandcenter.conf" <<EOF
# Written by scripts/lib.sh on every start.
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$sock'
max_connections = 200
EOF
  _cc_chown_server "$data/commandcenter.conf"

  # pg_ctl copes with a stale postmaster.pid and waits (up to 30 s) until connections are accepted.
  CC_PG_STARTED=1
  if ! _cc_pg_as_server "$bin/pg_ctl" start -D "$data" -l "$log" -w -t 30 >/dev/null 2>&1; then
    tail -n 20 "$log" >&2
    cc_die "PostgreSQL cluster '$name' failed to start on 127.0.0.1:$port or was not ready within 30 s (log: $log)"
    return 1
  fi
  deadline=$((SECONDS + 30))
  until "$bin/pg_isready" -q -h 127.0.0.1 -p "$port"; do
    if ((SECONDS >= deadline)); then
      tail -n 20 "$log" >&2
      cc_die "PostgreSQL cluster '$name' is not accepting TCP connections on 127.0.0.1:$port (log: $log)"
      return 1
    fi
    sleep 0.2
  done
}

# cc_pg_stop NAME — fast shutdown when running; silent otherwise.
cc_pg_stop() {
  local name=$1 bin data
  bin="$(_cc_pg_bin)" || return 1
  data="$(_cc_pg_base)/pg-$name"
  [[ -d $data ]] || return 0
  if _cc_pg_as_server "$bin/pg_ctl" status -D "$data" >/dev/null 2>&1; then
    _cc_pg_as_server "$bin/pg_ctl" stop -D "$data" -m fast -w >/dev/null
  fi
}

# cc_pg_connection NAME PORT DB — prints the Npgsql connection string for the cluster.
cc_pg_connection() {
  local name=$1 port=$2 db=$3 file
  file="$(_cc_pg_password_file "$name")"
  if [[ ! -s $file ]]; then
    cc_die "no password for cluster '$name' ($file): run cc_pg_start first"
    return 1
  fi
  printf 'Host=127.0.0.1;Port=%s;Database=%s;Username=postgres;Password=%s\n' "$port" "$db" "$(cat "$file")"
}
