// Where the time of an outage goes, from one hblab run's out dir (issue 13): every agent run from
// the fault until the group's last member is started again, with its start offset from the fault,
// how long it ran and the gap since the previous run ended; then the window split into time before
// the first agent run, time in agents and time between agent runs (decisions, messages, overhead).
//
// Sources (both stacks through their executor's log; the agents' own probe.log stamps are shown beside):
//  - Pacemaker: nodes/NODE/pacemaker.log, pacemaker-execd's "executing - rsc:R action:A" and
//    "R A (call N, PID P) exited with status S (execution time T ms ...)" lines with their own ms
//    stamps (libqb: a few ms of granularity); a failed recurring monitor from the controller's
//    "Result of monitor operation ..." line.
//  - hakit: nodes/NODE/ha-log.ts (hakit logs whole seconds; hblab stamps each line on arrival, polling
//    every 10 ms, later under load): the run's start is the earlier of the "Requesting local execution"
//    line's arrival and the "Result of A operation for R on NODE: ... | rc=N exec-time=Tms" line's
//    arrival minus T (both stamps can only be late), its end that start plus T; without exec-time (an
//    older hakit) the two arrivals.
//  - IPaddr2 (vip) does not stamp; the other agents' stamps (Probe, HttpVip in probe.log) are exact
//    but taken after the agent's shell started, so they fall a few ms inside the run.
import {existsSync, readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'

/** The harness event each scenario's outage is measured from. */
export const FAULTS = {'graceful-stop': 'sigterm', standby: 'standby', 'monitor-fail': 'service_kill'}

/** The group's last member: the outage ends when it has started again. */
const LAST_MEMBER = 'http'
const OPS = new Set(['start', 'stop', 'promote', 'demote'])
const MONTHS = {Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11}

/** 'Dec 06 09:03:02.010' (local time, no year) → epoch ms, in the year of `near`. */
function libqbStamp(text, near) {
  const m = /^(\w{3}) +(\d+) (\d\d):(\d\d):(\d\d)\.(\d{3})/.exec(text)
  if (!m || MONTHS[m[1]] === undefined) return null
  const year = new Date(near).getFullYear()
  for (const y of [year, year - 1]) {
    const t = new Date(y, MONTHS[m[1]], Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])).getTime()
    if (t <= near + 86_400_000) return t
  }
  return null
}

function readLines(file) {
  try {
    return readFileSync(file, 'utf8').split('\n')
  } catch {
    return []
  }
}

