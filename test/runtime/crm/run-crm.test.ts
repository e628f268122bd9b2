/**
 * `hakit run --crm` as a command: runtime selection, refusals, a lone node at
 * cold start, the CIB store across restarts (a hand-edited cib.xml, nothing
 * valid left), and acknowledged changes surviving kill -9. Real processes on
 * loopback; needs `npm run build`.
 */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {chmodSync, existsSync, readFileSync, readdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {parseCibXml} from '../../../src/formats/cib/xml.js'
import {clusterOption} from '../../../src/runtime/crm/cib-ops.js'
import {CibStore} from '../../../src/runtime/crm/cib-store.js'
import {projectRoot, runCli} from '../../helpers/cli.js'
import {CrmLab} from './crm-lab.js'

const haveDummy = existsSync('/usr/lib/ocf/resource.d/pacemaker/Dummy')
const built = existsSync(join(projectRoot, 'dist', 'bundle'))
const skip = !haveDummy ? 'ocf:pacemaker:Dummy is not installed (pacemaker-resource-agents)' : !built ? 'dist/ is not built (npm run build)' : false

const CIB = `node n1
node n2
primitive d1 ocf:pacemaker:Dummy op monitor interval=2s
primitive d2 ocf:pacemaker:Dummy op monitor interval=2s
property stonith-enabled=false
property dc-deadtime=2s
`

function runArgs(lab: CrmLab, name: string, extra: string[]): string[] {
  const n = lab.node(name)
  return ['run', ...extra, '--config-dir', n.configDir, '--node', name, '--state-dir', n.stateDir, '--bind', n.address, '--socket', n.socket]
}

test('hakit run: without --legacy/--crm and no crm in ha.cf it asks which; --crm refuses bad authkeys (exit 6) and --cib with --legacy', {skip}, async () => {
  const lab = new CrmLab({cib: CIB})
  try {
    const cf = join(lab.node('n1').configDir, 'ha.cf')
    writeFileSync(cf, readFileSync(cf, 'utf8').replace('crm respawn\n', ''))
    const neither = runCli(runArgs(lab, 'n1', []))
    assert.equal(neither.status, 2, neither.stderr)
    assert.match(neither.stderr, /choose a runtime: hakit run --legacy .* or --crm/)
    const legacyCib = runCli(runArgs(lab, 'n1', ['--legacy', '--cib', lab.cibFile]))
    assert.notEqual(legacyCib.status, 0)
    chmodSync(join(lab.node('n1').configDir, 'authkeys'), 0o644)
    const bad = runCli(runArgs(lab, 'n1', ['--crm']))
    assert.equal(bad.status, 6, bad.stderr)
    assert.match(bad.stderr, /refusing to start/)
    assert.match(bad.stderr, /authkeys:1:1 error authkeys-mode /)
    assert.doesNotMatch(bad.stderr, /\n\s+at /, 'no stack trace')
  } finally {
    await lab.cleanup()
  }
})

test('ha.cf `crm respawn` selects the CRM runtime; a lone node of two waits dc-deadtime, becomes DC without quorum and starts nothing; SIGTERM exits 0', {skip}, async () => {
  const lab = new CrmLab({cib: CIB})
  try {
    lab.start('n1', {crmFlag: false})
    await lab.waitFor('n1 DC', async () => (await lab.status('n1'))?.state === 'dc')
    const status = await lab.status('n1')
    assert.equal(status?.quorum, false, 'two_node + wait_for_all: no quorum before the peer was seen')
    const cib = await lab.cib('n1')
    assert.equal(cib.attributes['have-quorum'], '0')
    assert.match(lab.node('n1').output, /Election Trigger just popped \| input=I_DC_TIMEOUT time=2000ms/)
    // the probes run; nothing starts without quorum (no-quorum-policy=stop)
    await lab.waitFor('probes recorded', async () => (await lab.cib('n1')).status.find((s) => s.id === 'n1')?.lrmResources.length === 2)
    assert.deepEqual(lab.active('n1'), [])
    assert.equal(await lab.stop('n1'), 0, lab.describe())
    assert.match(lab.node('n1').output, /CRM shutdown complete/)
  } finally {
    await lab.cleanup()
  }
})

test('a hand-edited cib.xml is set aside and the last good backup used (logged); with nothing valid left the start is refused, exit 6', {skip}, async () => {
  const lab = new CrmLab({cib: CIB})
  try {
    lab.start('n1')
    await lab.waitFor('n1 DC', async () => (await lab.status('n1'))?.state === 'dc')
    assert.equal(await lab.stop('n1'), 0)
    const dir = join(lab.node('n1').stateDir, 'cib')
    assert.ok(readdirSync(dir).some((f) => /^cib-\d+\.raw$/.test(f)), 'the DC\'s own entries archived the first version')
    writeFileSync(join(dir, 'cib.xml'), readFileSync(join(dir, 'cib.xml'), 'utf8').replace('dc-deadtime', 'dc-deadtime" x="edited'))
    lab.start('n1')
    await lab.waitFor('n1 DC again', async () => (await lab.status('n1'))?.state === 'dc')
    assert.match(lab.node('n1').output, /cib\.xml was manually modified or damaged \(digest mismatch/)
    assert.match(lab.node('n1').output, /Continuing with the last valid backup .*cib-\d+\.raw/)
    assert.equal(await lab.stop('n1'), 0)

    for (const f of readdirSync(dir)) if (/^cib(-\d+\.raw|\.xml)$/.test(f)) writeFileSync(join(dir, f), '<cib')
    const refused = runCli(runArgs(lab, 'n1', ['--crm']))
    assert.equal(refused.status, 6, refused.stderr)
    assert.match(refused.stderr, /refusing to start: no valid CIB in .*cib/)
  } finally {
    await lab.cleanup()
  }
})

test('kill -9 of both nodes right after a change was acknowledged: both persisted it; the restarted cluster has it', {skip}, async () => {
  const lab = new CrmLab({cib: CIB})
  try {
    lab.start('n1')
    lab.start('n2')
    await lab.waitFor('one DC', async () => {
      const [a, b] = [await lab.status('n1'), await lab.status('n2')]
      return !!a?.dc && a.dc === b?.dc && a.members.length === 2 && b.members.length === 2
    })
    const dc = (await lab.status('n1'))!.dc!
    const other = dc === 'n1' ? 'n2' : 'n1'
    for (let i = 1; i <= 5; i++) await lab.submit(i % 2 ? other : dc, {op: 'set-cluster-options', options: {[`acked-${i}`]: String(i)}})
    lab.kill9('n1')
    lab.kill9('n2')
    await Promise.all([lab.exited('n1'), lab.exited('n2')])
    for (const n of ['n1', 'n2']) {
      const loaded = await new CibStore(join(lab.node(n).stateDir, 'cib')).load()
      assert.equal(loaded.source, 'cib.xml', `${n}: a valid cib.xml`)
      for (let i = 1; i <= 5; i++) assert.equal(clusterOption(loaded.cib, `acked-${i}`), String(i), `${n} persisted acked-${i}`)
    }
    lab.start('n1')
    lab.start('n2')
    await lab.waitFor('cluster back', async () => {
      const [a, b] = [await lab.status('n1'), await lab.status('n2')]
      return !!a?.dc && a.dc === b?.dc && a.members.length === 2 && b.members.length === 2
    })
    const cib = parseCibXml(await lab.cibXml(other), 'live')
    for (let i = 1; i <= 5; i++) assert.equal(clusterOption(cib, `acked-${i}`), String(i))
  } finally {
    await lab.cleanup()
  }
})

test('a CIB bigger than one datagram (compressed) reaches the other node in fragments', {skip}, async () => {
  const {randomBytes} = await import('node:crypto')
  // random text does not compress: about 3 fragments
  const big = randomBytes(110_000).toString('hex')
  const lab = new CrmLab({cib: `${CIB}property big-random=${big}\n`})
  try {
    lab.start('n1')
    await lab.waitFor('n1 DC', async () => (await lab.status('n1'))?.state === 'dc')
    // n2's own first CIB lacks the value: it can only get it from n1 (whose version is newer)
    writeFileSync(lab.cibFile, CIB)
    lab.start('n2')
    await lab.waitFor('n2 joined n1', async () => (await lab.status('n2'))?.dc === 'n1' && (await lab.status('n1'))?.members.length === 2)
    await lab.waitFor('equal CIBs', async () => (await lab.cibXml('n1')) === (await lab.cibXml('n2')))
    assert.equal(clusterOption(await lab.cib('n2'), 'big-random'), big)
  } finally {
    await lab.cleanup()
  }
})

test('a first start without --cib converts haresources in memory (findings logged) and runs the converted group', {skip}, async () => {
  const lab = new CrmLab({haresources: ['n1 Delay::1::0']})
  try {
    lab.start('n1')
    lab.start('n2')
    await lab.waitFor('the converted Delay resource started on n1', async () => {
      const cib = await lab.cib('n1').catch(() => undefined)
      const history = cib?.status.find((s) => s.id === 'n1')?.lrmResources.find((r) => r.type === 'Delay')
      return !!history?.operations.some((o) => o.attributes.operation_key?.endsWith('_start_0') && o.attributes['rc-code'] === '0')
    })
    const cib = await lab.cib('n2')
    const delay = cib.resources.flatMap((r) => (r.kind === 'group' ? r.children : r.kind === 'primitive' ? [r] : [])).find((p) => p.type === 'Delay')
    assert.ok(delay, 'the converted primitive is in the replicated CIB')
    assert.equal(delay!.class, 'ocf')
    assert.match(lab.node('n1').output, /Initial CIB converted from .*haresources \(1 resource\(s\)\)/)
  } finally {
    await lab.cleanup()
  }
})

test('shutdown-escalation is read from the CIB: a stop that outlasts it does not hold SIGTERM for 20 minutes', {skip}, async () => {
  // slow's stop takes 150 s (Delay's stopdelay); the cluster allows a graceful stop 3 s
  const lab = new CrmLab({
    cib: ['node n1', 'node n2', 'primitive slow ocf:heartbeat:Delay params startdelay=0 stopdelay=150 mondelay=0 op stop timeout=200s interval=0',
      'location slow-on-n1 slow 100: n1', 'property stonith-enabled=false', 'property dc-deadtime=2s', 'property shutdown-escalation=3s'].join('\n') + '\n',
  })
  try {
    lab.start('n1')
    lab.start('n2')
    await lab.waitFor('slow started on n1', async () => {
      const cib = await lab.cib('n1').catch(() => undefined)
      const history = cib?.status.find((s) => s.id === 'n1')?.lrmResources.find((r) => r.id === 'slow')
      return !!history?.operations.some((o) => o.attributes.operation_key === 'slow_start_0' && o.attributes['rc-code'] === '0')
    })
    const exited = lab.exited('n1')
    lab.node('n1').proc!.kill('SIGTERM')
    // well before the stop could end (150 s), and far before the default 20 min
    const code = await Promise.race([exited, new Promise<'still running'>((r) => setTimeout(() => r('still running'), 60_000))])
    assert.equal(code, 0, lab.describe())
    assert.match(lab.node('n1').output, /Initiating controller shutdown sequence \| limit=3000ms/)
    assert.match(lab.node('n1').output, /Shutdown escalation: leaving after 3000ms without the DC's confirmation/)
  } finally {
    await lab.cleanup()
  }
})
