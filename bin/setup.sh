#!/bin/sh
# One-time (and idempotent) setup of a machine for webtensor: Node 22, the npm packages, and
# Debian's Chromium for the real-browser tests. `npm run setup` runs it.
set -e
cd "$(dirname "$0")/.."
if [ ! -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "webtensor setup: installing Debian's chromium (for the real-browser tests)" >&2
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "webtensor setup: no Chromium at ${CHROMIUM_PATH:-/usr/bin/chromium}; the browser tests need it." >&2
    echo "  install it (Debian/Ubuntu: sudo apt-get install -y chromium) or set CHROMIUM_PATH" >&2
  fi
fi
# npm ci in CI (exactly the lockfile), npm install for a person (fast when nothing changed).
if [ "${CI:-}" = true ]; then
  bin/with-node22 npm ci --no-audit --no-fund
else
  bin/with-node22 npm install --no-audit --no-fund
fi
bin/with-node22 node --version >/dev/null
