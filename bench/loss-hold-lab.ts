// Issue 13 (seed 901): does the "act on a loss once the membership has settled" rule (src/runtime/crm/
// loss-hold.ts) ever delay a plain kill -9? Three `hakit run --crm` nodes on loopback (no root), in
// sub-second mode by default (keepalive 100 ms, deadtime 500 ms); --kills times a node is killed
// (kill -9; the DC every other time), and each survivor's log is read: did it act on the loss at once
// or wait for another member ("waiting for ...")? A wait is the only delay the rule can add. --busy N
// runs N busy loops beside it (killed by PID at the end). Run by bench/loss-hold.mjs with tsx.
import {spawn, type ChildProcess} from 'node:child_process'
import {readFileSync} from 'node:fs'
import {CrmLab} from '../test/runtime/crm/crm-lab.js'

const arg = (name: string, fallback: number) => Number(process.argv[process.argv.indexOf(`--${name}`) + 1] || fallback)
const kills = process.argv.includes('--kills') ? arg('kills', 10) : 10
const busy = process.argv.includes('--busy') ? arg('busy', 0) : 0
const keepaliveMs = process.argv.includes('--keepalive') ? arg('keepalive', 100) : 100
const deadtimeMs = process.argv.includes('--deadtime') ? arg('deadtime', 500) : 500
const NODES = ['n1', 'n2', 'n3']

const cib = `${NODES.map((n) => `node ${n}`).join('\n')}
primitive d1 ocf:pacemaker:Dummy op monitor interval=10s timeout=20s
primitive d2 ocf:pacemaker:Dummy op monitor interval=10s timeout=20s
group g d1 d2
property stonith-enabled=false
property no-quorum-policy=stop
property dc-deadtime=5s
`
const lab = new CrmLab({nodes: NODES, cib, keepalive: `${keepaliveMs}ms`, deadtime: `${deadtimeMs}ms`})
const loops: ChildProcess[] = []
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

async function settled(up: string[]): Promise<string> {
  let dc = ''
  await lab.waitFor(`${up.join(', ')} settled`, async () => {
    const statuses = await Promise.all(up.map((n) => lab.status(n)))
    const ok = statuses.every((s) => s && s.dc === statuses[0]!.dc && [...s.members].sort().join() === [...up].sort().join())
    const dcStatus = statuses[up.indexOf(statuses[0]?.dc ?? '')]
    dc = statuses[0]?.dc ?? ''
    return ok && dcStatus?.controller === 'S_IDLE'
  }, 120_000)
  return dc
}

let observations = 0
const waits: string[] = []
try {
  for (let i = 0; i < busy; i++) loops.push(spawn(process.execPath, ['-e', 'for(;;){}'], {stdio: 'ignore'}))
  for (const n of NODES) lab.start(n)
  let dc = await settled(NODES)
  for (let k = 0; k < kills; k++) {
    const victim = k % 2 === 0 ? dc : NODES.find((n) => n !== dc)!
    const survivors = NODES.filter((n) => n !== victim)
    const offsets = new Map(survivors.map((n) => [n, lab.log(n).length]))
    lab.powerOff(victim)
    await lab.exited(victim)
    await settled(survivors)
    for (const n of survivors) {
      const text = lab.log(n).slice(offsets.get(n))
      if (!text.includes(`node ${victim}: is dead`)) continue
      observations++
      for (const line of text.split('\n')) if (line.includes('waiting for')) waits.push(line.replace(/^.*notice: /, `${n}: `))
    }
    lab.start(victim)
    dc = await settled(NODES)
    await sleep(200)
  }
} finally {
  for (const p of loops) p.kill('SIGKILL')
  await lab.cleanup()
}
const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')
console.log(`loss-hold: 3 nodes, keepalive ${keepaliveMs} ms, deadtime ${deadtimeMs} ms, ${busy} busy loop(s), host load ${load}`)
console.log(`  kill -9: ${kills}, survivors that declared the victim dead: ${observations}, losses that waited for another member: ${waits.length}`)
for (const w of waits) console.log(`  waited: ${w}`)
