/**
 * `hakit convert cib`: CIBs of Pacemaker 1.0/1.1 on Heartbeat (seeds 002 and
 * 004 as published, and two XML dialects) upgraded to one Pacemaker 2.1.5
 * accepts (crm_verify -x) with the same placements: crm_simulate plans the
 * old configuration and the new one through the same scenarios.
 */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {convertOldCib, readOldCib} from '../../src/converters/cib/convert.js'
import {printCibXml, parseCibXml} from '../../src/formats/cib/xml.js'
import type {Cib} from '../../src/formats/cib/model.js'
import {fixturesDir, haveCommand, runCli, sharedDir} from '../helpers/cli.js'

const work = mkdtempSync(join(tmpdir(), 'hakit-cib-upgrade-'))
test.after(() => rmSync(work, {recursive: true, force: true}))
const seeds = join(sharedDir, 'fixtures', 'seeds')

interface Case {
  name: string
  files: string[]
  nodes: string[]
  /** Transient node attributes the old cluster had (DRBD promotion scores, pingd). */
  attributes?: Record<string, string>
}

const cases: Case[] = [
  {name: 'seed 002 (crm file, nic)', files: [join(seeds, '002-ipaddr2-crm', 'IPaddr2-eth1.crm')], nodes: ['node01', 'node02']},
  {name: 'seed 002 (crm file, no nic)', files: [join(seeds, '002-ipaddr2-crm', 'IPaddr2-nonic.crm')], nodes: ['node01', 'node02']},
  {name: 'seed 004 (crm configure show + crm commands)', files: ['crm-configure-show.txt', 'pacemaker.sh.crm'].map((f) => join(seeds, '004-pacemaker-vagrant', f)), nodes: ['s1', 's2']},
  {name: 'pacemaker-1.0 XML (master/slave DRBD, pingd)', files: [join(fixturesDir, 'convert', 'pacemaker-1.0', 'cib.xml')], nodes: ['node1', 'node2'], attributes: {'master-drbd_r0': '10000', pingd: '100'}},
  {name: 'pacemaker-1.2 XML (heartbeat class, fencing)', files: [join(fixturesDir, 'convert', 'pacemaker-1.1', 'cib.xml')], nodes: ['db-a', 'db-b']},
].filter((c) => c.files.every((f) => existsSync(f)))

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  return spawnSync(cmd, args, {encoding: 'utf8', env: {...process.env, ...env}, timeout: 120_000})
}

/** The old configuration as Pacemaker saw it: XML as is, crm files loaded by crmsh into an empty CIB in order. */
function oldCibXml(c: Case, name: string): string | undefined {
  const xml = c.files.find((f) => readFileSync(f, 'utf8').trimStart().startsWith('<'))
  if (xml) return readFileSync(xml, 'utf8')
  if (!haveCommand('crm')) return undefined
  const file = join(work, `${name}-old.xml`)
  writeFileSync(file, run('cibadmin', ['--empty']).stdout)
  for (const f of c.files) {
    if (run('crm', ['-F', 'configure', 'load', 'update', f], {CIB_file: file}).status === 0) continue
    // A file of crm commands run one at a time (`crm configure property …` twice is fine that way).
    const commands = readFileSync(f, 'utf8').replace(/\\\n/g, ' ').split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#'))
    for (const [i, command] of commands.entries()) {
      const one = join(work, `${name}-cmd-${i}.crm`)
      writeFileSync(one, `${command}\n`)
      const r = run('crm', ['-F', 'configure', 'load', 'update', one], {CIB_file: file})
      assert.equal(r.status, 0, `crmsh could not load ${f} line ${i + 1}: ${r.stderr}`)
    }
  }
  return readFileSync(file, 'utf8')
}

/** The CIB with `up` online (node ids from its own <nodes>, else 1..N) and the given node attributes; old status dropped. */
function withStatus(xml: string, all: string[], up: string[], attributes: Record<string, string>): string {
  const cib: Cib = parseCibXml(xml, 'x.xml')
  cib.status = up.map((uname) => {
    const id = cib.nodes.find((n) => n.uname === uname)?.id ?? String(all.indexOf(uname) + 1)
    return {
      id,
      uname,
      attributes: {in_ccm: 'true', crmd: 'online', join: 'member', expected: 'member'},
      transientAttributes: [{id: `status-${id}`, pairs: Object.entries(attributes).map(([name, value]) => ({id: `status-${id}-${name}`, name, value}))}],
      lrmResources: [],
    }
  })
  return printCibXml(cib)
}

