/**
 * The behaviour check against the real stacks: hblab runs the real
 * Heartbeat 3.0.6 on the original configuration and a real Corosync +
 * Pacemaker 2.1.5 on the converted cib.xml (namespaces, see
 * shared/tools/hblab), and both must end where the check predicted.
 * Root only; about two minutes (one hblab run per stack).
 */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {writeConversionBundle} from '../../src/converters/write-bundle.js'
import {parseCibXml, printCibXml} from '../../src/formats/cib/xml.js'
import type {Primitive} from '../../src/formats/cib/model.js'
import {haveCommand, isRoot, sharedDir} from '../helpers/cli.js'

const hblab = join(sharedDir, 'tools', 'hblab', 'hblab')

/** The configuration hblab gives its Heartbeat nodes (its README, "Resources"), auto_failback on. */
const LAB = {
  'ha.cf': 'keepalive 1\ndeadtime 4\nwarntime 2\ninitdead 8\nudpport 694\nucast hb0 10.77.0.1\nucast hb0 10.77.0.2\nauto_failback on\nnode n1\nnode n2\n',
  haresources: 'n1 IPaddr::10.77.0.100/24/hb0 Probe::alpha Probe::beta HttpVip::8080\n',
  authkeys: 'auth 1\n1 sha1 hblab-behaviour-check-key\n',
}

function runLab(args: string[], out: string): {holders: Record<string, string[]>; ok: boolean; stderr: string} {
  const r = spawnSync(hblab, ['run', ...args, '-q', '--out', out, '--json'], {
    encoding: 'utf8',
    env: {...process.env, HBLAB_PREFIX: `hblab-t${process.pid}-`},
    timeout: 600_000,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  assert.ok(r.status === 0 || r.status === 3, `hblab ${args.join(' ')} exited ${r.status}: ${r.stderr.slice(-2000)}`)
  const result = JSON.parse(r.stdout) as {summary: {holders?: Record<string, string[]>; ok?: boolean}}
  return {holders: result.summary.holders ?? {}, ok: result.summary.ok ?? false, stderr: r.stderr}
}

test('a failed start on the owner: real Heartbeat and real Pacemaker end where the check predicted', async (t) => {
  if (!isRoot) return t.skip('needs root (hblab creates namespaces)')
  if (!existsSync(hblab) || !haveCommand('corosync') || !haveCommand('crm_mon') || !existsSync('/usr/libexec/heartbeat/heartbeat')) {
    return t.skip('needs hblab, heartbeat, corosync and pacemaker')
  }
  const work = mkdtempSync(join(tmpdir(), 'hakit-behaviour-lab-'))
  try {
    const dir = join(work, 'ha.d')
    mkdirSync(dir)
    for (const [name, text] of Object.entries(LAB)) writeFileSync(join(dir, name), text, {mode: name === 'authkeys' ? 0o600 : 0o644})
    const out = join(work, 'out')
    const {bundle, behaviour} = await writeConversionBundle(dir, out, {offline: true, check: true})
    const scenario = behaviour!.scenarios.find((s) => s.kind === 'start-failure')!
    const [group] = scenario.groups
    assert.deepEqual([group!.v1, group!.pacemaker], [[], ['n2']], 'the prediction')

    // The lab's resource.d scripts have OCF twins (hblab/lib/ocf/hblab); the conversion made them lsb:
    // resources and had to drop their arguments, so they are put back from the haresources tokens.
    const cib = parseCibXml(readFileSync(join(out, 'cib.xml'), 'utf8'), 'cib.xml')
    const primitives = cib.resources.flatMap((r) => (r.kind === 'group' ? r.children : r.kind === 'primitive' ? [r] : []))
    for (const m of bundle.mappings) {
      const [script, arg] = m.source.split('::')
      const p = primitives.find((x): x is Primitive => x.id === m.id)
      if (!p || p.class !== 'lsb' || !arg || !['Probe', 'HttpVip'].includes(script!)) continue
      Object.assign(p, {class: 'ocf', provider: 'hblab', type: script})
      p.instanceAttributes = [{id: `${p.id}-ia`, pairs: [{id: `${p.id}-ia-p`, name: script === 'Probe' ? 'name' : 'port', value: arg}]}]
    }
    const lab = join(work, 'lab-cib.xml')
    writeFileSync(lab, printCibXml(cib))

    const heartbeat = runLab(['resource-fail', '--impl', 'heartbeat'], join(work, 'hb'))
    const pacemaker = runLab(['resource-fail', '--impl', 'pacemaker', '--cib', lab, '--token', '1000'], join(work, 'pcmk'))
    const nodesOf = (holders: Record<string, string[]>) => [...new Set(Object.values(holders).flat())].sort()
    assert.deepEqual(nodesOf(heartbeat.holders), group!.v1, `real Heartbeat: ${JSON.stringify(heartbeat.holders)}`)
    assert.deepEqual(nodesOf(pacemaker.holders), group!.pacemaker, `real Pacemaker: ${JSON.stringify(pacemaker.holders)}`)
  } finally {
    rmSync(work, {recursive: true, force: true})
  }
})
