import {test} from 'node:test'
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {loadDrbd, parseDrbd, printDrbd9Resource} from '../../../src/formats/drbd/index.js'
import {lintDrbdModel} from '../../../src/lint/drbd.js'
import {fixturesDir, haveCommand, sharedDir} from '../../helpers/cli.js'

const sources = [
  join(sharedDir, 'fixtures/seeds/003-debian-drbd07/drbd.conf'),
  ...['drbd07.conf', 'drbd83.conf', 'drbd84.conf', 'drbd9-mesh.res', 'include/drbd.conf', 'floating-stacked.conf', 'drbd9-paths.res'].map((n) => join(fixturesDir, 'drbd', n)),
]

/** drbdadm dump needs a global section; the IP check is off because the test host's name may be in the file. */
const wrap = (text: string) => `global { disable-ip-verification; }\ncommon { }\n${text}`

test('every fixture resource prints as DRBD 9 that hakit reads back as DRBD 9 without errors', async () => {
  for (const source of sources) {
    const {model} = await loadDrbd(source)
    for (const resource of model.resources) {
      const {text} = printDrbd9Resource(resource)
      const again = parseDrbd(wrap(text), 'out.res')
      assert.deepEqual(again.findings, [], text)
      assert.ok(again.model.dialect.compatible.includes('9'), `${source} ${resource.name}: ${again.model.dialect.conflicts.map((c) => c.construct)}`)
      const errors = lintDrbdModel(again.model).filter((f) => f.severity === 'error')
      assert.deepEqual(errors, [], text)
      // same hosts and volumes as the source
      const out = again.model.resources[0]
      assert.equal(out.name, resource.name)
      assert.deepEqual(out.hosts.map((h) => h.names), resource.hosts.map((h) => h.names))
      assert.deepEqual(
        out.hosts.map((h) => h.volumes.map((v) => [v.device?.minor, v.disk?.path])),
        resource.hosts.map((h) => h.volumes.map((v) => [v.device?.minor, v.disk?.path])),
      )
      assert.equal(out.protocol?.value ?? 'C', resource.protocol?.value ?? 'C')
    }
  }
})

test('0.7 and 8.x options are moved or dropped with notes', async () => {
  const {model} = await loadDrbd(join(fixturesDir, 'drbd', 'drbd07.conf'))
  const {text, notes} = printDrbd9Resource(model.resources[0])
  assert.match(text, /net \{\n {4}protocol C;/)
  assert.match(text, /resync-rate 10M;/)
  assert.doesNotMatch(text, /syncer|incon-degr-cmd|on-disconnect|group/)
  assert.match(text, /pri-on-incon-degr "echo/)
  assert.ok(notes.some((n) => n.id === 'drbd9-dropped' && /group/.test(n.message) && n.location?.line === 20))
  assert.ok(notes.some((n) => n.id === 'drbd9-dropped' && /on-disconnect/.test(n.message)))
  const {model: m83} = await loadDrbd(join(fixturesDir, 'drbd', 'drbd83.conf'))
  const r0 = printDrbd9Resource(m83.resources[0]).text
  assert.match(r0, /net \{[^}]*fencing resource-only;/)
  assert.match(r0, /disk-barrier no;/)
  assert.match(r0, /fence-peer "\/usr\/lib\/drbd\/crm-fence-peer\.9\.sh"/)
  assert.match(r0, /unfence-peer "\/usr\/lib\/drbd\/crm-unfence-peer\.9\.sh"/)
  assert.match(r0, /node-id 0;[\s\S]*node-id 1;/)
})

test('more than two hosts without node-ids or mesh get both', () => {
  const {model} = parseDrbd(`resource r { device minor 1; disk /dev/sdb; meta-disk internal;
  on a { address 10.0.0.1:7000; } on b { node-id 0; address 10.0.0.2:7000; } on c { address 10.0.0.3:7000; } }`)
  const {text} = printDrbd9Resource(model.resources[0])
  const again = parseDrbd(wrap(text)).model.resources[0]
  assert.deepEqual(again.hosts.map((h) => h.nodeId), [1, 0, 2])
  assert.match(text, /connection-mesh \{\n {4}hosts a b c;/)
})

test('drbdadm 9 accepts every printed resource', {skip: !haveCommand('drbdadm') && 'drbdadm not installed'}, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hakit-drbd9-'))
  let n = 0
  for (const source of sources) {
    const {model} = await loadDrbd(source)
    for (const resource of model.resources) {
      const file = join(dir, `r${n++}.conf`)
      const {text} = printDrbd9Resource(resource)
      // a stacked resource needs its lower resource in the same file
      const lower = resource.hosts.filter((h) => h.kind === 'stacked-on-top-of').map((h) => model.resources.find((r) => r.name === h.names[0])!)
      writeFileSync(file, wrap(lower.map((r) => printDrbd9Resource(r).text).join('') + text))
      const r = spawnSync('drbdadm', ['-c', file, 'dump', 'all'], {encoding: 'utf8'})
      assert.equal(r.status, 0, `${source} ${resource.name}\n${text}\n${r.stderr}`)
      assert.match(r.stdout, new RegExp(`resource ${resource.name} \\{`))
    }
  }
  assert.ok(n >= 9)
})

test('whole configurations print as DRBD 9 that drbdadm accepts, with common inlined or separate', {skip: !haveCommand('drbdadm') && 'drbdadm not installed'}, async () => {
  const {printDrbd9Config} = await import('../../../src/formats/drbd/index.js')
  const dir = mkdtempSync(join(tmpdir(), 'hakit-drbd9-all-'))
  for (const source of sources) {
    const {model} = await loadDrbd(source)
    for (const inheritCommon of [true, false]) {
      const {text, notes} = printDrbd9Config(model, {inheritCommon})
      const file = join(dir, 'all.conf')
      // the IP check would fail on a host named like one in the file
      writeFileSync(file, text.includes('global {') ? text.replace('global {', 'global {\n  disable-ip-verification;') : wrap(text))
      const r = spawnSync('drbdadm', ['-c', file, 'dump', 'all'], {encoding: 'utf8'})
      assert.equal(r.status, 0, `${source} inheritCommon=${inheritCommon}\n${text}\n${r.stderr}`)
      assert.equal(new Set(notes.map((n) => JSON.stringify(n))).size, notes.length, 'notes are not repeated')
      const again = parseDrbd(text)
      assert.deepEqual(again.model.resources.map((x) => x.name), model.resources.map((x) => x.name))
      assert.equal(again.model.common !== undefined, !inheritCommon && model.common !== undefined)
    }
  }
})
