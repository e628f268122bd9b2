// `npm run bench -- loss-hold`: does acting on a node loss only once the membership has settled
// (issue 13, seed 901; src/runtime/crm/loss-hold.ts) delay a plain kill -9? Runs bench/loss-hold-lab.ts
// (three loopback nodes, no root) in sub-second mode, on the machine as it is and with two busy loops.
// A count, not a timing: how many survivors' losses waited for another member (expected: none).
import {spawnSync} from 'node:child_process'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const kills = process.argv.includes('--kills') ? process.argv[process.argv.indexOf('--kills') + 1] : '10'
let failed = false
for (const busy of ['0', '2']) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'bench', 'loss-hold-lab.ts'), '--kills', kills, '--busy', busy], {cwd: root, stdio: 'inherit', timeout: 1_800_000})
  if (r.status !== 0) failed = true
}
process.exit(failed ? 1 : 0)
