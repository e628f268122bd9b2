// What the two cluster demos (demo-cluster.mjs: --legacy, demo-crm.mjs: --crm)
// share: the loopback addresses and files of two nodes, the HTTP client probe,
// and ending the processes they started (by PID).
import {spawn, spawnSync} from 'node:child_process'
import {chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {request} from 'node:http'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

export const root = join(dirname(fileURLToPath(import.meta.url)), '..')
export const fixture = join(root, 'test', 'fixtures', 'demo-cluster')
export const bold = (s) => (process.stdout.isTTY && !process.env.NO_COLOR ? `\x1b[1m${s}\x1b[0m` : s)
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

/** Random loopback net, UDP and HTTP ports, so runs do not collide. */
export function demoAddresses() {
  const net = 100 + Math.floor(Math.random() * 150)
  return {net, port: 20_000 + Math.floor(Math.random() * 20_000), httpPort: 8000 + Math.floor(Math.random() * 1000), vip: `127.0.${net}.100`}
}

/**
 * A demo's two nodes n1 and n2 (127.0.NET.2 and .3), each with its directory
 * in a new temp directory `work`, and `stamp()`: the time since the start.
 */
export function demoNodes({net}, prefix) {
  const work = mkdtempSync(join(tmpdir(), prefix))
  const nodes = ['n1', 'n2'].map((name, i) => ({name, address: `127.0.${net}.${i + 2}`, dir: join(work, name), proc: undefined}))
  const t0 = Date.now()
  const stamp = () => `+${((Date.now() - t0) / 1000).toFixed(2)}s`
  return {work, nodes, t0, stamp}
}

/** ha.cf (extra lines added), authkeys 0600, haresources and the DemoHttp script in each node's DIR/ha.d. */
export function writeNodeConfig(node, nodes, {port, vip, httpPort}, {deadtime = '500ms', extra = []} = {}) {
  const etc = join(node.dir, 'ha.d')
  mkdirSync(join(etc, 'resource.d'), {recursive: true})
  writeFileSync(join(etc, 'ha.cf'), [
    `logfile ${join(node.dir, 'ha-log')}`,
    'keepalive 100ms', `deadtime ${deadtime}`, 'warntime 300ms', 'initdead 2',
    `udpport ${port}`,
    ...nodes.map((n) => `ucast lo ${n.address}`),
    'auto_failback on',
    ...extra,
    ...nodes.map((n) => `node ${n.name}`),
  ].join('\n') + '\n')
  writeFileSync(join(etc, 'authkeys'), 'auth 1\n1 sha1 hakit-demo-cluster-key\n', {mode: 0o600})
  chmodSync(join(etc, 'authkeys'), 0o600)
  writeFileSync(join(etc, 'haresources'), `n1 DemoHttp::${vip}:${httpPort}\n`)
  copyFileSync(join(fixture, 'resource.d', 'DemoHttp'), join(etc, 'resource.d', 'DemoHttp'))
  chmodSync(join(etc, 'resource.d', 'DemoHttp'), 0o755)
  return etc
}

/** Starts `hakit ARGS` in the background, with the environment DemoHttp needs. */
export function spawnHakit(args, extraEnv = {}) {
  return spawn(process.execPath, [join(root, 'bin', 'run.js'), ...args], {
    stdio: ['ignore', 'ignore', 'ignore'],
    env: {...process.env, HAKIT_DEMO_NODE: process.execPath, HAKIT_DEMO_SERVER: join(fixture, 'http-server.mjs'), ...extraEnv},
  })
}

/**
 * Runs `hakit ARGS` to the end and prints the command (without the hidden
 * arguments that point it at a node) and its output, indented.
 */
export function showHakit(out, args, {note, env = {}, hiddenArgs = []} = {}) {
  out(bold(`$ hakit ${args.join(' ')}`) + (note ? `   # ${note}` : ''))
  const r = spawnSync(process.execPath, [join(root, 'bin', 'run.js'), ...args, ...hiddenArgs], {encoding: 'utf8', env: {...process.env, ...env}})
  for (const line of `${r.stdout}${r.stderr}`.trimEnd().split('\n')) if (line) out(`  ${line}`)
  return r.status
}

/** The DemoHttp server's pid on a node (its pid file), if it runs. */
export function servicePid(node) {
  const file = join(node.dir, 'demo-http.pid')
  return existsSync(file) ? Number(readFileSync(file, 'utf8').trim()) || undefined : undefined
}

export function killPid(pid, signal) {
  try {
    process.kill(pid, signal)
  } catch {
    // already gone
  }
}

/** A power cut of a node: SIGKILL of its daemon and of its service (whose pid file goes too). */
export async function powerCut(node) {
  killPid(node.proc.pid, 'SIGKILL')
  const pid = servicePid(node)
  if (pid) killPid(pid, 'SIGKILL')
  await exited(node.proc)
  rmSync(join(node.dir, 'demo-http.pid'), {force: true})
}

/**
 * The end of a demo: each daemon still running gets SIGTERM (SIGKILL after
 * graceMs), a service left behind SIGKILL; the temp directory is removed
 * unless HAKIT_DEMO_KEEP is set.
 */
export async function stopDemo({nodes, work, out, graceMs}) {
  for (const node of [...nodes].reverse()) {
    if (!running(node.proc)) continue
    killPid(node.proc.pid, 'SIGTERM')
    const timer = setTimeout(() => killPid(node.proc.pid, 'SIGKILL'), graceMs)
    await exited(node.proc)
    clearTimeout(timer)
  }
  for (const node of nodes) {
    const pid = servicePid(node)
    if (pid) killPid(pid, 'SIGKILL')
  }
  if (process.env.HAKIT_DEMO_KEEP) out(`  kept ${work}`)
  else rmSync(work, {recursive: true, force: true})
}

export const exited = (proc) => new Promise((resolve) => (proc.exitCode !== null || proc.signalCode !== null ? resolve() : proc.once('exit', resolve)))
export const running = (proc) => proc !== undefined && proc.exitCode === null && proc.signalCode === null

/**
 * The client: one GET every 100 ms (300 ms timeout) to http://VIP:PORT/; prints
 * each change of who answers. waitServed(node) polls until that node answers.
 */
export function startProbe({vip, httpPort, out, stamp}) {
  let last = ''
  let lastChange = Date.now()
  let probing = true
  let gaveUp = 0
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
  const loop = (async () => {
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
  return {
    async waitServed(by, timeoutMs = 30_000) {
      const end = Date.now() + timeoutMs
      while (Date.now() < end) {
        if (last === `served by ${by}`) return true
        await sleep(50)
      }
      out(`  (gave up waiting for ${by} after ${timeoutMs} ms)`)
      gaveUp++
      return false
    },
    async stop() {
      probing = false
      await loop
    },
    /** True when every wait saw the node it waited for. */
    get allServed() {
      return gaveUp === 0
    },
  }
}
