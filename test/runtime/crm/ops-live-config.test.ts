/**
 * Live configuration changes against two real `hakit run --crm` daemons on
 * loopback (the CrmLab): versioned commits (two concurrent edits: one wins,
 * the other is refused with 103 and nothing is lost), `crm configure` on the
 * live cluster, `--wait` and `crm resource restart`, and `crm node fence`
 * through the DC's fencer (the real fence_dummy agent). Asserts placements,
 * CIB contents and exit codes, never times.
 */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {spawn} from 'node:child_process'
import {existsSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {projectRoot, runCli} from '../../helpers/cli.js'
import {CrmLab} from './crm-lab.js'
import {CrmSim} from './cluster-sim.js'
import {UserError} from '../../../src/core/errors.js'
import {commitEdit, loadTarget} from '../../../src/runtime/crm/admin/apply.js'
import {setResourceAttribute} from '../../../src/runtime/crm/admin/edit.js'
import {applyCibOp, cibVersion, formatVersion} from '../../../src/runtime/crm/cib-ops.js'
import {parseCrm} from '../../../src/formats/crm/parse.js'
import {printCibXml} from '../../../src/formats/cib/xml.js'
import {schedule} from '../../../src/runtime/scheduler/index.js'

const haveDummy = existsSync('/usr/lib/ocf/resource.d/pacemaker/Dummy')
const built = existsSync(join(projectRoot, 'dist', 'bundle'))
const skip = !haveDummy ? 'ocf:pacemaker:Dummy is not installed (pacemaker-resource-agents)' : !built ? 'dist/ is not built (npm run build)' : false

const base = ['node n1', 'node n2', 'primitive d1 ocf:pacemaker:Dummy op monitor interval=2s timeout=20s', 'property dc-deadtime=5s']

const metaOf = (cib: Awaited<ReturnType<CrmLab['cib']>>, rsc: string, name: string) =>
  cib.resources.find((r) => r.id === rsc)?.metaAttributes.flatMap((s) => s.pairs).find((p) => p.name === name)?.value

test('the versioned replace is pure: refused once the configuration moved on, whatever num_updates did', () => {
  const cib = parseCrm('primitive a ocf:pacemaker:Dummy\n', 'x')
  cib.attributes = {admin_epoch: '0', epoch: '7', num_updates: '3'}
  const xml = printCibXml({...parseCrm('primitive b ocf:pacemaker:Dummy\n', 'y'), status: []})
  const meta = {origin: 'n1', client: 't', time: 'now'}
  // a status update in between (num_updates) does not make it stale
  const ok = structuredClone(cib)
  ok.attributes.num_updates = '9'
  assert.equal(applyCibOp(ok, {op: 'replace-configuration', xml, ifVersion: '0.7.3'}, meta).changed, true)
  assert.equal(formatVersion(cibVersion(ok)), '0.8.0')
  const stale = structuredClone(cib)
  stale.attributes.epoch = '8'
  assert.throws(() => applyCibOp(stale, {op: 'replace-configuration', xml, ifVersion: '0.7.3'}, meta), /CIB changed in the meantime: the change was made from version 0\.7\.3, the cluster's configuration is now at 0\.8\.3/)
  assert.equal(stale.resources[0]!.id, 'a', 'nothing applied')
})

test('the node machines: three concurrent versioned replaces from three nodes (one the DC) — exactly one applies, on every replica', () => {
  const names = ['n1', 'n2', 'n3']
  for (let seed = 1; seed <= 10; seed++) {
    const sim = new CrmSim(names, {seed})
    for (const n of names) sim.start(n)
    sim.run()
    const base = sim.node('n1').machine!.cib
    const version = formatVersion(cibVersion(base))
    const ids = names.map((n) => {
      const mine = parseCrm(`primitive from-${n} ocf:pacemaker:Dummy\n`, n)
      const xml = printCibXml({...base, resources: mine.resources, status: []})
      return [n, sim.submit(n, {op: 'replace-configuration', xml, ifVersion: version})] as const
    })
    sim.run()
    const replies = ids.map(([n, id]) => sim.node(n).replies.get(id))
    assert.equal(replies.filter((r) => r?.ok).length, 1, `seed ${seed}: one winner: ${JSON.stringify(replies)}`)
    for (const r of replies.filter((x) => !x?.ok)) assert.match(r!.error ?? '', new RegExp(`^CIB changed in the meantime: the change was made from version ${version.replace(/\./g, '\\.')}, the cluster's configuration is now at `))
    const winner = ids[replies.findIndex((r) => r?.ok)]![0]
    for (const n of names) assert.deepEqual(sim.node(n).machine!.cib.resources.map((r) => r.id), [`from-${winner}`], `seed ${seed}: ${n} holds the winner's configuration only`)
  }
})

test('live: two concurrent edits from the same version — one commits, the other is refused (103) and can be redone: both changes end in the CIB', {skip}, async () => {
  const lab = new CrmLab({cib: [...base, 'property stonith-enabled=false'].join('\n') + '\n'})
  try {
    lab.start('n1')
    lab.start('n2')
    await lab.activeOnce('d1')
    const n1 = {kind: 'live' as const, socket: lab.node('n1').socket}
    const n2 = {kind: 'live' as const, socket: lab.node('n2').socket}
    // both admins read the CIB before either commits (one through each node)
    const [cib1, cib2] = [await loadTarget(n1), await loadTarget(n2)]
    assert.equal(cib1.attributes.epoch, cib2.attributes.epoch)
    const a = setResourceAttribute(cib1, 'd1', 'meta', 'priority', '5')
    const b = setResourceAttribute(cib2, 'd1', 'param', 'fake', 'changed')
    const results = await Promise.allSettled([commitEdit(n1, a), commitEdit(n2, b)])
    const won = results.filter((r) => r.status === 'fulfilled')
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected')
    assert.equal(won.length, 1, `exactly one commit wins: ${results.map((r) => r.status === 'rejected' ? String(r.reason) : 'ok').join(' | ')}`)
    assert.equal(lost.length, 1)
    assert.ok(lost[0]!.reason instanceof UserError && lost[0]!.reason.exitCode === 103, String(lost[0]!.reason))
    assert.match(String(lost[0]!.reason.message), /CIB changed in the meantime: the change was made from version \d+\.\d+\.\d+, the cluster's configuration is now at \d+\.\d+\.\d+/)
    const loserIsB = results[1]!.status === 'rejected'
    // the loser re-reads and repeats its edit
    const fresh = await loadTarget(loserIsB ? n2 : n1)
    await commitEdit(loserIsB ? n2 : n1, loserIsB ? setResourceAttribute(fresh, 'd1', 'param', 'fake', 'changed') : setResourceAttribute(fresh, 'd1', 'meta', 'priority', '5'))
    for (const node of ['n1', 'n2']) {
      await lab.waitFor(`${node} has both changes`, async () => {
        const cib = await lab.cib(node)
        const d1 = cib.resources.find((r) => r.id === 'd1')
        const fake = d1?.kind === 'primitive' ? d1.instanceAttributes.flatMap((s) => s.pairs).find((p) => p.name === 'fake')?.value : undefined
        return metaOf(cib, 'd1', 'priority') === '5' && fake === 'changed'
      })
    }

    // the same race through the CLI: `configure edit` while another admin sets a property on the other node
    const editor = join(lab.root, 'editor.sh')
    const hakitBin = `${process.execPath} ${join(projectRoot, 'bin', 'run.js')}`
    writeFileSync(editor, `#!/bin/sh\nCIB_file= ${hakitBin} crm configure property --socket '${lab.node('n2').socket}' maintenance-mode=false >/dev/null || exit 9\necho 'primitive mine ocf:pacemaker:Dummy' >> "$1"\n`, {mode: 0o755})
    const r = runCli(['crm', 'configure', 'edit', '--socket', lab.node('n1').socket], {env: {CIB_file: '', EDITOR: editor, VISUAL: ''}})
    assert.equal(r.status, 103, r.stderr)
    assert.match(r.stderr, /CIB changed in the meantime/)
    assert.match(r.stderr, /your edited configuration is kept in \S+/)
    const after = await lab.cib('n1')
    assert.ok(after.crmConfig.some((s) => s.pairs.some((p) => p.name === 'maintenance-mode' && p.value === 'false')), 'the other admin\'s change is there')
    assert.ok(!after.resources.some((x) => x.id === 'mine'), 'the refused edit changed nothing')
  } finally {
    await lab.cleanup()
  }
})

test('live: configure statements, --wait, restart; delete refuses a running resource', {skip}, async () => {
  const lab = new CrmLab({cib: [...base, 'property stonith-enabled=false'].join('\n') + '\n'})
  try {
    lab.start('n1')
    lab.start('n2')
    await lab.activeOnce('d1')
    const socket = lab.node('n1').socket
    const hakit = (...args: string[]) => runCli(['crm', ...args, '--socket', socket], {env: {CIB_file: ''}})
    const ok = (...args: string[]) => {
      const r = hakit(...args)
      assert.equal(r.status, 0, `crm ${args.join(' ')}: ${r.stderr}\n${lab.describe()}`)
      return r.stdout
    }

    // a new primitive and a group, committed live; --wait on a start returns once it runs
    ok('configure', 'primitive', 'd2', 'ocf:pacemaker:Dummy', 'op', 'monitor', 'interval=2s', 'timeout=20s')
    ok('configure', 'group', 'g', 'd2', 'meta', 'target-role=Stopped')
    ok('configure', 'colocation', 'g-with-d1', 'inf:', 'g', 'd1')
    const started = ok('resource', 'start', 'g', '--wait')
    const holder = lab.placement().get('d1')![0]!
    assert.deepEqual(lab.placement().get('d2'), [holder], `after start --wait d2 runs with d1 at once:\n${started}`)
    assert.match(started, new RegExp(`d2 start on ${holder}: ok`))

    // a running resource is not deleted (crmsh's check on a live CIB)
    const refused = hakit('configure', 'delete', 'd2')
    assert.equal(refused.status, 1)
    assert.match(refused.stderr, /d2 is running, can't delete it/)

    // stop --wait: gone when the command returns
    const stopped = ok('resource', 'stop', 'g', '--wait')
    assert.equal(lab.placement().get('d2'), undefined, `after stop --wait d2 is stopped:\n${stopped}`)
    assert.match(stopped, new RegExp(`d2 stop on ${holder}: ok`))
    ok('resource', 'start', 'g', '--wait')

    // restart: stop, settle, start — the output lists both halves, d1 runs once at the end
    const restarted = ok('resource', 'restart', 'd1', '--wait')
    assert.match(restarted, /INFO: ordering d1 to stop[\s\S]*d1 stop on n\d: ok[\s\S]*INFO: ordering d1 to start[\s\S]*d1 start on n\d: ok/)
    assert.equal(lab.placement().get('d1')?.length, 1, restarted)
    assert.equal(metaOf(await lab.cib('n1'), 'd1', 'target-role'), 'Started')

    // move --wait: on the target when the command returns, with its group
    const now = lab.placement().get('d1')![0]!
    const other = now === 'n1' ? 'n2' : 'n1'
    const moved = ok('resource', 'move', 'd1', other, '--wait')
    assert.deepEqual(lab.placement().get('d1'), [other], moved)
    assert.deepEqual(lab.placement().get('d2'), [other], moved)
    ok('resource', 'clear', 'd1', '--wait')

    // a location statement: the cluster converges to the placement the scheduler predicts on the committed CIB
    const from = lab.placement().get('d1')![0]!
    const to = from === 'n1' ? 'n2' : 'n1'
    ok('configure', 'location', 'prefer-to', 'd1', '200:', to)
    const predicted = schedule(await lab.cib('n2')).placement.filter((p) => p.resource === 'd1' || p.resource === 'd2')
    assert.deepEqual(predicted.map((p) => [p.resource, p.next]).sort(), [['d1', to], ['d2', to]])
    await lab.waitFor('d1 and d2 where the scheduler predicted', () => lab.placement().get('d1')?.join() === to && lab.placement().get('d2')?.join() === to)

    // on a CIB file there is nothing to wait for
    const file = runCli(['crm', 'resource', 'restart', 'd1'], {env: {CIB_file: join(lab.root, 'cluster.cib')}})
    assert.equal(file.status, 1)
    assert.match(file.stderr, /restart needs a running cluster/)
  } finally {
    await lab.cleanup()
  }
})

test('live: crm node fence — the DC fences the node with its fence device (fence_dummy), the resource is recovered on the survivor', {skip: skip || (!existsSync('/usr/sbin/fence_dummy') ? 'fence_dummy is not installed (fence-agents)' : false)}, async () => {
  const lab = new CrmLab({
    cib: [
      ...base,
      'primitive fencer stonith:fence_dummy params type=file status_file="@STATUS@" pcmk_host_list="n1 n2" op monitor interval=60s timeout=30s',
      'property stonith-enabled=true',
    ].join('\n') + '\n',
  })
  // fence_dummy records each fencing in its status file: put it in the lab
  const fenceStatus = join(lab.root, 'fence-status')
  writeFileSync(lab.cibFile, readFileSync(lab.cibFile, 'utf8').replace('@STATUS@', fenceStatus))
  try {
    lab.start('n1')
    lab.start('n2')
    await lab.waitFor('a DC and d1 active once', async () => (lab.placement().get('d1') ?? []).length === 1 && !!(await lab.status('n1'))?.dc)
    const dc = (await lab.status('n1'))!.dc!
    const victim = dc === 'n1' ? 'n2' : 'n1'
    const hakit = (node: string, ...args: string[]) => runCli(['crm', ...args, '--socket', lab.node(node).socket], {env: {CIB_file: ''}})
    // put d1 on the victim, so fencing it has something to recover
    if (lab.placement().get('d1')?.[0] !== victim) {
      const moved = hakit(dc, 'resource', 'move', 'd1', victim, '--wait')
      assert.equal(moved.status, 0, moved.stderr + lab.describe())
    }
    assert.deepEqual(lab.placement().get('d1'), [victim])

    // without a terminal crmsh's question cannot be answered: --force is needed
    const asked = hakit(dc, 'node', 'fence', victim)
    assert.equal(asked.status, 1)
    assert.match(asked.stderr, new RegExp(`Do you want to fence ${victim}\\? \\(stdin is not a terminal: use --force\\)`))

    // fence it; when the device has run, the "power" of the victim goes (fence_dummy only records)
    const fence = spawn(process.execPath, [join(projectRoot, 'bin', 'run.js'), 'crm', 'node', 'fence', victim, '--force', '--wait', '--socket', lab.node(dc).socket], {env: {...process.env, CIB_file: '', NO_COLOR: '1'}})
    let out = ''
    fence.stdout.on('data', (d: Buffer) => (out += d.toString()))
    fence.stderr.on('data', (d: Buffer) => (out += d.toString()))
    const exited = new Promise<number | null>((resolve) => fence.on('exit', (code) => resolve(code)))
    await lab.waitFor('the fence device ran', () => existsSync(fenceStatus), 120_000)
    lab.powerOff(victim)
    const code = await exited
    assert.equal(code, 0, out + lab.describe())
    assert.match(out, new RegExp(`fencing of ${victim} requested`))
    assert.match(lab.log(dc), new RegExp(`${victim}.*(terminat|fenc)`, 'i'))
    assert.deepEqual(lab.placement().get('d1'), [dc], `d1 recovered on the survivor:\n${out}`)
    const cib = await lab.cib(dc)
    const state = cib.status.find((s) => s.uname === victim)
    assert.ok(!state?.transientAttributes.some((s) => s.pairs.some((p) => p.name === 'terminate')), 'the fencing erased the request')

    // stonith disabled: the cluster cannot fence — refused
    hakit(dc, 'configure', 'property', 'stonith-enabled=false')
    const off = hakit(dc, 'node', 'fence', victim, '--force')
    assert.equal(off.status, 1)
    assert.match(off.stderr, /stonith-enabled is false/)
  } finally {
    await lab.cleanup()
  }
})
