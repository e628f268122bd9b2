import {test} from 'node:test'
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {mkdtemp, readFile, readdir, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {emptyCib, type Cib} from '../../../src/formats/cib/model.js'
import {parseCibXml} from '../../../src/formats/cib/xml.js'
import {UserError} from '../../../src/core/errors.js'
import {applyCibOp, cibVersion, clusterOption, compareVersions, ctimeString, formatVersion, xmlDigest} from '../../../src/runtime/crm/cib-ops.js'
import {BACKUP_WRAP, CibStore} from '../../../src/runtime/crm/cib-store.js'
import {haveCommand} from '../../helpers/cli.js'

const meta = {origin: 'n1', client: 'test', time: ctimeString(Date.UTC(2026, 0, 1))}

function cibWithOption(value: string): Cib {
  const cib = emptyCib()
  applyCibOp(cib, {op: 'set-cluster-options', options: {'stonith-enabled': 'false', marker: value}}, meta)
  applyCibOp(cib, {op: 'node-state', id: 'n1', uname: 'n1', attributes: {crmd: 'online'}}, meta)
  return cib
}

async function tempStore(): Promise<{dir: string; store: CibStore; done: () => Promise<void>}> {
  const dir = await mkdtemp(join(tmpdir(), 'hakit-cibstore-'))
  return {dir, store: new CibStore(join(dir, 'cib')), done: () => rm(dir, {recursive: true, force: true})}
}

test('versions: configuration changes bump epoch and reset num_updates; status changes bump num_updates', () => {
  const cib = emptyCib()
  assert.equal(formatVersion(cibVersion(cib)), '0.1.0')
  applyCibOp(cib, {op: 'node-state', id: 'n1', uname: 'n1', attributes: {crmd: 'online'}}, meta)
  applyCibOp(cib, {op: 'transient-attributes', id: 'n1', uname: 'n1', attributes: {pingd: '1000'}}, meta)
  assert.equal(formatVersion(cibVersion(cib)), '0.1.2')
  applyCibOp(cib, {op: 'set-cluster-options', options: {'stonith-enabled': 'false'}}, meta)
  assert.equal(formatVersion(cibVersion(cib)), '0.2.0')
  assert.equal(cib.attributes['cib-last-written'], meta.time)
  assert.deepEqual(applyCibOp(cib, {op: 'set-cluster-options', options: {'stonith-enabled': 'false'}}, meta), {changed: false, configChanged: false}, 'no change, no bump')
  assert.equal(formatVersion(cibVersion(cib)), '0.2.0')
  assert.ok(compareVersions({adminEpoch: 1, epoch: 0, numUpdates: 0}, {adminEpoch: 0, epoch: 99, numUpdates: 99}) > 0, 'admin_epoch first')
  assert.ok(compareVersions({adminEpoch: 0, epoch: 3, numUpdates: 0}, {adminEpoch: 0, epoch: 2, numUpdates: 50}) > 0, 'then epoch')
})

test('store: written without status and with num_updates 0, signature is what cibadmin -5 computes, previous version archived', async () => {
  const {store, done} = await tempStore()
  try {
    assert.equal((await store.load()).source, 'none')
    await store.write(cibWithOption('first'), meta.time)
    await store.write(cibWithOption('second'), meta.time)
    const xml = await readFile(store.file, 'utf8')
    const sig = await readFile(store.sigFile, 'utf8')
    assert.match(sig, /^[0-9a-f]{32}$/)
    assert.equal(sig, xmlDigest(xml))
    const onDisk = parseCibXml(xml, 'cib.xml')
    assert.equal(onDisk.status.length, 0)
    assert.equal(onDisk.attributes.num_updates, '0')
    assert.equal(clusterOption(onDisk, 'marker'), 'second')
    const files = (await readdir(store.dir)).sort()
    assert.deepEqual(files.filter((f) => f.startsWith('cib-')), ['cib-0.raw', 'cib-0.raw.sig'])
    assert.equal(await readFile(store.lastFile, 'utf8'), '1')
    assert.equal(clusterOption(parseCibXml(await readFile(join(store.dir, 'cib-0.raw'), 'utf8'), 'raw'), 'marker'), 'first')
    if (haveCommand('cibadmin')) {
      const r = spawnSync('cibadmin', ['-5', '-x', store.file], {encoding: 'utf8'})
      assert.equal(r.status, 0, r.stderr)
      assert.equal(r.stdout.trim(), sig, 'the digest Pacemaker computes for the same file')
    }
    const loaded = await store.load()
    assert.equal(loaded.source, 'cib.xml')
    assert.equal(clusterOption(loaded.cib, 'marker'), 'second')
  } finally {
    await done()
  }
})

test('store: a hand-edited cib.xml is moved aside and the last good backup used; nothing valid → refused with a clear message', async () => {
  const {store, done} = await tempStore()
  try {
    await store.write(cibWithOption('first'), meta.time)
    await store.write(cibWithOption('second'), meta.time)
    await store.write(cibWithOption('third'), meta.time)
    const xml = await readFile(store.file, 'utf8')
    await writeFile(store.file, xml.replace('third', 'edited'))
    const loaded = await store.load()
    assert.equal(loaded.source, 'cib-1.raw', 'newest backup')
    assert.equal(clusterOption(loaded.cib, 'marker'), 'second')
    assert.ok(loaded.messages.some((m) => m.level === 'error' && /manually modified/.test(m.text)))
    assert.ok((await readdir(store.dir)).some((f) => f.startsWith('cib.auto.')), 'the edited file is kept aside')

    // damage every backup too: refuse
    for (const f of await readdir(store.dir)) if (/^cib-\d+\.raw$/.test(f)) await writeFile(join(store.dir, f), '<cib epoch="garbage"')
    await assert.rejects(store.load(), (error: unknown) => error instanceof UserError && error.exitCode === 6 && /refusing to start: no valid CIB/.test(error.message))
  } finally {
    await done()
  }
})

test('store: backup numbers wrap at 100 and the newest is found across the wrap', async () => {
  const {store, done} = await tempStore()
  try {
    await store.write(cibWithOption('v0'), meta.time)
    await writeFile(store.lastFile, String(BACKUP_WRAP - 1))
    await store.write(cibWithOption('v1'), meta.time) // archives v0 as cib-99
    await store.write(cibWithOption('v2'), meta.time) // archives v1 as cib-0
    assert.equal(await readFile(store.lastFile, 'utf8'), '1')
    await writeFile(store.file, 'not xml')
    const loaded = await store.load()
    assert.equal(loaded.source, 'cib-0.raw')
    assert.equal(clusterOption(loaded.cib, 'marker'), 'v1')
  } finally {
    await done()
  }
})
