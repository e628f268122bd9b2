#!/usr/bin/env node
// The `npm start` CRM demo: the same two loopback nodes and HTTP service as
// demo-cluster.mjs, now run by `hakit run --crm` (the Pacemaker model) from the
// converted haresources. It shows `hakit crm status`, a power cut (SIGKILL) of
// the node running the service and the move the client sees, `crm resource
// move` and `clear`, `crm node standby` and `online`. No root, nothing outside
// a temp directory; every process it started is ended by PID. Needs dist/.
// Resolves false (exit 1) when the client never saw a node it waited for.
//
//   node scripts/demo-crm.mjs            (also exported: runCrmDemo())
import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {bold, demoAddresses, demoNodes, powerCut, showHakit, sleep, spawnHakit, startProbe, stopDemo, writeNodeConfig} from './demo-lib.mjs'

const RESOURCE = 'svc_DemoHttp'

/**
 * The converter maps a custom resource.d script to lsb:DemoHttp (an init script
 * in /etc/init.d: root). Pacemaker can still run a v1 script in its "heartbeat"
 * class with the haresources arguments as params 1, 2, …: the demo does that,
 * so it runs unprivileged from ha.d/resource.d.
 */
export function asHeartbeatClass(crm, spec) {
  const replaced = crm.replace(`primitive ${RESOURCE} lsb:DemoHttp`, `primitive ${RESOURCE} heartbeat:DemoHttp \\\n\tparams 1=${spec}`)
  if (replaced === crm) throw new Error(`the conversion has no "primitive ${RESOURCE} lsb:DemoHttp" line:\n${crm}`)
  // a short monitor interval, so the demo shows a failed service being noticed quickly
  return replaced.replace(/op monitor interval=\S+/, 'op monitor interval=2s')
}

export async function runCrmDemo({out = (line) => console.log(line)} = {}) {
  const addrs = demoAddresses()
  const {httpPort, vip} = addrs
  const {work, nodes, t0, stamp} = demoNodes(addrs, 'hakit-demo-crm-')
  for (const node of nodes) writeNodeConfig(node, nodes, addrs, {deadtime: '1'})
  const socketOf = (node) => join(node.dir, 'state', 'hakit-crm.sock')
  // the commands talk to a node's daemon over its socket; CIB_file would redirect them to a file
  const crm = (node, args) => showHakit(out, ['crm', ...args], {note: `on ${node.name}`, env: {HAKIT_CRM_SOCKET: socketOf(node), CIB_file: ''}})

  // the configuration: haresources converted by hakit, the script kept in the heartbeat class
  const converted = join(work, 'converted.crm')
  showHakit(out, ['convert', 'haresources', join(nodes[0].dir, 'ha.d'), '--to', 'crm', '--out', converted], {note: 'the findings name what to review'})
  const cibFile = join(work, 'cluster.crm')
  writeFileSync(cibFile, asHeartbeatClass(readFileSync(converted, 'utf8'), `${vip}:${httpPort}`))
  out(`  the demo runs it as heartbeat:DemoHttp params 1=${vip}:${httpPort} (a v1 script, no root), monitor every 2 s`)

  const runArgs = (node) => ['run', '--crm', '--cib', cibFile, '--config-dir', join(node.dir, 'ha.d'), '--node', node.name,
    '--state-dir', join(node.dir, 'state'), '--bind', node.address, '--socket', socketOf(node)]
  const boot = (node) => {
    node.proc = spawnHakit(runArgs(node))
  }
  const probe = startProbe({vip, httpPort, out, stamp})
  try {
    out(bold(`hakit CRM demo: the same two nodes, now run by the CRM (Pacemaker model); ${vip}:${httpPort} is ${RESOURCE}`))
    out(`  ${stamp()} starting both daemons: hakit ${runArgs(nodes[0]).join(' ')} …`)
    boot(nodes[0])
    boot(nodes[1])
    if (!(await probe.waitServed('n1', 60_000))) return false
    crm(nodes[1], ['status', '-1'])
    crm(nodes[1], ['configure', 'show'])

    out(bold(`  ${stamp()} power cut of n1 (SIGKILL its daemon and its service)`))
    const cutAt = Date.now()
    await powerCut(nodes[0])
    if (await probe.waitServed('n2')) out(`  recovery: n2 serves ${Date.now() - cutAt} ms after the power cut (deadtime 1 s, then the DC's transition)`)
    crm(nodes[1], ['status', '-1'])

    out(bold(`  ${stamp()} n1 boots again (resource-stickiness=0 from auto_failback on: the service goes home)`))
    boot(nodes[0])
    if (await probe.waitServed('n1', 60_000)) out(`  ${stamp()} n1 serves again`)

    out(bold(`  ${stamp()} an admin moves the service to n2, then clears the move`))
    crm(nodes[0], ['resource', 'move', RESOURCE, 'n2'])
    if (await probe.waitServed('n2')) out(`  ${stamp()} moved: n2 serves`)
    crm(nodes[0], ['resource', 'clear', RESOURCE])
    if (await probe.waitServed('n1')) out(`  ${stamp()} cleared: back on its preferred node n1`)

    out(bold(`  ${stamp()} n1 goes into standby for maintenance, then comes back online`))
    crm(nodes[1], ['node', 'standby', 'n1'])
    if (await probe.waitServed('n2')) out(`  ${stamp()} n1 in standby: n2 serves`)
    crm(nodes[1], ['node', 'online', 'n1'])
    if (await probe.waitServed('n1')) out(`  ${stamp()} n1 online: n1 serves`)
    crm(nodes[0], ['status', '-1'])
  } finally {
    await probe.stop()
    out(`  ${stamp()} stopping both daemons (SIGTERM: each stops what it runs)`)
    await stopDemo({nodes, work, out, graceMs: 20_000})
    out(`  CRM demo done in ${((Date.now() - t0) / 1000).toFixed(1)} s`)
  }
  return probe.allServed
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  if (!(await runCrmDemo())) process.exitCode = 1
}
