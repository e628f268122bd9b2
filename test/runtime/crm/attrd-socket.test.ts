/**
 * The agents' tools (attrd_updater, crm_attribute) talking to a CRM daemon's
 * socket (HAKIT_ATTRD_SOCKET), end to end without root: the socket server of
 * socket.ts with attrd (the real machine) behind it, as the daemon wires it.
 * The tool's -d reaches attrd as the dampening delay, a repeated value
 * changes nothing, readers see values at once, and a daemon's answer for a
 * missing attribute is the tool's exit 105.
 */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {Attrd, type AttrdAction} from '../../../src/runtime/crm/attrd.js'
import {AttrdAttributeStore} from '../../../src/runtime/crm/attrd-store.js'
import {startCrmSocket, type AttributeRequest} from '../../../src/runtime/crm/socket.js'
import {runTool} from '../../../src/runtime/executor/tools/main.js'

test('attrd_updater and crm_attribute over the daemon socket: dampening from -d, repeated values coalesced, queries answered by attrd', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hakit-attrd-socket-'))
  const attrd = new Attrd({localNode: 'n1'})
  attrd.handle({type: 'writer', now: 0, isWriter: true})
  const performed: AttrdAction[] = []
  const store = new AttrdAttributeStore(attrd, {
    perform: (actions) => performed.push(...actions), now: () => 1000,
    getPermanent: () => undefined, setPermanent: async () => {}, listPermanent: () => [],
  })
  const server = await startCrmSocket(join(dir, 'crm.sock'), {
    query: () => '<cib/>',
    status: () => ({node: 'n1', state: 'dc', members: ['n1'], quorum: true, version: '0.1.0'}),
    submit: async () => ({ok: true}),
    attribute: async (r: AttributeRequest) => {
      if (r.action === 'get') return {value: await store.get(r.node, r.name, r.lifetime)}
      if (r.action === 'set') return (await store.set(r.node, r.name, r.value, r.lifetime, r.dampenMs), {})
      if (r.action === 'delete') return (await store.delete(r.node, r.name, r.lifetime, r.dampenMs), {})
      return {entries: await store.list(r.node)}
    },
  })
  const tool = async (name: string, argv: string[], env: Record<string, string> = {}) => {
    const out: string[] = []
    const status = await runTool(name, argv, {out: (l) => out.push(l), err: () => {}, env: {HAKIT_ATTRD_SOCKET: join(dir, 'crm.sock'), HAKIT_NODE_NAME: 'n1', ...env}})
    return {status, stdout: out.join('\n')}
  }
  try {
    assert.equal((await tool('attrd_updater', ['-n', 'pingd', '-v', '1000', '-d', '5s'])).status, 0)
    const timers = performed.filter((a) => a.type === 'set-timer')
    assert.deepEqual(timers, [{type: 'set-timer', timer: 'attrd-dampen:pingd', at: 6000}], 'the -d delay reached attrd')
    assert.equal(performed.filter((a) => a.type === 'cib-update').length, 0, 'not written before the delay')
    assert.equal((await tool('attrd_updater', ['-n', 'pingd', '-Q'])).stdout, 'name="pingd" host="n1" value="1000"', 'readers see it at once')
    // a monitor re-sending the same value: nothing new (no log, no timer restart, no broadcast)
    const before = performed.length
    assert.equal((await tool('attrd_updater', ['-n', 'pingd', '-v', '1000', '-d', '5s'])).status, 0)
    assert.deepEqual(performed.slice(before).filter((a) => a.type !== 'broadcast'), [], 'a repeated value changes nothing')
    // a bare number is seconds (crm_get_msec)
    assert.equal((await tool('attrd_updater', ['-n', 'other', '-U', '1', '-d', '3'])).status, 0)
    assert.deepEqual(performed.filter((a) => a.type === 'set-timer').at(-1), {type: 'set-timer', timer: 'attrd-dampen:other', at: 4000})
    // Stateful's promotion score: crm_attribute --promotion, transient, no delay: written at once
    assert.equal((await tool('crm_attribute', ['--promotion', '-v', '10'], {OCF_RESOURCE_INSTANCE: 'st'})).status, 0)
    assert.ok(performed.some((a) => a.type === 'cib-update' && a.changes.some((c) => c.kind === 'transient-attr' && c.name === 'master-st' && c.value === '10')))
    assert.equal((await tool('crm_attribute', ['--promotion', '-G', '-q'], {OCF_RESOURCE_INSTANCE: 'st'})).stdout, '10')
    assert.equal((await tool('attrd_updater', ['-n', 'missing', '-Q'])).status, 105)
  } finally {
    server.close()
    rmSync(dir, {recursive: true, force: true})
  }
})
