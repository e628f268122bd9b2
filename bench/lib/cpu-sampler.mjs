#!/usr/bin/env node
// CPU of a lab's long-lived processes (the cluster daemons) while an hblab run goes on, for the crm-lab
// timeline: every 20 ms it reads utime+stime of every process in the lab nodes' network namespaces
// (found again every 500 ms) and appends a line when a process's CPU changed:
//   EPOCH_MS <TAB> NODE <TAB> PID <TAB> COMM <TAB> CPU_MS (cumulative) <TAB> COMMAND LINE (first 80 chars)
// Processes that live less than a sampling period (most agent runs) are not seen: this is the daemons' CPU.
//   node bench/lib/cpu-sampler.mjs --prefix hblabcrm --out FILE      (stops on SIGTERM)
import {appendFileSync, readdirSync, readFileSync, readlinkSync, statSync} from 'node:fs'

const args = process.argv.slice(2)
const flag = (name) => args[args.indexOf(name) + 1]
const prefix = flag('--prefix')
const out = flag('--out')
const TICK_MS = 10 // USER_HZ is 100 on Linux

/** netns inode → lab node name, for the namespaces /run/netns/PREFIX-nN that exist now. */
function labNamespaces() {
  const map = new Map()
  let names = []
  try {
    names = readdirSync('/run/netns')
  } catch {
    return map
  }
  for (const name of names) {
    const m = new RegExp(`^${prefix}-?(n\\d+)$`).exec(name)
    if (!m) continue
    try {
      map.set(statSync(`/run/netns/${name}`).ino, m[1])
    } catch {
      // removed meanwhile
    }
  }
  return map
}

let tracked = new Map() // pid → {node, cmdline}
function discover() {
  const spaces = labNamespaces()
  const next = new Map()
  if (spaces.size > 0) {
    for (const pid of readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue
      try {
        const inode = /net:\[(\d+)\]/.exec(readlinkSync(`/proc/${pid}/ns/net`))
        const node = inode && spaces.get(Number(inode[1]))
        if (node) next.set(pid, tracked.get(pid) ?? {node, cmdline: readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim().slice(0, 80)})
      } catch {
        // gone, or not ours to read
      }
    }
  }
  tracked = next
}

const last = new Map()
function sample() {
  const now = Date.now()
  let lines = ''
  for (const [pid, {node, cmdline}] of tracked) {
    let stat
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    } catch {
      tracked.delete(pid)
      continue
    }
    const close = stat.lastIndexOf(')')
    const comm = stat.slice(stat.indexOf('(') + 1, close)
    const fields = stat.slice(close + 2).split(' ')
    const cpu = (Number(fields[11]) + Number(fields[12])) * TICK_MS
    if (last.get(pid) !== cpu) lines += `${now}\t${node}\t${pid}\t${comm}\t${cpu}\t${cmdline}\n`
    last.set(pid, cpu)
  }
  if (lines) appendFileSync(out, lines)
}

// never outlive the bench that started it (a bench killed mid-run leaves no sampler behind)
const parent = process.ppid
const watchParent = setInterval(() => {
  if (process.ppid !== parent) process.exit(0)
}, 1000)
discover()
const discovering = setInterval(discover, 500)
const sampling = setInterval(sample, 20)
process.on('SIGTERM', () => {
  clearInterval(watchParent)
  clearInterval(discovering)
  clearInterval(sampling)
  sample()
  appendFileSync(out, '#end\n')
  process.exit(0)
})
