#!/usr/bin/env bash
# Installs code-server (VS Code in the browser, with a Node extension host) into a
# git-ignored cache folder for the end-to-end tests, offline-friendly and idempotent.
# The steps and their reasons are in docs/testing.md: code-server's own
# install scripts download binaries, so they are skipped and the native modules are
# rebuilt from the npm registry's sources instead; ripgrep comes from Debian.
#
# Usage: bash scripts/e2e/setup.sh        (prints the code-server entry point last)
set -euo pipefail

VERSION="4.100.3"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CACHE="${XSR_E2E_CACHE:-$ROOT/.cache/code-server}"
STAMP="$CACHE/.installed-$VERSION"
ENTRY="$CACHE/node_modules/code-server/out/node/entry.js"

log() { echo "[e2e-setup] $*" >&2; }

# Debian packages: the browser, gssapi.h for the kerberos module, ripgrep for search.
need_apt=()
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
[ -f /usr/include/gssapi.h ] || [ -f /usr/include/gssapi/gssapi.h ] || need_apt+=(libkrb5-dev)
[ -x /usr/bin/rg ] || need_apt+=(ripgrep)
if [ "${#need_apt[@]}" -gt 0 ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    log "installing Debian packages: ${need_apt[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
  else
    log "missing Debian packages: ${need_apt[*]} (install them as root: apt-get install ${need_apt[*]})"
    exit 1
  fi
fi

if [ -f "$STAMP" ] && [ -f "$ENTRY" ]; then
  log "code-server $VERSION already installed in $CACHE"
  echo "$ENTRY"
  exit 0
fi

export npm_config_yes=true          # node-pty's build runs `npx node-gyp`; without this it is cancelled
export npm_config_unsafe_perm=true  # running as root
export npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false

mkdir -p "$CACHE"
cd "$CACHE"
[ -f package.json ] || echo '{ "name": "xsr-e2e-code-server", "private": true }' > package.json

log "installing code-server@$VERSION (scripts skipped)"
npm install --no-save --ignore-scripts --no-package-lock "code-server@$VERSION" >&2

VSCODE_DIR="$CACHE/node_modules/code-server/lib/vscode"
log "installing VS Code's runtime dependencies (scripts skipped)"
(cd "$VSCODE_DIR" && npm install --omit=dev --ignore-scripts >&2)

# @vscode/ripgrep's install script skips its download when the binary is present.
RG_DIR="$VSCODE_DIR/node_modules/@vscode/ripgrep/bin"
mkdir -p "$RG_DIR"
cp /usr/bin/rg "$RG_DIR/rg"

log "rebuilding native modules"
(cd "$VSCODE_DIR" && npm rebuild --foreground-scripts >&2)
npm rebuild --foreground-scripts >&2

touch "$STAMP"
log "code-server $VERSION installed in $CACHE"
echo "$ENTRY"
