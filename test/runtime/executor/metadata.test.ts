/**
 * Meta-data as Pacemaker presents it, byte for byte against
 * `crm_resource --show-metadata`: OCF agents' own output, LSB meta-data
 * synthesized from INIT INFO blocks, fence agents' XML with Pacemaker's
 * amendments. Also parsing: parameters, flags, defaults, actions.
 */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {readdirSync} from 'node:fs'
import {haveCommand} from '../../helpers/cli.js'
import {raMetadata} from '../../../src/runtime/executor/ra.js'
import {listAgents} from '../../../src/runtime/executor/agents.js'

const skip = haveCommand('crm_resource') ? false : 'crm_resource not installed'

async function compare(spec: string): Promise<void> {
  const real = spawnSync('crm_resource', ['--show-metadata', spec], {encoding: 'utf8', timeout: 60_000})
  assert.equal(real.status, 0, `${spec}: ${real.stderr}`)
  const ours = await raMetadata(spec)
  assert.equal(ours.xml, real.stdout, spec)
}

test('LSB: every script in /etc/init.d, synthesized exactly as Pacemaker does', {skip}, async () => {
  const scripts = listAgents('lsb')
  assert.ok(scripts.length > 0)
  for (const s of scripts) await compare(`lsb:${s}`)
})

test('OCF: the agent\'s own meta-data (pacemaker and linbit agents, every 10th heartbeat agent)', {skip}, async () => {
  const heartbeat = listAgents('ocf', 'heartbeat').filter((_, i) => i % 10 === 0)
  for (const a of [...listAgents('ocf', 'pacemaker').map((t) => `ocf:pacemaker:${t}`), ...listAgents('ocf', 'linbit').map((t) => `ocf:linbit:${t}`), ...heartbeat.map((t) => `ocf:heartbeat:${t}`)]) {
    await compare(a)
  }
})

test('fence agents: start/stop added, action/plug/port not required, re-serialized as Pacemaker does', {skip: skip || (readdirSync('/usr/sbin').includes('fence_dummy') ? false : 'fence-agents not installed')}, async () => {
  for (const a of ['fence_dummy', 'fence_ipmilan', 'fence_virsh']) if (readdirSync('/usr/sbin').includes(a)) await compare(`stonith:${a}`)
  const {metadata} = await raMetadata('stonith:fence_ipmilan')
  assert.equal(metadata.parameters.find((p) => p.name === 'plug')?.required ?? false, false)
  assert.ok(metadata.actions.some((a) => a.name === 'start' && a.timeout === '20s'))
})

test('parsed: IPaddr2 parameters, required flag, defaults, advertised timeouts; Recorder-like reload support', async () => {
  const {metadata} = await raMetadata('ocf:heartbeat:IPaddr2')
  const ip = metadata.parameters.find((p) => p.name === 'ip')!
  assert.equal(ip.required, true)
  assert.equal(metadata.parameters.find((p) => p.name === 'cidr_netmask')!.required, false)
  assert.deepEqual(metadata.actions.find((a) => a.name === 'monitor'), {name: 'monitor', timeout: '20s', interval: '10s', depth: '0', role: undefined, startDelay: undefined})
  const dummy = (await raMetadata('ocf:pacemaker:Dummy')).metadata
  assert.equal(dummy.ocfVersion, '1.1')
  assert.equal(dummy.supportsReloadAgent, true)
  assert.ok(dummy.parameters.some((p) => p.reloadable))
})
