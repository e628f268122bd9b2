/**
 * The DC's controller driving hakit's real executor on real agents: two
 * "nodes" in this process, each a LocalExecutor with its own state directory
 * (HA_VARRUN), running ocf:pacemaker:Dummy and ocf:pacemaker:Stateful (whose
 * crm_master goes through hakit's agent tools into an attribute file that
 * plays attrd). Real call ids, exec times and digests end up in the CIB; the
 * real crm_simulate must read it as what the agents' state files say runs,
 * and plan nothing further (recurring monitors and digests included).
 * No network and no root needed; real time (monitors every 2 s).
 */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import type * as M from '../../../src/formats/cib/model.js'
import {parseCibXml} from '../../../src/formats/cib/xml.js'
import {Controller} from '../../../src/runtime/crm/controller.js'
import type {ControllerAction, ControllerEvent} from '../../../src/runtime/crm/controller-types.js'
import {applyStatusChanges, getTransientAttr, nodeIdOf, setTransientAttr, transientAttrs} from '../../../src/runtime/crm/history.js'
import {FileAttributeStore} from '../../../src/runtime/executor/attribute-store.js'
import {LocalExecutor} from '../../../src/runtime/executor/executor.js'
import type {OpResult, RecurringHandle} from '../../../src/runtime/executor/types.js'
import {schedule} from '../../../src/runtime/scheduler/index.js'
import {cibXml, drbdPattern} from './cibs.js'
import {crmSimulate, crmVerify} from './sim.js'
import {crmSimulatePlacements, sorted} from './settled.js'

const haveAgents = existsSync('/usr/lib/ocf/resource.d/pacemaker/Dummy') && existsSync('/usr/lib/ocf/resource.d/pacemaker/Stateful')

type Event = ControllerEvent extends infer E ? (E extends unknown ? Omit<E, 'now'> : never) : never

class RealCluster {
  readonly cib: M.Cib
  readonly controller = new Controller({localNode: 'n1', controllerUuid: 'real-exec-test'})
  readonly executors = new Map<string, LocalExecutor>()
  readonly store: FileAttributeStore
  readonly logs: string[] = []
  private readonly recurring = new Map<string, RecurringHandle>()
  private readonly timers = new Map<string, NodeJS.Timeout>()
  private pending = 0
  private lastEvent = Date.now()

  constructor(readonly dir: string, xml: string, readonly nodes: string[]) {
    this.cib = parseCibXml(xml, 'real.xml')
    this.store = new FileAttributeStore(join(dir, 'attributes.json'))
    nodes.forEach((node, i) => {
      mkdirSync(join(dir, node), {recursive: true})
      this.executors.set(node, new LocalExecutor({
        nodeName: node, nodeId: String(i + 1), attributeStore: this.store.path,
        baseEnv: {...process.env, HA_VARRUN: join(dir, node), HA_RSCTMP: join(dir, node)},
      }))
    })
  }

  deliver(event: Event): void {
    this.lastEvent = Date.now()
    for (const a of this.controller.handle({...event, now: Date.now()} as ControllerEvent)) this.apply(a)
  }

  private apply(a: ControllerAction): void {
    switch (a.type) {
      case 'log': this.logs.push(`${a.level}: ${a.message}`); break
      case 'cib-update': applyStatusChanges(this.cib, a.changes); break
      case 'attr-update': setTransientAttr(this.cib, a.node, a.name, a.value); break
      case 'set-timer': {
        clearTimeout(this.timers.get(a.timer))
        this.timers.set(a.timer, setTimeout(() => { this.timers.delete(a.timer); this.deliver({type: 'timer-fired', timer: a.timer}) }, Math.max(0, a.at - Date.now())))
        break
      }
      case 'cancel-timer': clearTimeout(this.timers.get(a.timer)); this.timers.delete(a.timer); break
      case 'execute': {
        const exec = this.executors.get(a.node)!
        if (a.request.intervalMs > 0) {
          const key = `${a.node}|${a.request.rscId}_${a.request.action}_${a.request.intervalMs}`
          this.recurring.set(key, exec.startRecurring(a.request, (r) => this.result(a.node, r), {changesOnly: true}))
        } else {
          this.pending++
          void exec.execute(a.request).then((r) => { this.pending--; this.result(a.node, r) })
        }
        break
      }
      case 'cancel-recurring': {
        const key = `${a.node}|${a.rscId}_${a.action}_${a.intervalMs}`
        const handle = this.recurring.get(key)
        if (handle) { this.recurring.delete(key); void this.executors.get(a.node)!.cancel(handle) }
        break
      }
      default: break
    }
  }

  /** attrd's part: what the agents' tools wrote (crm_master) reaches the CIB before the result does. */
  private syncAttributes(): boolean {
    let changed = false
    for (const node of this.nodes) {
      const want = new Map(this.store.listSync(node).filter((e) => e.lifetime === 'reboot').map((e) => [e.name, e.value]))
      const have = transientAttrs(this.cib, node)
      for (const [name, value] of want) if (have.get(name) !== value && !name.startsWith('fail-count-') && !name.startsWith('last-failure-')) { setTransientAttr(this.cib, node, name, value); changed = true }
      for (const [name] of have) if (name.startsWith('master-') && !want.has(name)) { setTransientAttr(this.cib, node, name, null); changed = true }
    }
    return changed
  }

