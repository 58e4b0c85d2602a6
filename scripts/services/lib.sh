# Shared by dtq's service scripts: where state and caches live, logging to stderr, port checks.
# Sourced, not run.

DTQ_SERVICES_DIR=${DTQ_SERVICES_DIR:-/tmp/dtq-services}
DTQ_CACHE_DIR=${DTQ_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/dtq}
SERVICES_SCRIPTS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

say() { printf 'services: %s\n' "$*" >&2; }
die() { printf 'services: ERROR: %s\n' "$*" >&2; exit 1; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# wait_for NAME SECONDS COMMAND...: polls COMMAND once a second until it succeeds.
wait_for() {
  local name=$1 seconds=$2
  shift 2
  for _ in $(seq "$seconds"); do
    "$@" && return 0
    sleep 1
  done
  return 1
}

# need_command COMMAND WHAT: stops with a message naming the missing toolchain.
need_command() {
  command -v "$1" >/dev/null 2>&1 || die "$2 is needed ('$1' is not on PATH)"
}

# need_debian_package COMMAND PACKAGE: installs PACKAGE with apt-get when COMMAND is missing and
# this is root on Debian; otherwise stops with a message that names the package.
need_debian_package() {
  local command=$1 package=$2
  if command -v "$command" >/dev/null 2>&1 || [ -x "$command" ]; then return 0; fi
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "installing Debian package $package"
    if [ ! -f "$DTQ_SERVICES_DIR/.apt-updated" ]; then
      DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 && mkdir -p "$DTQ_SERVICES_DIR" && touch "$DTQ_SERVICES_DIR/.apt-updated"
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$package" >&2 \
      || die "apt-get could not install $package"
  else
    die "$command is missing: install the Debian package $package (or run this script as root to have it installed)"
  fi
}

# started NAME: marks a service as started by these scripts, so services:down stops only those.
mark_started() { mkdir -p "$DTQ_SERVICES_DIR/started" && touch "$DTQ_SERVICES_DIR/started/$1"; }
was_started() { [ -f "$DTQ_SERVICES_DIR/started/$1" ]; }
unmark_started() { rm -f "$DTQ_SERVICES_DIR/started/$1"; }

# stop_pidfile FILE: TERM, then KILL after 15 s, the process whose pid FILE holds.
stop_pidfile() {
  local file=$1 pid
  [ -f "$file" ] || return 0
  pid=$(cat "$file")
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null
    for _ in $(seq 30); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$file"
}