/** Where crm_simulate's plan puts every resource: `rsc@node:role`, clone instance numbers removed, fencing left out. */
function plannedPlacement(xml: string, file: string, up: string[]): string[] {
  writeFileSync(file, xml)
  const r = run('crm_simulate', ['-x', file, '-S', ...up.flatMap((n) => ['--node-up', n])])
  const summary = r.stdout.slice(r.stdout.indexOf('Transition Summary:'), r.stdout.indexOf('Executing Cluster Transition:'))
  assert.ok(summary.length > 0, `crm_simulate failed on ${file}: ${r.stderr}\n${r.stdout}`)
  const placements: string[] = []
  for (const m of summary.matchAll(/^\s*\* (Start|Promote|Move|Recover|Restart)\s+(\S+)\s+\(\s*(.*?)\s*\)/gm)) {
    const [, action, rsc, detail] = m
    const words = detail!.split(/\s+/)
    const node = words.at(-1)!
    const role = action === 'Promote' || /Promoted/.test(detail!) ? 'Promoted' : 'Started'
    placements.push(`${rsc!.replace(/:\d+$/, '')}@${node}:${role}`)
  }
  return placements.sort()
}

for (const c of cases) {
  test(`${c.name}: the upgraded CIB passes crm_verify -x and places every resource where the old one did`, async (t) => {
    if (!haveCommand('crm_verify') || !haveCommand('crm_simulate')) return t.skip('pacemaker-cli-utils not installed')
    const name = c.name.replace(/\W+/g, '-')
    const {cib, sources} = await readOldCib(c.files)
    const result = convertOldCib(cib, sources, {nodeOrder: c.nodes})
    assert.deepEqual(result.findings.filter((f) => f.severity === 'error').map((f) => f.message), [])
    const xml = printCibXml(result.cib)
    assert.match(xml, /validate-with="pacemaker-3\.9"/)
    assert.doesNotMatch(xml, /<master\b|"Master"|"Slave"|cluster-infrastructure|dc-version|crmd-|expected-quorum-votes|class="heartbeat"/)
    const file = join(work, `${name}.xml`)
    writeFileSync(file, xml)
    const verify = run('crm_verify', ['-V', '-x', file])
    assert.equal(verify.status, 0, `${verify.stdout}${verify.stderr}`)
    const old = oldCibXml(c, name)
    if (old === undefined) return t.skip('crmsh not installed: the old crm file cannot be loaded as Pacemaker saw it')
    const scenarios = [c.nodes, ...c.nodes.map((n) => [n])]
    for (const up of scenarios) {
      const before = plannedPlacement(withStatus(old, c.nodes, up, c.attributes ?? {}), join(work, `${name}-old-sim.xml`), up)
      const after = plannedPlacement(withStatus(xml, c.nodes, up, c.attributes ?? {}), join(work, `${name}-new-sim.xml`), up)
      assert.ok(before.length > 0, `nothing placed with ${up.join('+')} up`)
      assert.deepEqual(after, before, `nodes up: ${up.join(', ')}`)
      t.diagnostic(`${up.join('+')} up: ${after.join(' ')}`)
    }
  })
}

