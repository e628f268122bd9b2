#!/usr/bin/env node
// Legacy runtime: how long bringing a haresources group up and down takes,
// hakit's resource manager against Heartbeat 3.0.6's own ResourceManager
// (/usr/share/heartbeat/ResourceManager takegroup/givegroup), on the same
// hblab Probe scripts, in the same run. Also: hakit's "declared dead → group
// up" through the failover machine, and the decision time of the pure machine.
//
// Heartbeat's ResourceManager insists on /etc/ha.d, so it runs in a private
// mount + PID namespace with a scratch dir bind-mounted there (needs root;
// without root only the hakit rows are printed).
import {spawnSync} from 'node:child_process'
import {copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync, existsSync, chmodSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, dirname} from 'node:path'
import {fileURLToPath} from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const {ResourceManager} = await import(join(root, 'dist/runtime/legacy/resource-manager.js'))
const {LegacyRuntime} = await import(join(root, 'dist/runtime/legacy/runtime.js'))
const {FailoverMachine} = await import(join(root, 'dist/runtime/legacy/failover.js'))
const {groupFromFields} = await import(join(root, 'dist/runtime/legacy/types.js'))

const RUNS = 15
const probe = join(root, '..', 'shared', 'tools', 'hblab', 'lib', 'resource.d', 'Probe')
const fallbackProbe = '/work/shared/tools/hblab/lib/resource.d/Probe'
const probeScript = existsSync(probe) ? probe : fallbackProbe
if (!existsSync(probeScript)) {
  console.log('hblab Probe script not found; skipping')
  process.exit(0)
}

const scratch = mkdtempSync(join(tmpdir(), 'hakit-bench-legacy-'))
const haDir = join(scratch, 'ha.d')
mkdirSync(join(haDir, 'resource.d'), {recursive: true})
copyFileSync(probeScript, join(haDir, 'resource.d', 'Probe'))
chmodSync(join(haDir, 'resource.d', 'Probe'), 0o755)
copyFileSync('/etc/ha.d/shellfuncs', join(haDir, 'shellfuncs'))
writeFileSync(join(haDir, 'hblab.env'), '')
const line = ['bench', 'Probe::alpha', 'Probe::beta', 'Probe::gamma', 'Probe::delta']
writeFileSync(join(haDir, 'haresources'), `${line.join(' ')}\n`)
const env = {HBLAB_NODE: 'bench', HBLAB_NODEDIR: join(scratch, 'node'), HA_LOGFILE: '', HA_DEBUGLOG: '/dev/null', HA_CURHOST: 'bench'}
const group = groupFromFields(line)

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const rows = []

// Rounds interleave hakit and Heartbeat so that host load hits both alike.
const rm = new ResourceManager({resourceDirs: [join(haDir, 'resource.d')], env})
const isRoot = process.getuid?.() === 0
const withHeartbeat = isRoot && existsSync('/usr/share/heartbeat/ResourceManager')
const hakitUp = []
const hakitDown = []
const hbUp = []
const hbDown = []
const deadToUp = []
const hbScript = `
  mount --bind ${haDir} /etc/ha.d || exit 9
  a=$(date +%s%N); /usr/share/heartbeat/ResourceManager takegroup Probe::alpha; b=$(date +%s%N)
  /usr/share/heartbeat/ResourceManager givegroup Probe::alpha; c=$(date +%s%N)
  echo "$(( (b-a)/1000 )) $(( (c-b)/1000 ))"`

