# Shared by start.sh and test.sh: make sure pnpm, PostgreSQL and RabbitMQ are there, and the
# workspace is installed. Sourced, not run.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

say() { printf '\033[1m[hookway]\033[0m %s\n' "$*" >&2; }
die() { say "ERROR: $*"; exit 1; }

ensure_node() {
  command -v node >/dev/null 2>&1 || die "Node.js 20.19+ is required (https://nodejs.org)."
  local major; major="$(node -p 'process.versions.node.split(".")[0]')"
  [ "$major" -ge 20 ] || die "Node.js 20.19+ is required, found $(node -v)."
}

# corepack cannot fetch pnpm on every network; npm can.
ensure_pnpm() {
  if command -v pnpm >/dev/null 2>&1 && [ "$(pnpm --version | cut -d. -f1)" = "10" ]; then return; fi
  say "installing pnpm 10 with npm"
  npm install -g pnpm@10 >/dev/null 2>&1 || true
  if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version | cut -d. -f1)" != "10" ]; then
    pnpm() { npx --yes pnpm@10 "$@"; }
  fi
}

# host and port of a URL like postgres://user@host:port/db
url_host() { node -e 'const u=new URL(process.argv[1]);console.log(u.hostname.replace(/^\[|\]$/g,""))' "$1"; }
url_port() { node -e 'const u=new URL(process.argv[1]);console.log(u.port||process.argv[2])' "$1" "$2"; }
answers() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }
is_local() { [ "$1" = "127.0.0.1" ] || [ "$1" = "localhost" ] || [ "$1" = "::1" ]; }

wait_for() { # host port seconds
  local i; for ((i = 0; i < $3 * 4; i++)); do answers "$1" "$2" && return 0; sleep 0.25; done; return 1
}

ensure_postgres() {
  local url="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/hookway}"
  local host port; host="$(url_host "$url")"; port="$(url_port "$url" 5432)"
  answers "$host" "$port" && return
  if is_local "$host" && command -v pg_ctlcluster >/dev/null 2>&1; then
    say "PostgreSQL is not answering on $host:$port; starting it"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
    wait_for "$host" "$port" 30 && return
  fi
  die "PostgreSQL does not answer on $host:$port. Start it (Debian: pg_ctlcluster --skip-systemctl-redirect \$(ls /etc/postgresql) main start) or set DATABASE_URL."
}

ensure_rabbitmq() {
  local url="${RABBITMQ_URL:-amqp://guest:guest@127.0.0.1:5672}"
  local host port; host="$(url_host "$url")"; port="$(url_port "$url" 5672)"
  answers "$host" "$port" && return
  if is_local "$host" && command -v rabbitmq-server >/dev/null 2>&1; then
    say "RabbitMQ is not answering on $host:$port; starting it"
    rabbitmq-server -detached || true
    wait_for "$host" "$port" 90 && { sleep 2; return; }
  fi
  die "RabbitMQ does not answer on $host:$port. Start it (rabbitmq-server -detached) or set RABBITMQ_URL."
}

ensure_install() {
  say "installing dependencies (pnpm install --frozen-lockfile)"
  CI=true pnpm install --frozen-lockfile --reporter=silent
}

# The console's browser tests drive Debian's chromium (never Playwright's own download). Installed here when
# missing and we are root with apt-get; otherwise the browser tests fail saying how to install it.
chromium_path() {
  if [ -n "${CHROMIUM_PATH:-}" ]; then echo "$CHROMIUM_PATH"; return; fi
  command -v chromium 2>/dev/null || command -v chromium-browser 2>/dev/null || true
}

ensure_chromium() {
  [ -n "$(chromium_path)" ] && return
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "installing chromium for the console's browser tests (apt-get)"
    if DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null; then
      return
    fi
  fi
  say "WARNING: chromium is not installed and could not be installed here; the console's browser tests will fail." \
    "Install it (Debian: apt-get install chromium) or set CHROMIUM_PATH."
}

# The management service serves the console from services/management/console/dist; build it from the sources.
ensure_console() {
  say "building the operator console"
  pnpm run --silent build:console
}

prepare() {
  ensure_node
  ensure_pnpm
  ensure_postgres
  ensure_rabbitmq
  ensure_install
  ensure_chromium
  ensure_console
}