test('the upgrade: options renamed/moved/dropped, UUID node ids, master → promotable, roles, order scores, agents, heartbeat class', async () => {
  const {cib, sources} = await readOldCib([join(fixturesDir, 'convert', 'pacemaker-1.0', 'cib.xml')])
  const r = convertOldCib(cib, sources, {nodeOrder: ['node2', 'node1'], clusterName: 'web'})
  const props = Object.fromEntries(r.cib.crmConfig.flatMap((s) => s.pairs).map((p) => [p.name, p.value]))
  assert.deepEqual(props, {'no-quorum-policy': 'ignore', 'stonith-enabled': 'false', 'transition-delay': '2s', 'cluster-name': 'web'})
  assert.deepEqual(Object.fromEntries(r.cib.rscDefaults.flatMap((s) => s.pairs).map((p) => [p.name, p.value])), {'migration-threshold': '3', 'resource-stickiness': '200'})
  assert.deepEqual(r.cib.opDefaults.flatMap((s) => s.pairs).map((p) => `${p.name}=${p.value}`), ['timeout=120s'])
  assert.deepEqual(r.nodeIds, {node2: '1', node1: '2'}, 'corosync nodeids follow the ha.cf order')
  assert.deepEqual(r.cib.nodes, [], 'nodes with only standby=off are left to corosync')
  const ms = r.cib.resources.find((x) => x.id === 'ms_drbd_r0')
  assert.ok(ms?.kind === 'clone' && ms.promotable && !ms.legacyMaster)
  const meta = Object.fromEntries(ms.metaAttributes.flatMap((s) => s.pairs).map((p) => [p.name, p.value]))
  assert.equal(meta.promotable, 'true')
  assert.equal(meta['promoted-max'], '1')
  assert.equal(meta['target-role'], 'Promoted')
  assert.equal(meta['master-max'], undefined)
  assert.ok(ms.child.kind === 'primitive' && ms.child.operations.map((o) => o.attributes.role).join() === 'Promoted,Unpromoted')
  const grp = r.cib.resources.find((x) => x.id === 'grp_web')!
  assert.deepEqual(grp.metaAttributes.flatMap((s) => s.pairs).map((p) => `${p.name}=${p.value}`), ['migration-threshold=1'])
  const col = r.cib.constraints.find((x) => x.id === 'col_web_on_drbd')
  assert.ok(col?.kind === 'colocation' && col.withRscRole === 'Promoted')
  const ord = r.cib.constraints.find((x) => x.id === 'ord_drbd_before_web')
  assert.ok(ord?.kind === 'order' && ord.orderKind === 'Mandatory' && ord.score === undefined)
  const ping = r.cib.resources.find((x) => x.id === 'cl_pingd')
  assert.ok(ping?.kind === 'clone' && ping.child.kind === 'primitive' && `${ping.child.provider}:${ping.child.type}` === 'pacemaker:ping')
  assert.equal(r.cib.status.length, 0)
  assert.ok(r.dialect.includes('schema pacemaker-1.0') && r.dialect.includes('cluster-infrastructure=Heartbeat') && r.dialect.includes('master/slave resources'), r.dialect.join())
  // Every finding names file:line:col, on the line of what it is about.
  assert.ok(r.findings.every((f) => f.location && f.location.line >= 1))
  const renamed = r.findings.find((f) => f.id === 'upgrade-option-renamed')!
  assert.equal(readFileSync(sources[0]!.file, 'utf8').split('\n')[renamed.location!.line - 1]!.includes('crmd-transition-delay'), true)

  const p11 = await readOldCib([join(fixturesDir, 'convert', 'pacemaker-1.1', 'cib.xml')])
  const r11 = convertOldCib(p11.cib, p11.sources)
  const ip = r11.cib.resources.flatMap((x) => (x.kind === 'group' ? x.children : [])).find((x) => x.id === 'db_ip')!
  assert.equal(`${ip.class}:${ip.provider}:${ip.type}`, 'ocf:heartbeat:IPaddr2')
  assert.deepEqual(ip.instanceAttributes.flatMap((s) => s.pairs).map((p) => `${p.name}=${p.value}`), ['ip=10.20.0.40', 'cidr_netmask=24', 'nic=eth0'])
  const p11props = Object.fromEntries(r11.cib.crmConfig.flatMap((s) => s.pairs).map((p) => [p.name, p.value]))
  assert.equal(p11props['stonith-action'], 'off')
  assert.equal(p11props['join-integration-timeout'], '3min')
  assert.deepEqual(r11.cib.rscDefaults.flatMap((s) => s.pairs).map((p) => `${p.name}=${p.value}`), ['resource-stickiness=100', 'is-managed=true'])
})

test('a node attribute worth keeping keeps its node, under the corosync nodeid', async () => {
  const text = '<cib validate-with="pacemaker-1.0"><configuration><crm_config/><nodes><node id="0b5c6a5e-4a4f-4bd1-8d3e-21ad7f1e9a41" uname="n1" type="normal"><instance_attributes id="na"><nvpair id="na-standby" name="standby" value="on"/></instance_attributes></node></nodes><resources/><constraints/></configuration><status/></cib>'
  const r = convertOldCib(parseCibXml(text, 'c.xml'), [{file: 'c.xml', text}], {nodeOrder: ['n0', 'n1']})
  assert.deepEqual(r.cib.nodes.map((n) => `${n.id}:${n.uname}:${n.type ?? ''}`), ['2:n1:'])
})

