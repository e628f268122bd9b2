#!/usr/bin/env node
// The `npm start` cluster demo: two `hakit run --legacy` daemons on loopback
// (127.0.N.2 and 127.0.N.3, an unprivileged UDP port, no root, nothing on the
// host's network changes) run one haresources group, an HTTP service on the
// "floating" address 127.0.N.100. A client probes it every 100 ms and prints
// who answers. The demo shows `hakit status`, power-cuts the primary
// (SIGKILL of its daemon and its service), shows the takeover, boots the
// primary again and shows the failback. Every process it started is ended by
// PID; the temp directory is removed. Needs dist/ (npm run build).
//
//   node scripts/demo-cluster.mjs            (also exported: runDemoCluster())
import {spawn, spawnSync} from 'node:child_process'
import {chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {request} from 'node:http'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const fixture = join(root, 'test', 'fixtures', 'demo-cluster')
const bold = (s) => (process.stdout.isTTY && !process.env.NO_COLOR ? `\x1b[1m${s}\x1b[0m` : s)
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

export async function runDemoCluster({out = (line) => console.log(line)} = {}) {
  const net = 100 + Math.floor(Math.random() * 150)
  const port = 20_000 + Math.floor(Math.random() * 20_000)
  const httpPort = 8000 + Math.floor(Math.random() * 1000)
  const vip = `127.0.${net}.100`
  const work = mkdtempSync(join(tmpdir(), 'hakit-demo-cluster-'))
  const nodes = ['n1', 'n2'].map((name, i) => ({name, address: `127.0.${net}.${i + 2}`, dir: join(work, name), proc: undefined}))
  const started = new Set()
  const t0 = Date.now()
  const stamp = () => `+${((Date.now() - t0) / 1000).toFixed(2)}s`

  for (const node of nodes) {
    const etc = join(node.dir, 'ha.d')
    mkdirSync(join(etc, 'resource.d'), {recursive: true})
    writeFileSync(join(etc, 'ha.cf'), [
      `logfile ${join(node.dir, 'ha-log')}`,
      'keepalive 100ms', 'deadtime 500ms', 'warntime 300ms', 'initdead 2',
      `udpport ${port}`,
      ...nodes.map((n) => `ucast lo ${n.address}`),
      'auto_failback on',
      ...nodes.map((n) => `node ${n.name}`),
    ].join('\n') + '\n')
    writeFileSync(join(etc, 'authkeys'), 'auth 1\n1 sha1 hakit-demo-cluster-key\n', {mode: 0o600})
    chmodSync(join(etc, 'authkeys'), 0o600)
    writeFileSync(join(etc, 'haresources'), `n1 DemoHttp::${vip}:${httpPort}\n`)
    copyFileSync(join(fixture, 'resource.d', 'DemoHttp'), join(etc, 'resource.d', 'DemoHttp'))
    chmodSync(join(etc, 'resource.d', 'DemoHttp'), 0o755)
  }

  const hakitArgs = (node) => ['run', '--legacy', '--config-dir', join(node.dir, 'ha.d'), '--node', node.name,
    '--state-dir', join(node.dir, 'state'), '--bind', node.address, '--socket', join(node.dir, 'state', 'hakit-legacy.sock')]
  const boot = (node) => {
    node.proc = spawn(process.execPath, [join(root, 'bin', 'run.js'), ...hakitArgs(node)], {
      stdio: ['ignore', 'ignore', 'ignore'],
      env: {...process.env, HAKIT_DEMO_NODE: process.execPath, HAKIT_DEMO_SERVER: join(fixture, 'http-server.mjs')},
    })
    started.add(node.proc)
    node.proc.once('exit', () => started.delete(node.proc))
  }
  const servicePid = (node) => {
    const file = join(node.dir, 'demo-http.pid')
    return existsSync(file) ? Number(readFileSync(file, 'utf8').trim()) || undefined : undefined
  }
  const killPid = (pid, signal) => {
    try {
      process.kill(pid, signal)
    } catch {
      // already gone
    }
  }
  const exited = (proc) => new Promise((resolve) => (proc.exitCode !== null || proc.signalCode !== null ? resolve() : proc.once('exit', resolve)))
  const hakit = (node, args) => {
    out(bold(`$ hakit ${args.join(' ')}`) + `   # on ${node.name}`)
    const r = spawnSync(process.execPath, [join(root, 'bin', 'run.js'), ...args, '--state-dir', join(node.dir, 'state')], {encoding: 'utf8'})
    for (const line of `${r.stdout}${r.stderr}`.trimEnd().split('\n')) out(`  ${line}`)
  }

  // the client: one GET every 100 ms (300 ms timeout); prints each change of who answers
  let last = ''
  let lastChange = Date.now()
  let probing = true
  const probeOnce = () => new Promise((resolve) => {
    const req = request({host: vip, port: httpPort, path: '/', timeout: 300, agent: false}, (res) => {
      let body = ''
      res.on('data', (d) => (body += d))
      res.on('end', () => resolve(body.trim()))
    })
    req.on('timeout', () => req.destroy())
    req.on('error', () => resolve('no answer'))
    req.end()
  })
  const prober = (async () => {
    while (probing) {
      const answer = await probeOnce()
      if (answer !== last) {
        const gap = last && last !== 'no answer' ? '' : last ? `  (after ${Date.now() - lastChange} ms without service)` : ''
        out(`  client ${stamp()}  http://${vip}:${httpPort}/ → ${answer}${gap}`)
        last = answer
        lastChange = Date.now()
      }
      await sleep(100)
    }
  })()
  const waitServed = async (by, timeoutMs = 20_000) => {
    const end = Date.now() + timeoutMs
    while (Date.now() < end) {
      if (last === `served by ${by}`) return true
      await sleep(50)
    }
    out(`  (gave up waiting for ${by} after ${timeoutMs} ms)`)
    return false
  }

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
    killPid(nodes[0].proc.pid, 'SIGKILL')
    const pid = servicePid(nodes[0])
    if (pid) killPid(pid, 'SIGKILL')
    await exited(nodes[0].proc)
    rmSync(join(nodes[0].dir, 'demo-http.pid'), {force: true})
    if (await waitServed('n2')) out(`  takeover: n2 serves ${Date.now() - killedAt} ms after the power cut (deadtime 500 ms)`)
    hakit(nodes[1], ['status', 'rscstatus'])

    out(bold(`  ${stamp()} n1 boots again (auto_failback on: the group goes home)`))
    const bootAt = Date.now()
    boot(nodes[0])
    if (await waitServed('n1')) out(`  failback: n1 serves again ${Date.now() - bootAt} ms after its daemon started`)
    await sleep(300)
    hakit(nodes[0], ['status'])
  } finally {
    probing = false
    await prober
    out(`  ${stamp()} stopping both daemons (SIGTERM: each releases what it holds)`)
    for (const node of [...nodes].reverse()) {
      if (!node.proc || node.proc.exitCode !== null || node.proc.signalCode !== null) continue
      killPid(node.proc.pid, 'SIGTERM')
      const timer = setTimeout(() => killPid(node.proc.pid, 'SIGKILL'), 10_000)
      await exited(node.proc)
      clearTimeout(timer)
    }
    for (const proc of started) killPid(proc.pid, 'SIGKILL')
    for (const node of nodes) {
      const pid = servicePid(node)
      if (pid) killPid(pid, 'SIGKILL')
    }
    if (process.env.HAKIT_DEMO_KEEP) out(`  kept ${work}`)
    else rmSync(work, {recursive: true, force: true})
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await runDemoCluster()
}
