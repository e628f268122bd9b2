#!/usr/bin/env bash
# The test command (`npm test`): system packages, build, then every test file
# under test/ with node's test runner.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-system-packages.sh
[ -d node_modules ] || npm ci --no-audit --no-fund
npm run -s build
# the tests, benches and scripts' .ts files are type-checked too (tsconfig.json covers src/ only)
npx tsc -p tsconfig.test.json
mapfile -t files < <(find test -name '*.test.ts' | sort)
exec node --import tsx --test --test-concurrency=2 "$@" "${files[@]}"
