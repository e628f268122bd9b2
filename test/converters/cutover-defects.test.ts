/**
 * What broke a cut-over (issue 14, part 4), each reproduced: MIGRATION.md's
 * load step and site commands, init-script status semantics, conversions
 * that cannot work but exited 0, the DRBD-only CIB, dopd, the watchdog
 * hint, findings without a position, Placement line numbers.
 */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {convertBundle, type Bundle, type BundleInput} from '../../src/converters/bundle.js'
import {legacyPaths, loadLegacy} from '../../src/converters/load.js'
import {writeConversionBundle} from '../../src/converters/write-bundle.js'
import {lintAll} from '../../src/lint/files.js'
import {parseHaCf} from '../../src/formats/hacf/parse.js'
import {parseHaresources} from '../../src/formats/haresources/parse.js'
import {printCorosyncConf} from '../../src/formats/corosync/print.js'
import {parseCorosyncConf, sections, value} from '../../src/formats/corosync/index.js'
import {checkInstalledScript, statusBranch} from '../../src/converters/haresources/init-scripts.js'
import type {Finding} from '../../src/core/findings.js'
import {fixturesDir, haveCommand, runCli, sharedDir} from '../helpers/cli.js'

const work = mkdtempSync(join(tmpdir(), 'hakit-cutover-'))
test.after(() => rmSync(work, {recursive: true, force: true}))

const initFixture = join(fixturesDir, 'convert', 'init-scripts')
const seeds = join(sharedDir, 'fixtures', 'seeds')

/** A legacy directory made from texts (authkeys at mode 0600). */
function site(name: string, files: Record<string, string>): string {
  const dir = join(work, name)
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text, {mode: file === 'authkeys' ? 0o600 : 0o644, flag: 'w'})
  return dir
}
function mkSite(name: string, files: Record<string, string>): string {
  spawnSync('mkdir', ['-p', join(work, name)])
  return site(name, files)
}

function convertTexts(files: {haresources?: string; hacf?: string}, extra: Partial<BundleInput> = {}): Bundle {
  return convertBundle({
    haresources: files.haresources !== undefined ? parseHaresources(files.haresources, 'haresources').model : undefined,
    hacf: files.hacf !== undefined ? parseHaCf(files.hacf, 'ha.cf').model : undefined,
    expectResources: true,
    ...extra,
  })
}

const ids = (findings: readonly Finding[], severity?: Finding['severity']) => findings.filter((f) => !severity || f.severity === severity).map((f) => f.id)
const HACF = 'bcast eth0\nauto_failback on\nnode n1\nnode n2\n'

test('MIGRATION.md: a load step that works on a live cluster, firewall, key distribution, pcs setup, and the real lint result', async () => {
  const dir = join(work, 'fixture-copy')
  cpSync(initFixture, dir, {recursive: true})
  const out = join(work, 'bundle-init')
  const {findings} = await writeConversionBundle(dir, out)
  const report = readFileSync(join(out, 'MIGRATION.md'), 'utf8')
  const steps = report.slice(report.indexOf('## Cut-over steps'))
  // No step loads with cibadmin --replace (epoch 1 is refused by a running cluster); --apply is the load step.
  const loadStep = steps.split('\n').find((l) => /^\d+\. Load the configuration/.test(l))
  assert.ok(loadStep, steps)
  assert.match(loadStep, /--apply --dry-run/)
  assert.match(loadStep, /Do not use `cibadmin --replace --xml-file cib\.xml`/)
  assert.doesNotMatch(loadStep.replace(/Do not use[^:]*:/, ''), /`cibadmin --replace/)
  assert.match(steps, /5405\/udp/)
  assert.match(steps, /694\/udp/)
  assert.match(steps, /install -o root -g root -m 0400 authkey \/etc\/corosync\/authkey/)
  assert.match(steps, /scp -p corosync\.conf authkey root@beta:\/etc\/corosync\//)
  assert.match(steps, /pcs host auth alpha beta -u hacluster/)
  assert.match(steps, /pcs cluster setup linux-ha alpha addr=alpha beta addr=beta transport knet totem token=10000/)
  // The lint counts in the report are lint's own, not the conversion's.
  const lint = await lintAll(dir)
  const lintErrors = lint.findings.filter((f) => f.severity === 'error').length
  const lintWarnings = lint.findings.filter((f) => f.severity === 'warning').length
  assert.ok(lintErrors > 0, 'the fixture has lint errors (a missing script)')
  assert.match(report, new RegExp(`Lint \\(\`hakit lint all ${dir}\`\\): ${lintErrors} error\\(s\\), ${lintWarnings} warning\\(s\\)`))
  assert.match(report, new RegExp(`it found ${lintErrors} error\\(s\\) and ${lintWarnings} warning\\(s\\)`))
  for (const f of lint.findings.filter((x) => x.severity === 'error')) assert.ok(report.includes(`**${f.id}**: ${f.message}`), f.message)
  const conversionErrors = findings.filter((f) => f.severity === 'error').length
  assert.match(report, new RegExp(`Conversion findings: ${conversionErrors} error\\(s\\)`))
})

