// The crm-lab outage timeline (bench/lib/crm-timeline.mjs) on trimmed out dirs of real hblab runs
// (test/fixtures/bench/crm-timeline: graceful-stop and monitor-fail, hakit and Pacemaker, 2026-12-06;
// hblab's ha-log.ts is stored as ha-log.stamped, since the type-check takes every *.ts for TypeScript),
// and on small hand-made ones for overlapping runs and a group that never came back.
import {strict as assert} from 'node:assert'
import {cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {after, describe, it} from 'node:test'
import {formatTimelines, medianTimeline, runTimeline, type RunTimeline} from '../../bench/lib/crm-timeline.mjs'
import {projectRoot} from '../helpers/cli.js'

// pacemaker.log stamps are the lab host's local time; the fixtures were recorded on a UTC host
process.env.TZ = 'UTC'
const scratch = mkdtempSync(join(tmpdir(), 'crm-timeline-test-'))
after(() => rmSync(scratch, {recursive: true, force: true}))
// the fixtures as hblab wrote them (nodes/NODE/ha-log.ts)
const fixtures = join(scratch, 'fixtures')
cpSync(join(projectRoot, 'test', 'fixtures', 'bench', 'crm-timeline'), fixtures, {recursive: true})
for (const run of readdirSync(fixtures)) {
  for (const node of readdirSync(join(fixtures, run, 'nodes'))) {
    const stamped = join(fixtures, run, 'nodes', node, 'ha-log.stamped')
    if (existsSync(stamped)) renameSync(stamped, join(fixtures, run, 'nodes', node, 'ha-log.ts'))
  }
}
const GROUP_MOVE = ['stop http n1', 'stop beta n1', 'stop alpha n1', 'stop vip n1', 'start vip n2', 'start alpha n2', 'start beta n2', 'start http n2']

function faultAt(dir: string, event: string): number {
  const line = readFileSync(join(dir, 'events.tsv'), 'utf8').split('\n').find((l) => l.split('\t')[2] === 'harness' && l.split('\t')[3] === event)
  return Number(line!.split('\t')[0])
}

/** The parts of the window add up, and every step is inside it. */
function assertConsistent(t: RunTimeline): void {
  const s = t.summary
  assert.equal(s.beforeFirstMs + s.agentsMs + s.betweenMs, s.windowMs)
  assert.equal(s.fromFirstMs, s.windowMs - s.beforeFirstMs)
  assert.equal(s.runs, t.steps.length)
  assert.equal(s.beforeFirstMs, t.steps[0]!.offset)
  for (const step of t.steps) {
    assert.ok(step.ran >= 0, step.key)
    assert.ok(step.offset + step.ran <= s.windowMs, step.key)
  }
  // the agents' own stamps fall inside their runs (hakit's runs come from log lines stamped on arrival: ±10 ms)
  for (const step of t.steps) if (step.stampOffset !== null) assert.ok(step.stampOffset >= step.offset - 10 && step.stampOffset <= step.offset + step.ran + 10, `${step.key}: stamp +${step.stampOffset} outside +${step.offset}..+${step.offset + step.ran}`)
}

describe('crm-lab timeline', () => {
  it('hakit graceful stop: the eight runs of the group move, in order, with the exec time the executor logged', () => {
    const dir = join(fixtures, 'graceful-stop-hakit')
    const t = runTimeline(dir, 'hakit', 'graceful-stop')!
    assert.deepEqual(t.steps.map((s) => s.key), GROUP_MOVE)
    assertConsistent(t)
    // "Result of stop operation for http on n1: ok | rc=0 exec-time=74ms": it ran 74 ms, from the earlier of
    // the request's arrival and the result's arrival minus 74 ms
    const log = readFileSync(join(dir, 'nodes', 'n1', 'ha-log.ts'), 'utf8').split('\n')
    const result = log.find((l) => /Result of stop operation for http on n1: ok \| rc=0 exec-time=/.test(l))!
    const request = log.find((l) => /Requesting local execution of stop operation for http on n1/.test(l))!
    const execMs = Number(/exec-time=(\d+)ms/.exec(result)![1])
    const stop = t.steps[0]!
    assert.equal(stop.ran, execMs)
    assert.equal(stop.offset, Math.min(Number(request.split(' ')[0]), Number(result.split(' ')[0]) - execMs) - faultAt(dir, 'sigterm'))
    // IPaddr2 stamps nothing; Probe and HttpVip do
    assert.deepEqual(t.steps.filter((s) => s.stampOffset === null).map((s) => s.key), ['stop vip n1', 'start vip n2'])
  })

  it('Pacemaker graceful stop: the same runs from pacemaker-execd\'s own stamps', () => {
    const dir = join(fixtures, 'graceful-stop-pacemaker')
    const t = runTimeline(dir, 'pacemaker', 'graceful-stop')!
    assert.deepEqual(t.steps.map((s) => s.key), GROUP_MOVE)
    assertConsistent(t)
    // "http start (call 24, ...) exited with status 0 (execution time 222ms)": the stamps agree within libqb's granularity
    const start = t.steps.at(-1)!
    assert.ok(Math.abs(start.ran - 222) <= 4, `ran ${start.ran}`)
    // the window ends when the last member's start has finished
    assert.equal(t.summary.windowMs, start.offset + start.ran)
  })

  it('monitor failure: the failed monitor starts at the agent\'s stamp, then the restart in place', () => {
    for (const impl of ['hakit', 'pacemaker'] as const) {
      const dir = join(fixtures, `monitor-fail-${impl}`)
      const t = runTimeline(dir, impl, 'monitor-fail')!
      assert.deepEqual(t.steps.map((s) => s.key), ['monitor http n1', 'stop http n1', 'start http n1'], impl)
      assert.equal(t.steps[0]!.ok, false)
      const kill = faultAt(dir, 'service_kill')
      const stamp = readFileSync(join(dir, 'events.tsv'), 'utf8').split('\n').find((l) => l.includes('\tprobe\tmonitor\thttp stopped') && Number(l.split('\t')[0]) > kill)!
      assert.equal(t.steps[0]!.offset, Number(stamp.split('\t')[0]) - kill, impl)
      assertConsistent(t)
    }
  })

  /** A hakit out dir: harness/probe events and each node's ha-log.ts lines. */
  function hakitDir(name: string, events: string[], logs: Record<string, string[]>): string {
    const dir = join(scratch, name)
    for (const [node, lines] of Object.entries(logs)) {
      mkdirSync(join(dir, 'nodes', node), {recursive: true})
      writeFileSync(join(dir, 'nodes', node, 'ha-log.ts'), lines.join('\n') + '\n')
    }
    writeFileSync(join(dir, 'events.tsv'), events.join('\n') + '\n')
    return dir
  }
  const result = (t: number, op: string, rsc: string, node: string, execMs: number) => `${t} Dec  6 09:00:00 ${node} crmd: [8]: notice: Result of ${op} operation for ${rsc} on ${node}: ok | rc=0 exec-time=${execMs}ms queue-time=0ms`

  it('runs side by side count once as agent time; the gap since the previous run can be negative', () => {
    const dir = hakitDir('overlap', ['1000\tn1\tharness\tsigterm\tpid=8'], {
      n2: [result(1200, 'start', 'alpha', 'n2', 100), result(1250, 'start', 'beta', 'n2', 100), result(1400, 'start', 'http', 'n2', 100)],
    })
    const t = runTimeline(dir, 'hakit', 'graceful-stop')!
    assert.deepEqual(t.steps.map((s) => [s.key, s.offset, s.ran, s.gap]), [['start alpha n2', 100, 100, 100], ['start beta n2', 150, 100, -50], ['start http n2', 300, 100, 50]])
    // 100..250 busy, 250..300 idle, 300..400 busy
    assert.deepEqual(t.summary, {windowMs: 400, beforeFirstMs: 100, changeSeenMs: null, fromFirstMs: 300, agentsMs: 250, betweenMs: 50, runs: 3, daemonCpuMs: null})
  })

  it('the daemons\' CPU from the first run to the end, from the sampler\'s cumulative per-process lines', () => {
    const dir = hakitDir('cpu', ['1000\tn1\tharness\tsigterm\tpid=8'], {n2: [result(1200, 'start', 'alpha', 'n2', 100), result(1400, 'start', 'http', 'n2', 100)]})
    writeFileSync(join(dir, 'cpu.tsv'), [
      '1000\tn1\t8\tnode\t500\tnode /x/bin/run.js run --crm --node n1',
      '1090\tn1\t8\tnode\t520\tnode /x/bin/run.js run --crm --node n1', // the window opens at 1100 (alpha's start)
      '1150\tn1\t8\tnode\t560\tnode /x/bin/run.js run --crm --node n1',
      '1380\tn2\t9\tnode\t40\tnode /x/bin/run.js run --crm --node n2', // first seen inside the window: counts from there
      '1390\tn2\t9\tnode\t70\tnode /x/bin/run.js run --crm --node n2',
      '1200\tn1\t30\tnode\t300\tnode /x/bin/run.js crm node standby n1', // the admin command is no daemon
      '1200\tn2\t31\tpython3\t900\tpython3 httpvip.py', // nor an agent's server
      '1450\tn1\t8\tnode\t700\tnode /x/bin/run.js run --crm --node n1', // after the window
      '#end',
    ].join('\n') + '\n')
    assert.equal(runTimeline(dir, 'hakit', 'graceful-stop')!.summary.daemonCpuMs, 40 + 30)
  })

  it('hakit: a result line that arrived late does not move its run; the request line\'s arrival bounds the start', () => {
    const request = (t: number, rsc: string) => `${t} Dec  6 09:00:00 n2 crmd: [8]: info: Requesting local execution of start operation for ${rsc} on n2 | transition_key=1:1:0:x`
    const dir = hakitDir('late', ['1000\tn1\tharness\tsigterm\tpid=8'], {
      // beta's result came 25 ms after the request although it ran 10 ms (hblab's poll starved under load)
      n2: [request(1100, 'beta'), result(1135, 'start', 'beta', 'n2', 10), request(1140, 'http'), result(1245, 'start', 'http', 'n2', 100)],
    })
    const t = runTimeline(dir, 'hakit', 'graceful-stop')!
    assert.deepEqual(t.steps.map((s) => [s.key, s.offset, s.ran, s.gap]), [['start beta n2', 100, 10, 100], ['start http n2', 140, 100, 30]])
  })

  it('no timeline when the last member never started again, or the scenario has no such fault', () => {
    const dir = hakitDir('never', ['1000\tn1\tharness\tsigterm\tpid=8'], {n1: [result(1100, 'stop', 'http', 'n1', 50)]})
    assert.equal(runTimeline(dir, 'hakit', 'graceful-stop'), null)
    assert.equal(runTimeline(dir, 'hakit', 'standby'), null)
    assert.equal(runTimeline(dir, 'hakit', 'kill-primary'), null)
  })

  it('medians per step over runs; the text names both stacks, the floor and the sources', () => {
    const a = runTimeline(join(fixtures, 'graceful-stop-hakit'), 'hakit', 'graceful-stop')!
    const b = structuredClone(a)
    for (const s of b.steps) s.ran += 10
    b.summary.agentsMs += 80
    const c = structuredClone(b)
    c.steps.pop()
    const m = medianTimeline([a, b, c, null])!
    assert.equal(m.runs, 3)
    assert.equal(m.steps[0]!.ran, a.steps[0]!.ran + 10)
    assert.equal(m.steps.at(-1)!.inRuns, 2)
    assert.equal(m.summary.agentsMs, a.summary.agentsMs + 80)
    const pm = medianTimeline([runTimeline(join(fixtures, 'graceful-stop-pacemaker'), 'pacemaker', 'graceful-stop')])!
    const text = formatTimelines('graceful-stop', {hakit: m, pacemaker: pm}, 4).join('\n')
    assert.match(text, /medians of 3\/4 hakit runs, 1\/4 pacemaker runs/)
    assert.match(text, /start http n2 +\+\d+ \(2 runs\)/)
    assert.match(text, new RegExp(`floor ${(pm.summary.agentsMs! / pm.summary.fromFirstMs!).toFixed(2)}`))
    assert.match(text, /pacemaker-execd/)
  })
})