async function deadToGroupUp() {
  // resolves when the runtime's acquire finished (no busy polling: it would steal CPU from the scripts)
  let acquired
  const done = new Promise((resolve) => (acquired = resolve))
  const watched = {
    acquireGroup: (g) => rm.acquireGroup(g).then((r) => (acquired(), r)),
    releaseGroup: (g) => rm.releaseGroup(g),
    groupStatus: (g) => rm.groupStatus(g),
  }
  const runtime = new LegacyRuntime({
    config: {localNode: 'n2', nodes: ['n1', 'n2'], autoFailback: 'on', stonith: false},
    groups: [{...group, ownerNode: 'n1'}],
    resourceManager: watched,
    send: () => {},
    log: () => {},
  })
  runtime.feed({type: 'node-status', node: 'n1', status: 'active', impl: 'hakit'})
  runtime.feed({type: 'comms-up'})
  runtime.feed({type: 'message', from: 'n1', msg: {t: 'resource', rsc_hold: 'local', rtype: 'full', isstable: '1', hakit_held: group.key, hakit_failed: ''}})
  const t = performance.now()
  runtime.feed({type: 'node-status', node: 'n1', status: 'dead'})
  await done
  const took = performance.now() - t
  if (runtime.snapshot().groups[0].heldBy[0] !== 'n2') throw new Error('the group was not taken over')
  runtime.dispose()
  await rm.releaseGroup(group)
  return took
}

for (let i = 0; i < RUNS; i++) {
  let t = performance.now()
  const up = await rm.acquireGroup(group)
  hakitUp.push(performance.now() - t)
  if (!up.ok) throw new Error('hakit acquire failed')
  t = performance.now()
  await rm.releaseGroup(group)
  hakitDown.push(performance.now() - t)
  deadToUp.push(await deadToGroupUp())
  if (withHeartbeat) {
    const r = spawnSync('unshare', ['--mount', '--pid', '--fork', '--propagation', 'private', 'sh', '-c', hbScript], {encoding: 'utf8', env: {...process.env, ...env}})
    if (r.status !== 0) throw new Error(`Heartbeat ResourceManager run failed: ${r.stderr}`)
    const [u, d] = r.stdout.trim().split(' ').map(Number)
    hbUp.push(u / 1000)
    hbDown.push(d / 1000)
  }
}

rows.push(['take group (4 Probe resources: status + start each)', median(hakitUp), hbUp.length ? median(hbUp) : undefined])
rows.push(['give group up (4 stops)', median(hakitDown), hbDown.length ? median(hbDown) : undefined])

rows.push(['"dead" → group up (machine + resource manager)', median(deadToUp), undefined])
rows.push(['  of which hakit overhead beyond the scripts', Math.max(0, median(deadToUp) - median(hakitUp)), undefined])

// --- pure decision time
const machine = new FailoverMachine({localNode: 'n2', nodes: ['n1', 'n2'], groups: [{key: 'g', ownerNode: 'n1'}], autoFailback: 'on', stonith: false})
machine.handle({type: 'node-status', node: 'n1', status: 'active', impl: 'hakit'}, 0)
machine.handle({type: 'comms-up'}, 0)
let decisions = 0
const t0 = performance.now()
for (let i = 0; i < 20000; i++) {
  machine.handle({type: 'message', from: 'n1', msg: {t: 'resource', rsc_hold: i % 2 ? 'local' : 'none', rtype: 'full', isstable: '1', hakit_held: i % 2 ? 'g' : '', hakit_failed: ''}}, i)
  machine.handle({type: i % 2 ? 'release-done' : 'acquire-done', key: 'g', ok: true}, i)
  decisions += 2
}
const perDecisionUs = ((performance.now() - t0) * 1000) / decisions
rows.push(['failover machine: one event (µs)', perDecisionUs, undefined])

const fmt = (v) => (v === undefined ? '–' : v < 10 ? v.toFixed(2) : v.toFixed(0))
console.log(`legacy runtime, median of ${RUNS} runs (ms unless noted); reference: Heartbeat 3.0.6 ResourceManager`)
console.log(`${'measure'.padEnd(52)} ${'hakit'.padStart(8)} ${'heartbeat'.padStart(10)} ${'ratio'.padStart(7)}`)
for (const [name, hakit, hb] of rows) {
  const ratio = hb === undefined ? '' : `${(hb / hakit).toFixed(1)}x`
  console.log(`${name.padEnd(52)} ${fmt(hakit).padStart(8)} ${fmt(hb).padStart(10)} ${ratio.padStart(7)}`)
}
console.log(`(ratio = heartbeat / hakit; BASELINE.md: Heartbeat needs 436 ms from "dead" to a 4-resource group up, of which IPaddr ≈190 ms)`)
rmSync(scratch, {recursive: true, force: true})