test('init scripts: status read by output under Heartbeat, by exit code under Pacemaker — each script checked', async () => {
  const inputs = await loadLegacy({...(await legacyPaths(initFixture)), lookUpScripts: true})
  const bundle = convertBundle({...inputs, expectResources: true})
  const about = (name: string) => bundle.findings.filter((f) => f.message.includes(name) && f.id !== 'convert-custom-script')
  // legacyweb: prints "stopped" and exits 0 → looks running to Pacemaker; the finding points at its status line.
  const legacy = about('legacyweb').find((f) => f.id === 'convert-lsb-status-output')
  assert.ok(legacy, JSON.stringify(about('legacyweb')))
  assert.equal(legacy.location?.file, join(initFixture, 'resource.d', 'legacyweb'))
  assert.equal(legacy.location?.line, 12)
  assert.match(legacy.message, /printing "running" or "stopped"/)
  assert.ok(about('legacyweb').some((f) => f.id === 'convert-script-resource-d'), 'lsb: runs /etc/init.d scripts')
  // goodsvc exits 3 through its function: no status finding.
  assert.deepEqual(ids(about('goodsvc')).filter((id) => id.startsWith('convert-lsb')), [])
  assert.deepEqual(ids(about('nostatus')).filter((id) => id.startsWith('convert-lsb')), ['convert-lsb-no-status'])
  assert.deepEqual(ids(about('absentsvc')), ['convert-script-missing'])
  // The general note says what each side reads (the old wording said Heartbeat never ran status).
  const note = bundle.findings.find((f) => f.id === 'convert-lsb-monitor')!
  assert.match(note.message, /Heartbeat ran "status" and read its output/)
  assert.match(note.message, /reads only the exit code/)
  assert.doesNotMatch(note.message, /never ran/)
})

test('init scripts: the status branch and what counts as exiting non-zero', () => {
  assert.equal(statusBranch('case "$1" in\n start) a;;\n "status")\n  echo OK\n  ;;\nesac\n')?.line, 3)
  assert.equal(statusBranch('case $1 in start|stop) x;; esac\n'), undefined)
  const script = (status: string) => ({path: '/etc/init.d/s', initD: true, executable: true, text: `#!/bin/sh\ncase "$1" in\n  status)\n${status}\n  ;;\nesac\n`})
  const idsOf = (status: string) => checkInstalledScript('s', script(status), 'lsb').map((p) => p.id)
  assert.deepEqual(idsOf('    echo "s is running"'), ['convert-lsb-status-output'])
  assert.deepEqual(idsOf('    pidof s >/dev/null && echo running || echo stopped'), ['convert-lsb-status-output'])
  assert.deepEqual(idsOf('    pidof s >/dev/null && echo running || { echo stopped; exit 3; }'), [])
  assert.deepEqual(idsOf('    status_of_proc -p /run/s.pid /usr/sbin/s s'), [])
  assert.deepEqual(idsOf('    systemctl is-active s'), [])
  assert.deepEqual(idsOf('    ps ax | grep -q [s]'), [], 'no words printed: nothing certain to say')
  assert.deepEqual(checkInstalledScript('s', script('echo running'), 'systemd').map((p) => p.id), [], 'systemd: not an init script')
})

