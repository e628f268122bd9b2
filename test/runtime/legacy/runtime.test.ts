import {test} from 'node:test'
import assert from 'node:assert/strict'
import {appendFileSync, mkdtempSync, mkdirSync, rmSync, symlinkSync, existsSync, readFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {LegacyRuntime} from '../../../src/runtime/legacy/runtime.js'
import {ResourceManager} from '../../../src/runtime/legacy/resource-manager.js'
import {groupFromFields} from '../../../src/runtime/legacy/types.js'
import type {Message} from '../../../src/runtime/legacy/failover.js'
import {operatorSocketPath, runStandbyCommand, runStatusCommand, startOperatorServer} from '../../../src/runtime/legacy/operator.js'
import {fixturesDir} from '../../helpers/cli.js'

const scripts = join(fixturesDir, 'legacy-scripts')
const GROUPS = [groupFromFields(['n1', 'svc::alpha', 'slow::beta::20']), groupFromFields(['n2', 'svc::gamma'])]

interface TestNode {
  name: string
  dir: string
  runtime: LegacyRuntime
  rm: ResourceManager
  logs: string[]
  alive: boolean
}

/** Two runtimes on real scripts, joined by an in-memory bus (the messaging layer's stand-in). */
function cluster(options: {failing?: string} = {}) {
  const root = mkdtempSync(join(tmpdir(), 'hakit-runtime-'))
  const nodes = new Map<string, TestNode>()
  for (const name of ['n1', 'n2']) {
    const dir = join(root, name)
    mkdirSync(join(dir, 'resource.d'), {recursive: true})
    symlinkSync(join(scripts, options.failing === name ? 'fail-start' : 'ok'), join(dir, 'resource.d', 'svc'))
    const logs: string[] = []
    const rm = new ResourceManager({resourceDirs: [join(dir, 'resource.d'), scripts], env: {LEGACY_TEST_DIR: dir}, stopRetries: 0, log: (l, m) => logs.push(`${l}: ${m}`)})
    const node: TestNode = {name, dir, rm, logs, alive: true, runtime: undefined as unknown as LegacyRuntime}
    node.runtime = new LegacyRuntime({
      config: {localNode: name, nodes: ['n1', 'n2'], autoFailback: 'on', stonith: false},
      groups: GROUPS,
      resourceManager: rm,
      send: (msg: Message) => {
        for (const other of nodes.values()) {
          if (other !== node && other.alive && node.alive) setImmediate(() => other.alive && other.runtime.feed({type: 'message', from: name, msg}))
        }
      },
      log: (l, m) => logs.push(`${l}: ${m}`),
    })
    nodes.set(name, node)
  }
  const running = (name: string, res: string) => existsSync(join(root, name, 'state', res))
  const cleanup = () => {
    for (const n of nodes.values()) n.runtime.dispose()
    rmSync(root, {recursive: true, force: true})
  }
  return {nodes, running, cleanup, root}
}

async function waitFor(check: () => boolean, what: string, timeoutMs = 30_000): Promise<number> {
  const began = Date.now()
  while (!check()) {
    if (Date.now() - began > timeoutMs) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 5))
  }
  return Date.now() - began
}

function bootBoth(c: ReturnType<typeof cluster>) {
  const n1 = c.nodes.get('n1')!.runtime
  const n2 = c.nodes.get('n2')!.runtime
  n1.feed({type: 'node-status', node: 'n2', status: 'active', impl: 'hakit'})
  n2.feed({type: 'node-status', node: 'n1', status: 'active', impl: 'hakit'})
  n1.feed({type: 'comms-up'})
  n2.feed({type: 'comms-up'})
  return {n1, n2}
}

