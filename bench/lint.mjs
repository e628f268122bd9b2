#!/usr/bin/env node
// Startup and parsing speed of `hakit lint` (run after `npm run build`).
// Medians over repeated runs; references measured in the same run:
//   - `node -e 0`: the floor any Node CLI pays;
//   - ResourceManager's own sed|awk pipeline (ipres) over the same haresources.
import {spawnSync} from 'node:child_process'
import {mkdtempSync, writeFileSync, rmSync, chmodSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, dirname} from 'node:path'
import {fileURLToPath} from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const bin = join(root, 'bin', 'run.js')
const RUNS = 20
const tmp = mkdtempSync(join(tmpdir(), 'hakit-bench-lint-'))

function median(values) {
  const s = [...values].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}

function timeCommand(cmd, args, options = {}) {
  const times = []
  for (let i = 0; i < RUNS; i++) {
    const start = process.hrtime.bigint()
    const r = spawnSync(cmd, args, {encoding: 'utf8', env: {...process.env, NO_COLOR: '1'}, ...options})
    times.push(Number(process.hrtime.bigint() - start) / 1e6)
    if (r.status !== 0 && !options.allowFail) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`)
  }
  return median(times)
}

try {
  const authkeys = join(tmp, 'authkeys')
  writeFileSync(authkeys, 'auth 1\n1 sha1 9c1f4e2b7a6d5c3e8f0a1b2c3d4e5f60\n')
  chmodSync(authkeys, 0o600)

  // A 10 000-line haresources: groups continued over several lines, comments, IPs, scripts with args.
  const lines = []
  for (let i = 0; lines.length < 10000; i++) {
    if (i % 10 === 0) lines.push(`# group ${i}`)
    lines.push(`node${i % 2 ? 'b' : 'a'} 10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}/24/eth0 \\`)
    lines.push(`   drbddisk::r${i} Filesystem::/dev/drbd${i}::/srv/d${i}::ext4 \\`)
    lines.push(`   svc${i}`)
  }
  const haresourcesText = lines.slice(0, 10000).join('\n') + '\n'
  const haresources = join(tmp, 'haresources')
  writeFileSync(haresources, haresourcesText)

  const nodeFloor = timeCommand(process.execPath, ['-e', '0'])
  const version = timeCommand(process.execPath, [bin, '--version'])
  const lint = timeCommand(process.execPath, [bin, 'lint', 'authkeys', authkeys])

  const {parseHaresources} = await import(join(root, 'dist', 'formats', 'haresources', 'parse.js'))
  const parseTimes = []
  let groups = 0
  for (let i = 0; i < 7; i++) {
    const start = process.hrtime.bigint()
    groups = parseHaresources(haresourcesText, haresources).model.groups.length
    parseTimes.push(Number(process.hrtime.bigint() - start) / 1e6)
  }
  const parse = median(parseTimes)
  const ipres = `sed -e 's%#.*%%' -e :a -e '/\\\\$/N; s/\\\\\\n//; ta' -e 's%$% %' -e 's%[\t ][\t ]*% %g' -e '/^[\t ]*$/ d' -e 's%^ %%' '${haresources}' | awk '/.*/ {$1 = tolower($1); print $0, ""}' >/dev/null`
  const sedTimes = []
  for (let i = 0; i < 7; i++) {
    const start = process.hrtime.bigint()
    spawnSync('sh', ['-c', ipres])
    sedTimes.push(Number(process.hrtime.bigint() - start) / 1e6)
  }
  const sed = median(sedTimes)

  const rows = [
    ['hakit --version', version, 'node -e 0', nodeFloor, `${RUNS} runs`],
    ['hakit lint authkeys FILE', lint, 'node -e 0', nodeFloor, `${RUNS} runs, target < 150 ms`],
    [`parse 10 000-line haresources (${groups} groups)`, parse, 'ResourceManager sed|awk', sed, 'in-process, 7 runs'],
  ]
  const pad = (s, n) => String(s).padEnd(n)
  console.log(`${pad('measure', 48)}${pad('median ms', 11)}${pad('reference', 26)}${pad('ref ms', 9)}${pad('ratio', 8)}note`)
  for (const [name, ms, ref, refMs, note] of rows) {
    console.log(`${pad(name, 48)}${pad(ms.toFixed(1), 11)}${pad(ref, 26)}${pad(refMs.toFixed(1), 9)}${pad((ms / refMs).toFixed(2) + 'x', 8)}${note}`)
  }
  if (lint >= 150) console.log(`NOTE: lint median ${lint.toFixed(1)} ms is above the 150 ms target on this machine`)
} finally {
  rmSync(tmp, {recursive: true, force: true})
}
