// RSS and CPU at idle of both stacks (issue 13, "Done when"), run by bench/crm-lab.mjs with
// `node --import tsx` (it reuses the test helper that boots real Corosync + Pacemaker nodes).
// Both run two nodes and the same group of three ocf:pacemaker:Dummy resources (10 s monitors,
// location 100 on n1); once it runs, each node is measured for --seconds S: resident memory of its
// cluster daemons (hakit: the one process; Pacemaker: corosync, pacemakerd and the six
// pacemaker-* daemons), their own CPU, and the CPU of the agents they ran (reaped children).
// Prints one JSON line: {hakit: [...per node], pacemaker: [...per node], seconds}.
import {spawnSync} from 'node:child_process'
import {existsSync, readFileSync, readdirSync, rmSync} from 'node:fs'
import {join} from 'node:path'
import {pacemakerLabUnavailable, startPacemakerLab} from '../test/helpers/pacemaker-lab.js'
import {loopbackCrmCluster, startCrmNodes} from './lib/crm-loopback.mjs'

const seconds = Number(process.argv[process.argv.indexOf('--seconds') + 1] || 30)
const TICK_MS = 10 // USER_HZ 100
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const GROUP = ['d1', 'd2', 'd3']

interface Sample {own: number; children: number; rssKb: number; processes: number}
interface NodeFigures {node: string; rssMb: number; daemonCpuPct: number; agentsCpuPct: number; processes: number}

function sample(pids: number[]): Sample {
  const s: Sample = {own: 0, children: 0, rssKb: 0, processes: 0}
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
      s.own += (Number(stat[11]) + Number(stat[12])) * TICK_MS
      s.children += (Number(stat[13]) + Number(stat[14])) * TICK_MS
      s.rssKb += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0)
      s.processes++
    } catch {
      // gone meanwhile
    }
  }
  return s
}

async function measure(nodes: Array<{name: string; pids: () => number[]}>): Promise<NodeFigures[]> {
  const before = nodes.map((n) => sample(n.pids()))
  const t0 = Date.now()
  await sleep(seconds * 1000)
  const wall = Date.now() - t0
  return nodes.map((n, i) => {
    const after = sample(n.pids())
    return {
      node: n.name, rssMb: Math.round(after.rssKb / 102.4) / 10, processes: after.processes,
      daemonCpuPct: Math.round(((after.own - before[i]!.own) / wall) * 10_000) / 100,
      agentsCpuPct: Math.round(((after.children - before[i]!.children) / wall) * 10_000) / 100,
    }
  })
}

async function hakit(): Promise<NodeFigures[]> {
  const {work, nodes, cibFile} = loopbackCrmCluster({
    prefix: 'hakit-crm-lab-idle-', key: 'hakit-crm-lab-idle',
    timing: ['keepalive 750ms', 'deadtime 6600ms', 'warntime 3300ms', 'initdead 14'],
    crm: [...GROUP.map((id) => `primitive ${id} ocf:pacemaker:Dummy op monitor interval=10s timeout=20s`), `group g ${GROUP.join(' ')}`, 'location g-on-n1 g 100: n1', 'property stonith-enabled=false'],
  })
  try {
    startCrmNodes(nodes, cibFile)
    const running = () => readdirSync(join(nodes[0]!.dir, 'run')).filter((f) => /^Dummy-.*\.state$/.test(f)).length
    const started = Date.now()
    while (running() < GROUP.length && Date.now() - started < 120_000) await sleep(200)
    if (running() < GROUP.length) throw new Error('hakit: the group did not start on n1')
    await sleep(5000)
    return await measure(nodes.map((n) => ({name: n.name, pids: () => [n.proc!.pid!]})))
  } finally {
    for (const node of nodes) node.proc?.kill('SIGKILL')
    await sleep(200)
    rmSync(work, {recursive: true, force: true})
  }
}

async function pacemaker(): Promise<NodeFigures[] | string> {
  const why = pacemakerLabUnavailable()
  if (why) return why
  const lab = await startPacemakerLab(2)
  try {
    const n1 = lab.nodes[0]!
    const run = (argv: string[]) => {
      const r = lab.exec(n1, argv)
      if (r.status !== 0) throw new Error(`${argv.join(' ')}: ${r.stderr}`)
    }
    run(['crm_attribute', '-n', 'stonith-enabled', '-v', 'false'])
    const primitives = GROUP.map((id) => `<primitive id="${id}" class="ocf" provider="pacemaker" type="Dummy"><operations><op id="${id}-monitor-10s" name="monitor" interval="10s" timeout="20s"/></operations></primitive>`)
    run(['cibadmin', '-C', '-o', 'resources', '-X', `<group id="g">${primitives.join('')}</group>`])
    run(['cibadmin', '-C', '-o', 'constraints', '-X', '<rsc_location id="g-on-n1" rsc="g" node="n1" score="100"/>'])
    await lab.waitFor('the group started on n1', 120_000, () => {
      const out = lab.exec(n1, ['crm_mon', '-1', '-r']).stdout
      return GROUP.every((id) => new RegExp(`${id}\\s+\\(ocf:pacemaker:Dummy\\):\\s+Started n1`).test(out))
    })
    await sleep(5000)
    const daemons = (netns: string) => () =>
      spawnSync('ip', ['netns', 'pids', netns], {encoding: 'utf8'}).stdout.split('\n').map(Number).filter((pid) => {
        if (!pid) return false
        try {
          return /^(corosync|pacemakerd|pacemaker-\w+)$/.test(readFileSync(`/proc/${pid}/comm`, 'utf8').trim())
        } catch {
          return false
        }
      })
    return await measure(lab.nodes.map((n) => ({name: n.name, pids: daemons(n.netns)})))
  } finally {
    lab.stop()
  }
}

const result: Record<string, unknown> = {seconds}
try {
  result.hakit = await hakit()
} catch (error) {
  result.hakit = (error as Error).message
}
try {
  result.pacemaker = await pacemaker()
} catch (error) {
  result.pacemaker = (error as Error).message.split('\n')[0]
}
if (!existsSync('/usr/lib/ocf/resource.d/pacemaker/Dummy')) result.hakit = 'ocf:pacemaker:Dummy is not installed'
console.log(JSON.stringify(result))