test('runtime on real scripts: cold start, power cut, failback, standby, graceful stop', async (t) => {
  const c = cluster()
  try {
    const {n1, n2} = bootBoth(c)
    const cold = await waitFor(() => c.running('n1', 'alpha') && c.running('n1', 'beta') && c.running('n2', 'gamma'), 'cold start')
    t.diagnostic(`cold start, both nodes up → groups running: ${cold} ms`)

    // power cut of n1: n2 is told it is dead and takes g1
    c.nodes.get('n1')!.alive = false
    n1.dispose()
    const began = Date.now()
    n2.feed({type: 'node-status', node: 'n1', status: 'dead'})
    await waitFor(() => c.running('n2', 'alpha') && c.running('n2', 'beta'), 'takeover')
    const takeover = Date.now() - began
    // the same scripts run by the resource manager alone, for the overhead
    const baseline = new ResourceManager({resourceDirs: [join(c.root, 'n2', 'resource.d'), scripts], env: {LEGACY_TEST_DIR: join(c.root, 'base')}})
    const b0 = Date.now()
    await baseline.acquireGroup(GROUPS[0]!)
    const scriptsOnly = Date.now() - b0
    t.diagnostic(`"dead" → group up: ${takeover} ms (scripts alone: ${scriptsOnly} ms, overhead ${takeover - scriptsOnly} ms)`)

    // n1 comes back as a new daemon (its resources died with it): auto_failback returns g1
    rmSync(join(c.root, 'n1', 'state'), {recursive: true, force: true})
    appendFileSync(join(c.root, 'n1', 'calls.log'), 'power reboot -\n')
    const n1b = new LegacyRuntime({
      config: {localNode: 'n1', nodes: ['n1', 'n2'], autoFailback: 'on', stonith: false},
      groups: GROUPS,
      resourceManager: c.nodes.get('n1')!.rm,
      send: (msg) => setImmediate(() => n2.feed({type: 'message', from: 'n1', msg})),
      log: (l, m) => c.nodes.get('n1')!.logs.push(`${l}: ${m}`),
    })
    c.nodes.get('n1')!.runtime = n1b
    c.nodes.get('n1')!.alive = true
    n2.feed({type: 'peer-restarted', node: 'n1'})
    n2.feed({type: 'node-status', node: 'n1', status: 'active', impl: 'hakit'})
    n1b.feed({type: 'node-status', node: 'n2', status: 'active', impl: 'hakit'})
    n1b.feed({type: 'comms-up'})
    const failback = await waitFor(() => c.running('n1', 'alpha') && c.running('n1', 'beta') && !c.running('n2', 'alpha'), 'failback')
    t.diagnostic(`rejoin → group back on n1: ${failback} ms`)

    // operator standby through the socket, then takeover
    const socketPath = operatorSocketPath(join(c.root, 'n1'))
    const server = await startOperatorServer(socketPath, n1b.operatorBackend(() => ({node: 'n1', version: 'test', nodes: [], clients: [], parameters: {}})))
    try {
      const standby = await runStandbyCommand(socketPath, 'standby', ['all'])
      assert.equal(standby.exitCode, 0, standby.stderr)
      await waitFor(() => c.running('n2', 'alpha') && c.running('n2', 'gamma') && !c.running('n1', 'alpha'), 'standby')
      await waitFor(() => n1b.snapshot().standby === 'idle', 'standby handshake done')
      assert.equal((await runStatusCommand(socketPath, ['rscstatus'])).stdout, 'none\n')
      assert.equal((await runStandbyCommand(socketPath, 'takeover', ['all'])).exitCode, 0)
      await waitFor(() => c.running('n1', 'alpha') && c.running('n1', 'gamma') && !c.running('n2', 'gamma'), 'takeover back')
      assert.match((await runStatusCommand(socketPath, [])).stdout, /g|svc::alpha/)
    } finally {
      await new Promise((r) => server.close(r))
    }

    // graceful stop of n1: everything ends on n2
    const clean = await n1b.shutdown()
    assert.equal(clean, true)
    await waitFor(() => c.running('n2', 'alpha') && c.running('n2', 'gamma'), 'takeover after shutdown')
    assert.ok(!c.running('n1', 'alpha') && !c.running('n1', 'gamma'))
    // never started twice while running: every start on a node is preceded by a stop or nothing
    for (const name of ['n1', 'n2']) {
      const calls = readFileSync(join(c.root, name, 'calls.log'), 'utf8').trim().split('\n')
      const up = new Set<string>()
      for (const call of calls) {
        const [, action, res] = call.split(' ')
        if (action === 'start') {
          assert.ok(!up.has(res!), `${res} started twice on ${name}`)
          up.add(res!)
        } else if (action === 'stop') up.delete(res!)
        else if (action === 'reboot') up.clear()
      }
    }
  } finally {
    c.cleanup()
  }
})

test('runtime on real scripts: a failed start on the owner moves the group to the peer', async (t) => {
  const c = cluster({failing: 'n1'})
  try {
    bootBoth(c)
    const began = Date.now()
    await waitFor(() => c.running('n2', 'alpha') && c.running('n2', 'beta'), 'failover after failed start')
    t.diagnostic(`cold start with a failing start on n1 → group up on n2: ${Date.now() - began} ms`)
    assert.ok(!c.running('n1', 'alpha'))
    assert.ok(c.nodes.get('n1')!.logs.some((l) => /Giving up resources due to failure of svc::alpha/.test(l)))
  } finally {
    c.cleanup()
  }
})

test('runtime: groups still running from a crashed daemon are found before comms up and kept', async () => {
  const c = cluster()
  try {
    const n1 = c.nodes.get('n1')!
    await n1.rm.runAction(GROUPS[0]!.resources[0]!, 'start') // alpha left running, beta not
    assert.deepEqual(await n1.runtime.probeGroups(), [GROUPS[0]!.key])
    n1.runtime.feed({type: 'node-status', node: 'n2', status: 'dead'})
    n1.runtime.feed({type: 'comms-up'})
    await waitFor(() => c.running('n1', 'beta') && c.running('n1', 'gamma'), 'completion and takeover')
    const starts = readFileSync(join(c.root, 'n1', 'calls.log'), 'utf8').split('\n').filter((l) => / start alpha /.test(l))
    assert.equal(starts.length, 1, 'alpha was not started again')
  } finally {
    c.cleanup()
  }
})
