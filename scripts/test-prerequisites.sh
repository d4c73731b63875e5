#!/usr/bin/env bash
# npm runs this before `npm test` (the `pretest` script). It checks what the tests need
# beyond npm, so that a fresh machine stops within seconds, with the command to run,
# instead of failing tests for a quarter of an hour.
#  - Programs the suites start themselves (Debian packages): when some are missing they are
#    installed with apt-get if this may (root or passwordless sudo, and TEST_INSTALL_PACKAGES
#    is not 0); otherwise one line names the command to run.
#  - The shared PostgreSQL and Redis that the test runs use must answer. They are the
#    machine's services, not the tests': this only says how to start them.
set -euo pipefail

pg_bin=${POSTGRES_BIN:-/usr/lib/postgresql/15/bin}
chromium=${CHROMIUM_PATH:-/usr/bin/chromium}

# A path given in the environment is the user's choice: name it rather than install anything.
for tool in initdb pg_ctl pg_basebackup; do
  if [ -n "${POSTGRES_BIN:-}" ] && [ ! -x "$pg_bin/$tool" ]; then
    echo "POSTGRES_BIN=$pg_bin has no $tool: point it at PostgreSQL 15's bin directory" >&2
    exit 1
  fi
done
if [ -n "${CHROMIUM_PATH:-}" ] && [ ! -x "$chromium" ]; then
  echo "CHROMIUM_PATH=$chromium is not an executable: point it at a Chromium" >&2
  exit 1
fi

missing=() # Debian packages to install
has() { command -v "$1" >/dev/null 2>&1; }
has haproxy || missing+=(haproxy)               # fault suite: several instances behind a balancer
has pgbouncer || missing+=(pgbouncer)           # fault suite: the production topology
has redis-server || missing+=(redis-server)     # fault suite: a private Redis per scenario
has redis-cli || missing+=(redis-tools)         # fault suite, and the check below
[ -x "$pg_bin/initdb" ] && [ -x "$pg_bin/pg_ctl" ] && [ -x "$pg_bin/pg_basebackup" ] ||
  missing+=(postgresql-15)                      # fault suite: private clusters and replicas
has pg_isready || missing+=(postgresql-client)  # the check below
[ -x "$chromium" ] || missing+=(chromium)       # browser tests (playwright-core drives it)

if [ ${#missing[@]} -gt 0 ]; then
  sudo=()
  [ "$(id -u)" = 0 ] || sudo=(sudo -n)
  if [ "${TEST_INSTALL_PACKAGES:-1}" != 0 ] && has apt-get && { [ ${#sudo[@]} = 0 ] || sudo -n true 2>/dev/null; }; then
    echo "Installing ${missing[*]} with apt-get (TEST_INSTALL_PACKAGES=0 turns this off)"
    start=$SECONDS
    "${sudo[@]}" apt-get update -qq
    # The lock timeout lets two runs that start together wait for each other.
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
      apt-get install -y -qq -o DPkg::Lock::Timeout=300 "${missing[@]}" >/dev/null
    echo "Installed in $((SECONDS - start)) s"
  elif has apt-get; then
    prefix=${sudo[0]:+sudo }
    echo "Missing ${missing[*]}: run  ${prefix}apt-get update && ${prefix}apt-get install -y ${missing[*]}" >&2
    exit 1
  else
    echo "Missing ${missing[*]} (Debian package names): install them, or their equivalents" >&2
    exit 1
  fi
fi

# The URLs the tests use; a password in them is not printed.
database_url=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/commerce}
redis_url=${REDIS_URL:-redis://127.0.0.1:6379}
shown() { sed -E 's#//([^:/@]*):[^@/]*@#//\1:***@#' <<<"$1"; }
down=0
if ! pg_isready -q -d "$database_url"; then
  echo "PostgreSQL does not answer at $(shown "$database_url"): start it, e.g.  sudo pg_ctlcluster 15 main start" >&2
  down=1
fi
if [ "$(redis-cli -u "$redis_url" ping 2>/dev/null)" != PONG ]; then
  echo "Redis does not answer at $(shown "$redis_url"): start it, e.g.  redis-server --daemonize yes" >&2
  down=1
fi
exit "$down"