test('a conversion that cannot work is an error, not a silent exit 0', () => {
  // drbddisk without a name and no drbd.conf: drbd_resource=all cannot start.
  assert.deepEqual(ids(convertTexts({haresources: 'n1 drbddisk 10.0.0.1\n', hacf: HACF}).findings, 'error'), ['convert-drbd-all'])
  // A near-miss of a shipped script: an error offline (nothing looked up) and when no such script is installed.
  assert.deepEqual(ids(convertTexts({haresources: 'n1 drbdisk::r0 10.0.0.1\n', hacf: HACF}).findings, 'error'), ['convert-script-near-miss'])
  assert.deepEqual(ids(convertTexts({haresources: 'n1 drbdisk::r0 10.0.0.1\n', hacf: HACF}, {scripts: new Map([['drbdisk', null]])}).findings, 'error'), ['convert-script-near-miss'])
  // …but an installed script of that name is the admin's own: a warning with the hint.
  const installed = convertTexts({haresources: 'n1 drbdisk::r0 10.0.0.1\n', hacf: HACF}, {scripts: new Map([['drbdisk', {path: '/etc/init.d/drbdisk', initD: true, executable: true}]])})
  assert.deepEqual(ids(installed.findings, 'error'), [])
  assert.match(installed.findings.find((f) => f.id === 'convert-custom-script')!.message, /Did you mean the shipped script 'drbddisk'/)
  // apache2 is another program, not a typo of apache.
  assert.deepEqual(ids(convertTexts({haresources: 'n1 10.0.0.1 apache2\n', hacf: HACF}).findings, 'error'), [])
  // crm on: heartbeat ignored haresources.
  const crm = convertTexts({haresources: 'n1 10.0.0.1\n', hacf: `crm on\n${HACF}`})
  assert.deepEqual(ids(crm.findings, 'error'), ['convert-crm-mode-haresources'])
  assert.deepEqual(crm.findings.find((f) => f.id === 'convert-crm-mode-haresources')!.location, {file: 'ha.cf', line: 1, column: 1})
  // No resource line at all; no haresources at all.
  assert.deepEqual(ids(convertTexts({haresources: '# nothing here\n', hacf: HACF}).findings, 'error'), ['convert-no-resources'])
  assert.deepEqual(ids(convertTexts({hacf: HACF}).findings, 'error'), ['convert-no-resources'])
  // An empty ha.cf: an empty nodelist.
  const empty = convertTexts({haresources: '# none\n', hacf: ''}, {expectResources: false})
  assert.deepEqual(ids(empty.findings, 'error').sort(), ['convert-hacf-empty', 'convert-hacf-no-nodes'])
  assert.equal(sections(sections(empty.corosync, 'nodelist')[0]!, 'node').length, 0)
})

test('the CLI exits 1 for each of them (also with --offline), 0 for a sound conversion', async (t) => {
  if (!haveCommand('node')) return t.skip('no node')
  const cases: Array<[string, Record<string, string>, string[]]> = [
    ['bare-drbddisk', {haresources: 'n1 drbddisk 10.0.0.1\n', 'ha.cf': HACF}, ['convert-drbd-all']],
    ['near-miss', {haresources: 'n1 drbdisk::r0 10.0.0.1\n', 'ha.cf': HACF}, ['convert-script-near-miss']],
    ['crm-on', {haresources: 'n1 10.0.0.1\n', 'ha.cf': `pacemaker on\n${HACF}`}, ['convert-crm-mode-haresources']],
    ['no-groups', {haresources: '\n', 'ha.cf': HACF}, ['convert-no-resources']],
    ['empty-hacf', {haresources: 'n1 10.0.0.1\n', 'ha.cf': ''}, ['convert-hacf-empty']],
    ['sound', {haresources: 'n1 10.0.0.1\n', 'ha.cf': HACF}, []],
  ]
  for (const [name, files, expected] of cases) {
    const dir = mkSite(name, {...files, authkeys: 'auth 1\n1 sha1 0123456789abcdef0123\n'})
    for (const offline of [false, true]) {
      const r = runCli(['convert', 'all', dir, '--out', join(work, `${name}-out`), ...(offline ? ['--offline'] : [])])
      assert.equal(r.status, expected.length > 0 ? 1 : 0, `${name}${offline ? ' --offline' : ''}: ${r.stderr}`)
      for (const id of expected) assert.match(r.stderr, new RegExp(`:\\d+:\\d+ error ${id} `), `${name}: ${r.stderr}`)
      assert.doesNotMatch(r.stderr, /^- /m, 'every finding has file:line:col')
    }
  }
  const drbd = mkSite('drbd-none', {'drbd.conf': 'global { usage-count no; }\n'})
  const r = runCli(['convert', 'drbd', join(drbd, 'drbd.conf')])
  assert.equal(r.status, 1, r.stderr)
  assert.match(r.stderr, /drbd\.conf:1:1 error convert-drbd-none /)
})

test('convert drbd --to cib on its own passes crm_verify -x', async (t) => {
  if (!haveCommand('crm_verify')) return t.skip('pacemaker-cli-utils not installed')
  for (const file of ['v83.conf', 'v84.res', 'v9.res']) {
    const r = runCli(['convert', 'drbd', join(fixturesDir, 'convert', 'drbd', file)])
    assert.equal(r.status, 0, r.stderr)
    const xml = join(work, `drbd-${file}.xml`)
    writeFileSync(xml, r.stdout)
    const verify = spawnSync('crm_verify', ['-V', '-x', xml], {encoding: 'utf8'})
    assert.equal(verify.status, 0, `${file}: ${verify.stderr}`)
    assert.match(r.stderr, /warning convert-no-fencing/)
  }
})

