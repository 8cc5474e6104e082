#!/usr/bin/env bash
# Lighthouse (npm `lighthouse`, Debian's chromium) against the running app; prints category scores.
#   scripts/lighthouse.sh [URL] [REPORT.json]        default URL: http://127.0.0.1:5000/
# Start the app first (scripts/start). To audit the visit list instead of the sign-in screen,
# set LIGHTHOUSE_EMAIL and LIGHTHOUSE_PASSWORD to an account of that app.
# Goals: performance >= 95, accessibility 100, best practices >= 95.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
URL=${1:-http://127.0.0.1:5000/}
VERSION=12.8.2  # 13.x needs node 22; Debian 12 ships node 18/20
TOOL_DIR=${LIGHTHOUSE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/visits-lighthouse}
if [ ! -f "$TOOL_DIR/node_modules/lighthouse/package.json" ] \
  || ! grep -q "\"version\": \"$VERSION\"" "$TOOL_DIR/node_modules/lighthouse/package.json"; then
  mkdir -p "$TOOL_DIR"
  npm install --prefix "$TOOL_DIR" --no-save --no-audit --no-fund --silent "lighthouse@$VERSION" >/dev/null
fi
export CHROME_PATH=${CHROME_PATH:-/usr/bin/chromium}
# Node resolves bare imports from the script's folder upwards, so run a copy inside TOOL_DIR.
cp "$ROOT/scripts/lighthouse.mjs" "$TOOL_DIR/lighthouse.mjs"
exec node "$TOOL_DIR/lighthouse.mjs" "$URL" "${2:-}"