/** Pacemaker: execd's executing/finished pairs (non-recurring operations) of one node. */
function pacemakerRuns(node, lines, near) {
  const open = new Map()
  const runs = []
  for (const line of lines) {
    const t = libqbStamp(line, near)
    if (t === null) continue
    let m = /pacemaker-execd.*executing - rsc:(\S+) action:(\S+) call_id:(\d+)/.exec(line)
    if (m) {
      open.set(m[3], {node, rsc: m[1], op: m[2], start: t})
      continue
    }
    m = /pacemaker-execd.*?: (\S+) (\S+) \(call (\d+), PID \d+\) exited with status (\d+) \(execution time (\d+)ms/.exec(line)
    if (m && open.has(m[3])) {
      const run = open.get(m[3])
      open.delete(m[3])
      runs.push({...run, end: t, execMs: Number(m[5]), ok: m[4] === '0'})
      continue
    }
    m = /pacemaker-controld.*Result of monitor operation for (\S+) on (\S+): (not running|error[^|]*?) *\|/.exec(line)
    if (m && m[2] === node && !/interval=0|_monitor_0\b/.test(line)) runs.push({node, rsc: m[1], op: 'monitor', start: null, end: t, execMs: null, ok: false})
  }
  return runs
}

/** hakit: the local executor's request/result lines of one node (arrival stamps). */
function hakitRuns(node, lines) {
  const requested = new Map()
  const runs = []
  for (const line of lines) {
    if (line.includes('[stdout]')) continue
    const t = Number(line.slice(0, line.indexOf(' ')))
    if (!Number.isFinite(t)) continue
    let m = /Requesting local execution of (\S+) operation for (\S+) on (\S+)/.exec(line)
    if (m && m[3] === node) {
      requested.set(`${m[2]} ${m[1]}`, t)
      continue
    }
    m = /Result of (\S+) operation for (\S+) on (\S+): ([^|]*?) \| rc=(\d+)(?: exec-time=(\d+)ms)?/.exec(line)
    if (m && m[3] === node) {
      const key = `${m[2]} ${m[1]}`
      const execMs = m[6] === undefined ? null : Number(m[6])
      const request = requested.get(key) ?? null
      requested.delete(key)
      // both arrival stamps are late, never early: the earlier of the two estimates of the start is the closer
      let start = request
      if (execMs !== null) start = request === null ? t - execMs : Math.min(request, t - execMs)
      const end = execMs !== null && start !== null ? start + execMs : t
      runs.push({node, rsc: m[2], op: m[1], start, end, execMs, ok: m[5] === '0' || (m[1] === 'monitor' && m[5] === '7')})
      continue
    }
    // a failed recurring monitor: the controller's line (on the DC, not necessarily this node)
    m = /Result of monitor operation for (\S+) on (\S+): (not running|error[^|]*?) \| call=\d+ key=\S+_monitor_([1-9]\d*)/.exec(line)
    if (m) runs.push({node: m[2], rsc: m[1], op: 'monitor', start: null, end: t, execMs: null, ok: false})
  }
  return runs
}

/** probe.log events of the run (events.tsv: EPOCH_MS NODE probe EVENT DETAIL). */
function probeStamps(outDir) {
  return readLines(join(outDir, 'events.tsv'))
    .map((l) => l.split('\t'))
    .filter((f) => f[2] === 'probe')
    .map(([t, node, , event, detail]) => ({t: Number(t), node, event, arg: detail.split(' ')[0], detail}))
}

/**
 * Standby: when the DC saw the admin command's change (the command's start-up and CIB round trip,
 * before any decision). Pacemaker: hblab's config_change event (the DC's "Transition aborted by ...
 * Configuration change"); hakit: the first CIB write or transition calculated after the fault.
 */
function changeSeen(outDir, impl, nodes, after) {
  if (impl === 'pacemaker') {
    const hit = readLines(join(outDir, 'events.tsv')).map((l) => l.split('\t')).find((f) => f[2] === 'log' && f[3] === 'config_change' && Number(f[0]) >= after)
    return hit ? Number(hit[0]) : null
  }
  let first = null
  for (const node of nodes) {
    for (const line of readLines(join(outDir, 'nodes', node, 'ha-log.ts'))) {
      const t = Number(line.slice(0, line.indexOf(' ')))
      if (t >= after && (first === null || t < first) && !line.includes('[stdout]') && /cib: .*Wrote version|Calculated transition/.test(line)) first = t
    }
  }
  return first
}

/** The cluster daemons (not agents, not the admin command): hakit's `run`, Corosync and Pacemaker's. */
const isDaemon = (comm, cmdline) => (comm === 'node' && / run /.test(cmdline)) || /^(corosync|pacemaker)/.test(comm)

/**
 * CPU ms the daemons used between two moments, from cpu.tsv (bench/lib/cpu-sampler.mjs: cumulative
 * per process, a line when it changed, 20 ms samples, 10 ms ticks); null without the file.
 */
function daemonCpu(outDir, from, to) {
  const lines = readLines(join(outDir, 'cpu.tsv')).filter((l) => l && !l.startsWith('#'))
  if (lines.length === 0) return null
  const at = new Map() // pid → {before, until}
  for (const line of lines) {
    const [t, , pid, comm, cpu, cmdline = ''] = line.split('\t')
    if (!isDaemon(comm, cmdline)) continue
    const entry = at.get(pid) ?? {before: null, first: Number(cpu), until: null}
    if (Number(t) <= from) entry.before = Number(cpu)
    if (Number(t) <= to) entry.until = Number(cpu)
    at.set(pid, entry)
  }
  let total = 0
  for (const e of at.values()) if (e.until !== null) total += e.until - (e.before ?? e.first)
  return total
}

function harnessEvent(outDir, event) {
  for (const line of readLines(join(outDir, 'events.tsv'))) {
    const f = line.split('\t')
    if (f[2] === 'harness' && f[3] === event) return {t: Number(f[0]), node: f[1]}
  }
  return null
}

/**
 * The outage timeline of one run: {fault, steps, summary} or null when the run has no such fault or
 * the group never came back. Steps are in start order; offsets are ms from the fault.
 */
export function runTimeline(outDir, impl, scenario) {
  const faultEvent = FAULTS[scenario]
  const fault = faultEvent && harnessEvent(outDir, faultEvent)
  if (!fault) return null
  const stamps = probeStamps(outDir)
  const nodesDir = join(outDir, 'nodes')
  const nodes = existsSync(nodesDir) ? readdirSync(nodesDir).sort() : []
  let runs = []
  for (const node of nodes) {
    runs.push(...(impl === 'pacemaker'
      ? pacemakerRuns(node, readLines(join(nodesDir, node, 'pacemaker.log')), fault.t)
      : hakitRuns(node, readLines(join(nodesDir, node, 'ha-log.ts')))))
  }
  // a failed monitor starts at the agent's own stamp ("monitor http stopped"); hakit's controller may log it twice
  const failedMonitors = []
  for (const r of runs.filter((x) => x.op === 'monitor' && !x.ok)) {
    const stamp = stamps.filter((s) => s.node === r.node && s.event === 'monitor' && s.arg === r.rsc && / stopped$/.test(s.detail) && s.t <= r.end + 10).pop()
    if (stamp && !failedMonitors.some((f) => f.node === r.node && f.rsc === r.rsc && f.start === stamp.t)) failedMonitors.push({...r, start: stamp.t, execMs: r.end - stamp.t, stamp: stamp.t})
  }
  runs = [...runs.filter((r) => OPS.has(r.op) && r.start !== null), ...failedMonitors]
  runs = runs.filter((r) => r.start >= fault.t - 5).sort((a, b) => a.start - b.start || a.end - b.end)
  const back = runs.find((r) => r.rsc === LAST_MEMBER && r.op === 'start' && r.ok)
  if (!back) return null
  const inWindow = runs.filter((r) => r.start <= back.start)
  const steps = []
  let previousEnd = fault.t
  const occurrences = new Map()
  for (const r of inWindow) {
    const name = `${r.op} ${r.rsc} ${r.node}`
    const n = (occurrences.get(name) ?? 0) + 1
    occurrences.set(name, n)
    // the agent's own stamp: Probe/HttpVip stamp start/stop (vip, IPaddr2, does not)
    const stamp = r.stamp ?? stamps.find((s) => s.node === r.node && s.event === r.op && s.arg === r.rsc && s.t >= r.start - 15 && s.t <= r.end + 15)?.t
    steps.push({
      key: n > 1 ? `${name} #${n}` : name,
      offset: r.start - fault.t,
      // (a failed monitor's start is the agent's stamp, its end a libqb stamp: those run a few ms behind)
      ran: Math.max(0, r.end - r.start),
      gap: r.start - previousEnd,
      stampOffset: stamp === undefined ? null : stamp - fault.t,
      ok: r.ok,
    })
    previousEnd = Math.max(previousEnd, r.end)
  }
  const windowMs = back.end - fault.t
  // time in agents: the union of the runs (Pacemaker may run two side by side)
  let busy = 0
  let coveredTo = -Infinity
  for (const r of inWindow) {
    const from = Math.max(r.start, coveredTo)
    if (r.end > from) busy += r.end - from
    coveredTo = Math.max(coveredTo, r.end)
  }
  const beforeFirst = inWindow[0].start - fault.t
  const seen = faultEvent === 'standby' ? changeSeen(outDir, impl, nodes, fault.t) : null
  return {
    fault: faultEvent,
    steps,
    summary: {
      windowMs, beforeFirstMs: beforeFirst, changeSeenMs: seen === null ? null : seen - fault.t, fromFirstMs: windowMs - beforeFirst, agentsMs: busy, betweenMs: windowMs - beforeFirst - busy, runs: inWindow.length,
      daemonCpuMs: daemonCpu(outDir, inWindow[0].start, back.end),
    },
  }
}

function median(values) {
  const v = values.filter((x) => typeof x === 'number').sort((a, b) => a - b)
  if (v.length === 0) return null
  return v.length % 2 ? v[(v.length - 1) / 2] : Math.round((v[v.length / 2 - 1] + v[v.length / 2]) / 2)
}

/** Medians over runs of one stack: one row per step key, in order of median offset; and the summary. */
export function medianTimeline(timelines) {
  const list = timelines.filter(Boolean)
  if (list.length === 0) return null
  const keys = [...new Set(list.flatMap((t) => t.steps.map((s) => s.key)))]
  const steps = keys.map((key) => {
    const of = list.map((t) => t.steps.find((s) => s.key === key)).filter(Boolean)
    return {key, inRuns: of.length, offset: median(of.map((s) => s.offset)), ran: median(of.map((s) => s.ran)), gap: median(of.map((s) => s.gap)), stampOffset: median(of.map((s) => s.stampOffset))}
  })
  steps.sort((a, b) => a.offset - b.offset)
  const summary = Object.fromEntries(Object.keys(list[0].summary).map((k) => [k, median(list.map((t) => t.summary[k]))]))
  return {fault: list[0].fault, runs: list.length, steps, summary}
}

const FAULT_WORDS = {sigterm: 'SIGTERM to the holder', standby: 'standby of the holder', service_kill: 'kill -9 of the HTTP server'}

/**
 * Text lines: per scenario, the steps of every stack side by side (ms: start offset from the fault,
 * run time, gap since the previous run ended, the agent's own stamp), then one summary line per stack.
 */
export function formatTimelines(scenario, byStack, totalRuns) {
  const stacks = Object.keys(byStack).filter((s) => byStack[s])
  if (stacks.length === 0) return []
  const fault = byStack[stacks[0]].fault
  const out = [`\n${scenario}: timeline from the ${FAULT_WORDS[fault] ?? fault} (ms; medians of ${stacks.map((s) => `${byStack[s].runs}/${totalRuns} ${s} runs`).join(', ')})`]
  const header = ['agent run', ...stacks.flatMap((s) => [`${s}: at`, 'ran', 'gap', 'stamp'])]
  const keys = []
  for (const s of stacks) for (const step of byStack[s].steps) if (!keys.includes(step.key)) keys.push(step.key)
  const show = (v) => (v === null || v === undefined ? '–' : v)
  const rows = [header]
  for (const key of keys) {
    const row = [key]
    for (const s of stacks) {
      const step = byStack[s].steps.find((x) => x.key === key)
      const partial = step && step.inRuns < byStack[s].runs ? ` (${step.inRuns} runs)` : ''
      row.push(step ? `+${step.offset}${partial}` : '', step ? show(step.ran) : '', step ? show(step.gap) : '', step ? (step.stampOffset === null ? '–' : `+${step.stampOffset}`) : '')
    }
    rows.push(row)
  }
  const widths = header.map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)))
  for (const r of rows) out.push('  ' + r.map((c, i) => String(c).padEnd(widths[i])).join('  '))
  const firstWhat = fault === 'service_kill' ? 'until the failed monitor runs (its interval)' : 'before the first agent run'
  for (const s of stacks) {
    const m = byStack[s].summary
    const seen = m.changeSeenMs === null || m.changeSeenMs === undefined ? '' : ` (the DC saw the admin command's change at +${m.changeSeenMs})`
    const share = m.fromFirstMs > 0 ? ` (agents ${Math.round((100 * m.agentsMs) / m.fromFirstMs)} %)` : ''
    const cpu = m.daemonCpuMs === null || m.daemonCpuMs === undefined ? '' : `; the daemons' CPU meanwhile ${m.daemonCpuMs} ms`
    out.push(`  ${s}: fault → last member started ${m.windowMs} ms: ${firstWhat} ${m.beforeFirstMs}${seen}; first run → last member started ${m.fromFirstMs} = in agents ${m.agentsMs} (${m.runs} runs) + between runs (decisions, messages, overhead) ${m.betweenMs}${share}${cpu}`)
  }
  // the outage the client sees starts with the first run (the server's stop, or its failed monitor)
  const pm = byStack.pacemaker?.summary
  if (pm && pm.fromFirstMs > 0) {
    const ratios = stacks.filter((s) => s !== 'pacemaker').map((s) => `${s}/pacemaker ${(byStack[s].summary.fromFirstMs / pm.fromFirstMs).toFixed(2)}`)
    out.push(`  first run → last member started: ${ratios.join(', ')}; floor ${(pm.agentsMs / pm.fromFirstMs).toFixed(2)} (Pacemaker's agent time alone: a stack with nothing between runs and agents as fast as Pacemaker's)`)
  }
  out.push('  at: the run\'s start; ran: its time in the agent; gap: since the previous run ended; stamp: the agent\'s own probe.log stamp (vip, IPaddr2, stamps nothing: its run comes from the executor\'s log only); over several runs each figure is its own median, so the parts need not add up')
  if (stacks.some((s) => typeof byStack[s].summary.daemonCpuMs === 'number')) out.push('  daemons\' CPU: hakit\'s run processes / corosync + pacemaker-*, both nodes, sampled every 20 ms from /proc (10 ms ticks)')
  out.push('  sources: pacemaker-execd\'s own ms stamps (pacemaker.log); hakit: its executor\'s request and result lines as they arrived (hblab polls every 10 ms) and the exec time it logs: starts ~0–10 ms late, run times exact')
  return out
}