test('convert drbd --to drbd9 says that dopd\'s drbd-peer-outdater handler cannot work', () => {
  const file = join(fixturesDir, 'example-cluster', 'drbd.conf')
  const r = runCli(['convert', 'drbd', file, '--to', 'drbd9'])
  assert.ok(r.status === 0 || r.status === 1, r.stderr)
  const line = readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes('drbd-peer-outdater')) + 1
  assert.match(r.stderr, new RegExp(`drbd\\.conf:${line}:\\d+ warning convert-drbd-dopd `))
})

test('corosync.conf: the watchdog hint is a key inside resources {}, disabled', () => {
  const bundle = convertTexts({haresources: 'n1 10.0.0.1\n', hacf: `${HACF}watchdog /dev/watchdog\n`})
  const text = printCorosyncConf(bundle.corosync)
  const parsed = parseCorosyncConf(text, 'corosync.conf')
  const resources = sections(parsed, 'resources')
  assert.equal(resources.length, 1, text)
  assert.equal(value(resources[0], 'watchdog_device'), 'off')
  // Nothing watchdog-like outside the section, and the hint names the device.
  const outside = text.slice(0, text.indexOf('resources {')) + text.slice(text.indexOf('}', text.indexOf('resources {')) + 1)
  assert.doesNotMatch(outside.replace(/^#.*$/gm, ''), /watchdog_device/)
  assert.match(text, /set watchdog_device: \/dev\/watchdog/)
})

test('corosync -t accepts the watchdog section', async (t) => {
  if (process.getuid?.() !== 0 || !haveCommand('corosync') || !haveCommand('unshare')) return t.skip('needs root, corosync and unshare')
  const bundle = convertTexts({haresources: 'n1 10.0.0.1\n', hacf: `bcast eth0\nnode n1\nnode n2\nwatchdog /dev/watchdog\n`})
  const key = join(work, 'wd.key')
  writeFileSync(key, bundle.authkey.key, {mode: 0o400})
  const conf = join(work, 'wd.conf')
  writeFileSync(conf, printCorosyncConf(bundle.corosync).replace('crypto_hash: sha256', `crypto_hash: sha256\n    keyfile: ${key}`))
  const hosts = join(work, 'wd.hosts')
  writeFileSync(hosts, '127.0.0.1 localhost\n10.254.1.1 n1\n10.254.1.2 n2\n')
  const r = spawnSync('unshare', ['--uts', '--mount', '--net', 'sh', '-c', `mount --bind ${hosts} /etc/hosts && ip link set lo up && ip addr add 10.254.1.1/32 dev lo && hostname n1 && corosync -t -c ${conf}`], {encoding: 'utf8'})
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`)
})

test('every finding of a conversion has file:line:col; node findings point at the line naming the node', async () => {
  for (const dir of [initFixture, ...['000-centos-drbd-httpd', '001-annotated-node1', '003-debian-drbd07'].map((s) => join(seeds, s))]) {
    const inputs = await loadLegacy(await legacyPaths(dir))
    const bundle = convertBundle({...inputs, expectResources: true})
    const unplaced = bundle.findings.filter((f) => !f.location || f.location.line < 1 || f.location.column < 1)
    assert.deepEqual(unplaced.map((f) => f.id), [], dir)
  }
  const b = convertTexts({haresources: 'n1 10.0.0.1\n\nn3 10.0.0.2\n', hacf: 'bcast eth0\nnode n1\nnode n2\n'})
  const added = b.findings.find((f) => f.id === 'convert-hacf-node-added')!
  assert.deepEqual(added.location, {file: 'haresources', line: 3, column: 1})
  const addr = b.findings.filter((f) => f.id === 'convert-node-addr')
  assert.deepEqual(addr.map((f) => `${f.location?.file}:${f.location?.line}`), ['ha.cf:2', 'ha.cf:3', 'haresources:3'])
})

test('MIGRATION.md Placement gives file lines, not ordinals', async () => {
  const out = join(work, 'bundle-placement')
  await writeConversionBundle(initFixture, out, {offline: true})
  const report = readFileSync(join(out, 'MIGRATION.md'), 'utf8')
  const placement = report.slice(report.indexOf('## Placement'), report.indexOf('Nodes (corosync'))
  const text = readFileSync(join(initFixture, 'haresources'), 'utf8').split('\n')
  const alphaLine = text.findIndex((l) => l.startsWith('alpha ')) + 1
  const betaLine = text.findIndex((l) => l.startsWith('beta ')) + 1
  assert.ok(alphaLine > 1 && betaLine > alphaLine + 1)
  assert.match(placement, new RegExp(`haresources:${alphaLine}\`: \`grp_alpha_1\` prefers node \`alpha\``))
  assert.match(placement, new RegExp(`haresources:${betaLine}\`: \`grp_beta_2\` prefers node \`beta\``))
})