  private result(node: string, r: OpResult): void {
    if (this.syncAttributes()) this.deliver({type: 'cib-changed', cib: structuredClone(this.cib)})
    this.deliver({type: 'op-result', node, result: r})
  }

  start(): void {
    this.deliver({type: 'became-dc', cib: structuredClone(this.cib), members: [...this.nodes], quorate: true})
  }

  /** Waits (polling) until nothing is in flight and the controller is idle for a while. */
  async settle(deadlineMs = 60_000): Promise<void> {
    const end = Date.now() + deadlineMs
    while (Date.now() < end) {
      await new Promise((r) => setTimeout(r, 100))
      const snap = this.controller.snapshot()
      if (this.pending === 0 && snap.inFlight.length === 0 && snap.state === 'S_IDLE' && Date.now() - this.lastEvent > 1_000) return
    }
    throw new Error(`did not settle:\n${this.logs.slice(-30).join('\n')}`)
  }

  /** What the agents' state files say runs: rsc → ["node:Role"]. */
  running(): Map<string, string[]> {
    const out = new Map<string, string[]>()
    for (const node of this.nodes) {
      for (const f of readdirSync(join(this.dir, node))) {
        const m = /^(Dummy|Stateful)-(.+)\.state$/.exec(f)
        if (!m) continue
        const role = m[1] === 'Stateful' ? readFileSync(join(this.dir, node, f), 'utf8').trim() : 'Started'
        out.set(m[2], [...(out.get(m[2]) ?? []), `${node}:${role}`].sort())
      }
    }
    return out
  }

  recorded(): M.Cib {
    const cib = structuredClone(this.cib)
    cib.attributes.crm_feature_set = '3.16.1'
    cib.attributes['have-quorum'] = '1'
    cib.attributes['dc-uuid'] = nodeIdOf(cib, 'n1')
    return cib
  }

  async close(): Promise<void> {
    this.deliver({type: 'lost-dc'})
    for (const t of this.timers.values()) clearTimeout(t)
    for (const e of this.executors.values()) await e.shutdown()
  }
}

function assertRealSettled(c: RealCluster): void {
  const cib = c.recorded()
  assert.deepEqual(schedule(cib).actions.filter((a) => !a.pseudo).map((a) => `${a.task} ${a.resource} ${a.node}`), [], "hakit's scheduler plans nothing more")
  const verify = crmVerify(cib)
  if (verify) assert.doesNotMatch(verify.output, /error/i, verify.output)
  const real = crmSimulate(cib)
  if (!real) return
  assert.deepEqual(real.summary, [], real.output)
  assert.deepEqual(real.executing, [], `crm_simulate executes nothing (the executor's digests match its own):\n${real.output}`)
  assert.deepEqual(sorted(crmSimulatePlacements(real.output)), sorted(c.running()), `crm_simulate reads the CIB as what the agents run:\n${real.output}`)
}

test('real agents: cold start, promotion through crm_master, a dead Dummy restarted after its monitor fails', {skip: !haveAgents && 'ocf:pacemaker agents not installed'}, async () => {
  const dir = mkdtempSync(join(tmpdir(), `hakit-crm2-real-${process.pid}-`))
  const d = drbdPattern()
  const fast = (xml: string) => xml.replace(/interval="10s"/g, 'interval="2s"').replace(/interval="11s"/g, 'interval="3s"')
  const dummy = (id: string) => `<primitive id="${id}" class="ocf" provider="pacemaker" type="Dummy"><operations><op id="${id}-monitor" name="monitor" interval="2s" timeout="20s"/></operations></primitive>`
  const c = new RealCluster(dir, cibXml({resources: dummy('d1') + dummy('d2') + fast(d.resources), constraints: d.constraints}), ['n1', 'n2'])
  try {
    c.start()
    await c.settle()
    const running = c.running()
    assert.equal(running.get('d1')?.length, 1)
    assert.equal(running.get('d2')?.length, 1)
    const promoted = (running.get('state') ?? []).filter((e) => e.endsWith(':Promoted'))
    assert.equal(promoted.length, 1, `one promoted Stateful: ${running.get('state')}`)
    const promotedNode = promoted[0].split(':')[0]
    assert.deepEqual(running.get('fs'), [`${promotedNode}:Started`])
    assert.deepEqual(running.get('web'), [`${promotedNode}:Started`])
    assert.equal(getTransientAttr(c.cib, promotedNode, 'master-state'), '10', "Stateful's crm_master score")
    assertRealSettled(c)

    // d1 dies: its monitor (2 s) sees it, the DC counts the failure and restarts it
    const where = running.get('d1')![0].split(':')[0]
    rmSync(join(dir, where, 'Dummy-d1.state'))
    const deadline = Date.now() + 30_000
    while (getTransientAttr(c.cib, where, 'fail-count-d1#monitor_2000') === undefined && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100))
    await c.settle()
    assert.equal(getTransientAttr(c.cib, where, 'fail-count-d1#monitor_2000'), '1')
    assert.equal(c.running().get('d1')?.length, 1, 'running again')
    assertRealSettled(c)
  } finally {
    await c.close()
    rmSync(dir, {recursive: true, force: true})
  }
})
