#!/usr/bin/env bash
# `npm start`: the self-contained demo on the bundled example cluster.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci --no-audit --no-fund >/dev/null
npm run -s build
exec node scripts/demo.mjs "$@"
