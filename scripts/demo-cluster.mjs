#!/usr/bin/env node
// The `npm start` cluster demo: two `hakit run --legacy` daemons on loopback
// (127.0.N.2 and 127.0.N.3, an unprivileged UDP port, no root, nothing on the
// host's network changes) run one haresources group, an HTTP service on the
// "floating" address 127.0.N.100. A client probes it every 100 ms and prints
// who answers. The demo shows `hakit status`, power-cuts the primary
// (SIGKILL of its daemon and its service), shows the takeover, boots the
// primary again and shows the failback. Every process it started is ended by
// PID; the temp directory is removed. Needs dist/ (npm run build). Resolves
// false (exit 1) when the client never saw a node it waited for.
//
//   node scripts/demo-cluster.mjs            (also exported: runDemoCluster())
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {bold, demoAddresses, demoNodes, powerCut, showHakit, sleep, spawnHakit, startProbe, stopDemo, writeNodeConfig} from './demo-lib.mjs'

export async function runDemoCluster({out = (line) => console.log(line)} = {}) {
  const addrs = demoAddresses()
  const {port, httpPort, vip} = addrs
  const {work, nodes, t0, stamp} = demoNodes(addrs, 'hakit-demo-cluster-')
  for (const node of nodes) writeNodeConfig(node, nodes, addrs)

  const hakitArgs = (node) => ['run', '--legacy', '--config-dir', join(node.dir, 'ha.d'), '--node', node.name,
    '--state-dir', join(node.dir, 'state'), '--bind', node.address, '--socket', join(node.dir, 'state', 'hakit-legacy.sock')]
  const boot = (node) => {
    node.proc = spawnHakit(hakitArgs(node))
  }
  const hakit = (node, args) => showHakit(out, args, {note: `on ${node.name}`, hiddenArgs: ['--state-dir', join(node.dir, 'state')]})
  const probe = startProbe({vip, httpPort, out, stamp})
  const waitServed = (by) => probe.waitServed(by, 20_000)

  try {
    out(bold(`hakit cluster demo: two nodes on loopback, a service on the floating address ${vip}:${httpPort}`))
    out(`  n1 ${nodes[0].address}, n2 ${nodes[1].address}, heartbeats on UDP ${port}; haresources: n1 DemoHttp::${vip}:${httpPort}`)
    out(`  ${stamp()} starting both daemons: hakit ${hakitArgs(nodes[0]).join(' ')} …`)
    boot(nodes[0])
    boot(nodes[1])
    await waitServed('n1')
    await sleep(300)
    hakit(nodes[0], ['status'])
    hakit(nodes[1], ['status', 'rscstatus'])

    // let the client see n1 serve for a moment
    await sleep(Math.max(0, 2500 - (Date.now() - t0)))
    out(bold(`  ${stamp()} power cut of n1 (SIGKILL its daemon and its service)`))
    const killedAt = Date.now()
    await powerCut(nodes[0])
    if (await waitServed('n2')) out(`  takeover: n2 serves ${Date.now() - killedAt} ms after the power cut (deadtime 500 ms)`)
    hakit(nodes[1], ['status', 'rscstatus'])

    out(bold(`  ${stamp()} n1 boots again (auto_failback on: the group goes home)`))
    const bootAt = Date.now()
    boot(nodes[0])
    if (await waitServed('n1')) out(`  failback: n1 serves again ${Date.now() - bootAt} ms after its daemon started`)
    await sleep(300)
    hakit(nodes[0], ['status'])
  } finally {
    await probe.stop()
    out(`  ${stamp()} stopping both daemons (SIGTERM: each releases what it holds)`)
    await stopDemo({nodes, work, out, graceMs: 10_000})
  }
  return probe.allServed
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  if (!(await runDemoCluster())) process.exitCode = 1
}
