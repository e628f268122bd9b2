/**
 * The converted configurations judged by the real tools: crm_verify,
 * crm_simulate, corosync -t, pcs -f and crmsh on CIB files.
 */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {convertBundle, type Bundle} from '../../src/converters/bundle.js'
import {legacyPaths, loadLegacy} from '../../src/converters/load.js'
import {printCibAs} from '../../src/converters/outputs.js'
import {printCorosyncConf} from '../../src/formats/corosync/print.js'
import {checkCorosyncConf, sections, value} from '../../src/formats/corosync/index.js'
import {parseCibXml} from '../../src/formats/cib/xml.js'
import {fixturesDir, haveCommand, isRoot, sharedDir} from '../helpers/cli.js'
import {normalizeCib} from './cib-compare.js'
import {diffCibs} from '../../src/cib/diff.js'

const seeds = join(sharedDir, 'fixtures', 'seeds')
const fixtures: Array<{name: string; dir: string}> = [
  ...['000-centos-drbd-httpd', '001-annotated-node1', '003-debian-drbd07'].map((n) => ({name: n, dir: join(seeds, n)})),
  ...['every-script', 'two-lines', 'fencing'].map((n) => ({name: n, dir: join(fixturesDir, 'convert', n)})),
].filter((f) => existsSync(f.dir))

const work = mkdtempSync(join(tmpdir(), 'hakit-convert-'))
test.after(() => rmSync(work, {recursive: true, force: true}))

async function convert(dir: string): Promise<Bundle> {
  const inputs = await loadLegacy(await legacyPaths(dir))
  return convertBundle(inputs)
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  return spawnSync(cmd, args, {encoding: 'utf8', env: {...process.env, ...env}, timeout: 120_000})
}

/** Equal promotion scores for every DRBD clone on every node, so placement decides where to promote. */
function withPromotionScores(xml: string, bundle: Bundle): string {
  const drbd = bundle.cib.resources.flatMap((r) => (r.kind === 'clone' && r.promotable ? [r.child.id] : []))
  const states = bundle.nodes
    .map((n, i) => {
      const nv = drbd.map((d) => `<nvpair id="st-${i}-${d}" name="master-${d}" value="1000"/>`).join('')
      return `<node_state id="${i + 1}" uname="${n}" in_ccm="true" crmd="online" join="member" expected="member"><transient_attributes id="${i + 1}"><instance_attributes id="status-${i + 1}">${nv}</instance_attributes></transient_attributes></node_state>`
    })
    .join('')
  return xml.replace(/<status\/>|<\/configuration>\s*<\/cib>/, (m) => (m === '<status/>' ? `<status>${states}</status>` : `</configuration><status>${states}</status></cib>`))
}