test('hakit convert cib: the command, its findings and exit codes', async (t) => {
  const out = join(work, 'cmd.xml')
  const r = runCli(['convert', 'cib', ...['crm-configure-show.txt', 'pacemaker.sh.crm'].map((f) => join(seeds, '004-pacemaker-vagrant', f)), '--hacf', join(seeds, '004-pacemaker-vagrant', 'ha.cf'), '--out', out, '--no-agent-check'])
  if (!existsSync(join(seeds, '004-pacemaker-vagrant'))) return t.skip('seed 004 missing')
  assert.equal(r.status, 0, r.stderr)
  assert.match(r.stderr, /crm-configure-show\.txt:5:\d+ info upgrade-option-dropped cluster-infrastructure=Heartbeat dropped/)
  assert.match(r.stderr, /crm-configure-show\.txt:1:\d+ info upgrade-node-dropped node s1 \(id b7cf0247-85a1-472a-8430-fb38728488fd\)/)
  const xml = readFileSync(out, 'utf8')
  assert.match(xml, /name="cluster-name" value="linux-ha"|<nvpair[^>]*name="stonith-enabled"/)
  const missing = runCli(['convert', 'cib', join(work, 'nope.xml')])
  assert.equal(missing.status, 2)
  assert.match(missing.stderr, /nope\.xml/)
  assert.doesNotMatch(missing.stderr, /\n\s+at /)
})

test('convert all --cib: a Pacemaker-on-Heartbeat site gets corosync.conf from ha.cf and the upgraded CIB; without --cib it is an error', async (t) => {
  const seed = join(seeds, '004-pacemaker-vagrant')
  if (!existsSync(seed)) return t.skip('seed 004 missing')
  const dir = join(work, 'site-004')
  spawnSync('cp', ['-r', seed, dir])
  spawnSync('chmod', ['600', join(dir, 'authkeys')])
  const cibFiles = ['crm-configure-show.txt', 'pacemaker.sh.crm'].map((f) => join(dir, f))
  const out = join(work, 'site-004-out')
  const r = runCli(['convert', 'all', dir, '--out', out, ...cibFiles.flatMap((f) => ['--cib', f])])
  assert.equal(r.status, 0, r.stderr)
  assert.doesNotMatch(r.stderr, /convert-hacf-crm-mode|convert-no-resources/)
  const report = readFileSync(join(out, 'MIGRATION.md'), 'utf8')
  assert.match(report, /^# Migration report: Pacemaker on Heartbeat/)
  assert.match(report, /Dialect recognised: Pacemaker 1\.0\.13, cluster-infrastructure=Heartbeat, Heartbeat UUID node ids/)
  assert.match(report, /Node ids \(Heartbeat UUID → corosync nodeid\): s1 → 1, s2 → 2/)
  for (const f of cibFiles) assert.ok(report.includes(`\`${f}\``), f)
  const cib = parseCibXml(readFileSync(join(out, 'cib.xml'), 'utf8'), 'cib.xml')
  assert.deepEqual(cib.resources.map((x) => x.id).sort(), ['samba', 'web', 'webapp'])
  const corosync = readFileSync(join(out, 'corosync.conf'), 'utf8')
  const clusterName = /cluster_name: (\S+)/.exec(corosync)![1]
  assert.equal(cib.crmConfig.flatMap((s) => s.pairs).find((p) => p.name === 'cluster-name')?.value, clusterName)
  assert.match(corosync, /name: s1\n\s+nodeid: 1/)
  if (haveCommand('crm_verify')) assert.equal(run('crm_verify', ['-x', join(out, 'cib.xml')]).status, 0)
  // The same directory without --cib: its haresources-less CIB would be empty.
  const plain = runCli(['convert', 'all', dir, '--out', join(work, 'site-004-plain')])
  assert.equal(plain.status, 1)
  assert.match(plain.stderr, /ha\.cf:1:1 error convert-no-resources .*hakit convert cib/)
})
