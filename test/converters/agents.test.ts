import {test} from 'node:test'
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {existsSync} from 'node:fs'
import {ocfAgentOps} from '../../src/converters/agents.js'

/** The op table must match what the installed agents advertise. */
test('agent op defaults match the installed meta-data', (t) => {
  if (!existsSync('/usr/lib/ocf/resource.d/heartbeat/IPaddr2')) {
    t.skip('resource-agents not installed')
    return
  }
  const secs = (v: string | undefined) => (v === undefined ? undefined : Number(v.replace(/s$/, '')))
  for (const [name, ops] of Object.entries(ocfAgentOps)) {
    const [provider, type] = name.split(':')
    const path = `/usr/lib/ocf/resource.d/${provider}/${type}`
    if (!existsSync(path)) continue
    const r = spawnSync(path, ['meta-data'], {encoding: 'utf8', env: {...process.env, OCF_ROOT: '/usr/lib/ocf'}, timeout: 10_000})
    const actions = [...r.stdout.matchAll(/<action\s+([^>]*?)\/?>/g)].map((m) => Object.fromEntries([...m[1]!.matchAll(/([\w-]+)="([^"]*)"/g)].map((a) => [a[1], a[2]])))
    const find = (n: string) => actions.find((a) => a.name === n && !a.role)
    assert.equal(secs(find('start')?.timeout), secs(ops.start), `${name} start`)
    assert.equal(secs(find('stop')?.timeout), secs(ops.stop), `${name} stop`)
    assert.equal(secs(find('monitor')?.timeout), secs(ops.monitor.timeout), `${name} monitor timeout`)
    assert.equal(secs(find('monitor')?.interval), secs(ops.monitor.interval), `${name} monitor interval`)
  }
})