for (const f of fixtures) {
  test(`${f.name}: crm_verify accepts the CIB; crm_simulate starts every line on its node in order`, async (t) => {
    if (!haveCommand('crm_verify') || !haveCommand('crm_simulate')) {
      t.skip('pacemaker-cli-utils not installed')
      return
    }
    const bundle = await convert(f.dir)
    const file = join(work, `${f.name}.xml`)
    writeFileSync(file, printCibAs(bundle.cib, 'cib'))
    const verify = run('crm_verify', ['-V', '-x', file])
    assert.equal(verify.status, 0, verify.stderr)

    const sim = join(work, `${f.name}-sim.xml`)
    writeFileSync(sim, withPromotionScores(readFileSync(file, 'utf8'), bundle))
    const out = run('crm_simulate', ['-x', sim, '-S', '--quorum=1', ...bundle.nodes.flatMap((n) => ['--node-up', n])])
    assert.equal(out.status, 0, out.stderr)
    const actions = [...out.stdout.matchAll(/Resource action: (\S+)\s+(start|promote) on (\S+)/g)].map((m) => ({rsc: m[1]!, action: m[2]!, node: m[3]!}))
    for (const unit of bundle.units) {
      const res = bundle.cib.resources.find((r) => r.id === unit.id)!
      if (res.kind === 'clone') {
        assert.ok(actions.some((a) => a.rsc.startsWith(`${res.child.id}:`) && a.action === 'promote' && a.node === unit.node), `${unit.id} promoted on ${unit.node}`)
        continue
      }
      const members = res.kind === 'group' ? res.children.map((c) => c.id) : [res.id]
      const positions = members.map((m) => actions.findIndex((a) => a.rsc === m && a.action === 'start'))
      for (const [i, m] of members.entries()) {
        assert.ok(positions[i]! >= 0, `${m} (line ${unit.line}) was not started:\n${out.stdout}`)
        assert.equal(actions[positions[i]!]!.node, unit.node, `${m} starts on ${unit.node}`)
      }
      assert.deepEqual([...positions].sort((a, b) => a - b), positions, `line ${unit.line} starts in order`)
    }
  })

  test(`${f.name}: corosync -t accepts corosync.conf, and hakit's own check finds nothing`, async (t) => {
    const bundle = await convert(f.dir)
    const text = printCorosyncConf(bundle.corosync)
    assert.deepEqual(checkCorosyncConf(bundle.corosync).filter((x) => x.severity !== 'info'), [])
    if (!isRoot || !haveCommand('corosync') || !haveCommand('unshare')) {
      t.skip('needs root, corosync and unshare')
      return
    }
    const key = join(work, `${f.name}.key`)
    writeFileSync(key, bundle.authkey.key, {mode: 0o400})
    const conf = join(work, `${f.name}.conf`)
    writeFileSync(conf, text.replace('crypto_hash: sha256', `crypto_hash: sha256\n    keyfile: ${key}`))
    // Names used as ring0_addr must resolve, and one address must be local: a private hosts file and
    // network namespace make the first node "this host".
    const nodes = sections(sections(bundle.corosync, 'nodelist')[0]!, 'node')
    const addrs = nodes.map((n, i) => {
      const a = value(n, 'ring0_addr')!
      return /^[0-9.]+$|:/.test(a) ? a : `10.254.0.${i + 1}`
    })
    const hosts = join(work, `${f.name}.hosts`)
    writeFileSync(hosts, `127.0.0.1 localhost\n${nodes.map((n, i) => `${addrs[i]} ${value(n, 'ring0_addr')} ${value(n, 'name')}`).join('\n')}\n`)
    const me = value(nodes[0]!, 'name')!
    const script = `mount --bind ${hosts} /etc/hosts && ip link set lo up && ip addr add ${addrs[0]}/32 dev lo && hostname ${me} && corosync -t -c ${conf}`
    const r = run('unshare', ['--uts', '--mount', '--net', 'sh', '-c', script])
    assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`)
  })
}

// pcs and crmsh are slow (pcs: ~1 s a command), so the script round trips run on one fixture that has a bit of everything (DRBD, fencing, ping rules, stickiness).
for (const name of ['fencing']) {
  const f = fixtures.find((x) => x.name === name)
  if (!f) continue
  test(`${name}: the pcs script run by pcs -f gives the same configuration as cib.xml, cluster-name included, and leaves cib.xml alone`, async (t) => {
    if (!haveCommand('pcs') || !haveCommand('cibadmin')) {
      t.skip('pcs not installed')
      return
    }
    const bundle = await convert(f.dir)
    // As in the bundle directory: cib.xml beside pcs.sh, the script run with no CIB variable.
    const dir = mkdtempSync(join(work, 'pcs-'))
    const script = join(dir, 'pcs.sh')
    writeFileSync(script, printCibAs(bundle.cib, 'pcs'))
    const bundleCib = printCibAs(bundle.cib, 'cib')
    writeFileSync(join(dir, 'cib.xml'), bundleCib)
    const cib = join(dir, 'pcs-cib.xml')
    writeFileSync(cib, run('cibadmin', ['--empty']).stdout)
    const r = spawnSync('sh', [script], {cwd: dir, encoding: 'utf8', env: {...process.env, CIB: undefined}, timeout: 120_000})
    assert.equal(r.status, 0, r.stderr)
    assert.equal(readFileSync(join(dir, 'cib.xml'), 'utf8'), bundleCib, 'pcs.sh must not write the bundle\'s cib.xml')
    assert.equal(run('crm_verify', ['-x', cib]).status, 0)
    const pcsCib = parseCibXml(readFileSync(cib, 'utf8'), cib)
    assert.deepEqual(normalizeCib(pcsCib), normalizeCib(bundle.cib))
    const d = diffCibs(bundle.cib, pcsCib)
    assert.ok(d.equal, d.unified)
  })

  test(`${name}: the crm script loaded by crmsh gives the same configuration as cib.xml`, async (t) => {
    if (!haveCommand('crm') || !haveCommand('cibadmin')) {
      t.skip('crmsh not installed')
      return
    }
    const bundle = await convert(f.dir)
    const script = join(work, `${name}.crm`)
    writeFileSync(script, printCibAs(bundle.cib, 'crm', ['test']))
    const cib = join(work, `${name}.crm.xml`)
    writeFileSync(cib, run('cibadmin', ['--empty']).stdout)
    const r = run('crm', ['-F', 'configure', 'load', 'update', script], {CIB_file: cib})
    assert.equal(r.status, 0, r.stderr)
    assert.equal(run('crm_verify', ['-x', cib]).status, 0)
    const crmCib = parseCibXml(readFileSync(cib, 'utf8'), cib)
    assert.deepEqual(normalizeCib(crmCib), normalizeCib(bundle.cib))
    const d = diffCibs(bundle.cib, crmCib)
    assert.ok(d.equal, d.unified)
  })
}
