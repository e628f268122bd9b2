/**
 * `hakit convert all --apply` against a real, running two-node Corosync 3 +
 * Pacemaker 2.1 cluster that the test starts in its own namespaces
 * (test/helpers/pacemaker-lab.ts) and removes afterwards. hakit runs inside
 * node n1, as an administrator logged in there would run it.
 */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {projectRoot} from '../helpers/cli.js'
import {pacemakerLabUnavailable, startPacemakerLab, type PacemakerLab} from '../helpers/pacemaker-lab.js'
import {parseCibXml} from '../../src/formats/cib/xml.js'
import {diffCibs} from '../../src/cib/diff.js'
import {applyCib} from '../../src/converters/apply.js'
import {UserError} from '../../src/core/errors.js'

const HA_CF = `keepalive 1
deadtime 5
ucast hb0 10.78.0.1
ucast hb0 10.78.0.2
auto_failback on
node n1
node n2
`
// IPaddr2 needs no hardware: each lab node has its own network namespace and hb0.
const HARESOURCES = `n1 10.78.0.100/24/hb0 IPaddr2::10.78.0.110/24/hb0
n2 IPaddr::10.78.0.101/24/hb0 IPaddr::10.78.0.111/24/hb0
`
const EXPECTED_NODE: Record<string, string> = {ip_10_78_0_100: 'n1', ip_10_78_0_110: 'n1', ip_10_78_0_101: 'n2', ip_10_78_0_111: 'n2'}

function epochOf(xml: string): number {
  return Number(/<cib [^>]*\bepoch="(\d+)"/.exec(xml)?.[1])
}

/** Resource id → the node crm_mon shows it started on (only started ones). */
function startedOn(crmMonXml: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const m of crmMonXml.matchAll(/<resource id="([^"]+)"[^>]*\brole="Started"[^>]*>\s*<node name="([^"]+)"/g)) out[m[1]!] = m[2]!
  return out
}

test('convert all --apply loads the conversion into a running two-node cluster; groups start on their haresources node', {timeout: 240_000}, async (t) => {
  const why = pacemakerLabUnavailable()
  if (why) {
    t.skip(why)
    return
  }
  const work = mkdtempSync(join(tmpdir(), 'hakit-apply-live-'))
  const ha = join(work, 'ha.d')
  const out = join(work, 'out')
  mkdirSync(ha)
  for (const [name, text, mode] of [['ha.cf', HA_CF, 0o644], ['haresources', HARESOURCES, 0o644], ['authkeys', 'auth 1\n1 sha1 lab-secret\n', 0o600]] as const) {
    writeFileSync(join(ha, name), text, {mode})
  }
  let lab: PacemakerLab | undefined
  const t0 = Date.now()
  try {
    lab = await startPacemakerLab(2)
    const started = Date.now() - t0
    const [n1, n2] = lab.nodes as [PacemakerLab['nodes'][0], PacemakerLab['nodes'][0]]
    const hakit = (...args: string[]) => lab!.exec(n1, [process.execPath, join(projectRoot, 'bin', 'run.js'), ...args], {env: {NO_COLOR: '1'}})
    const query = (node = n1) => {
      const r = lab!.exec(node, ['cibadmin', '--query'])
      assert.equal(r.status, 0, r.stderr)
      return r.stdout
    }
    const before = query()

    // --dry-run: the difference, nothing changed
    const dry = hakit('convert', 'all', ha, '--out', out, '--apply', '--dry-run')
    assert.equal(dry.status, 0, dry.stderr)
    assert.match(dry.stderr, /added group grp_n1_1/)
    assert.match(dry.stderr, /added group grp_n2_2/)
    assert.match(dry.stderr, /dry run: nothing changed/)
    assert.equal(epochOf(query()), epochOf(before))
    assert.doesNotMatch(query(), /grp_n1_1/)
    // the same comparison by hand, as the docs suggest before a cut-over
    const diffLive = hakit('diff', 'crm', '--live', join(out, 'cib.xml'))
    assert.equal(diffLive.status, 1, diffLive.stderr)
    assert.match(diffLive.stdout, /grp_n1_1/)

    // --apply: shown, then pushed as one patch
    const tApply = Date.now()
    const apply = hakit('convert', 'all', ha, '--out', out, '--apply')
    const applyMs = Date.now() - tApply
    assert.equal(apply.status, 0, apply.stderr)
    const version = /applied to the live CIB \(version 0\.(\d+)\.\d+ → 0\.(\d+)\.\d+\)/.exec(apply.stderr)
    assert.ok(version, apply.stderr)
    assert.ok(Number(version[2]) > Number(version[1]))
    assert.ok(apply.stderr.indexOf('added group grp_n1_1') < apply.stderr.indexOf('applied to the live CIB'), 'the difference is shown before the result')

    // the configuration is loaded, on both nodes (n2 reads its own CIB replica)
    const converted = parseCibXml(readFileSync(join(out, 'cib.xml'), 'utf8'), 'cib.xml')
    for (const node of [n1, n2]) {
      const live = parseCibXml(query(node), `${node.name} CIB`)
      const d = diffCibs({...converted, crmConfig: [], nodes: []}, {...live, crmConfig: [], nodes: []})
      assert.ok(d.equal, `${node.name}: ${d.unified}`)
      for (const p of converted.crmConfig.flatMap((s) => s.pairs)) {
        assert.ok(live.crmConfig.some((s) => s.pairs.some((q) => q.name === p.name && q.value === p.value)), `${node.name}: property ${p.name}=${p.value}`)
      }
    }
    assert.equal(lab.exec(n1, ['crm_verify', '--live-check']).status, 0)

    // the groups start where haresources put them
    const placeMs = await lab.waitFor('the groups to start on their nodes', 30_000, () => {
      const mon = lab!.exec(n1, ['crm_mon', '-1', '--output-as=xml'])
      const on = startedOn(mon.stdout)
      return Object.entries(EXPECTED_NODE).every(([id, node]) => on[id] === node)
    })
    // ground truth: the addresses are up in the right node's network namespace
    for (const node of [n1, n2]) {
      const addrs: string = lab.exec(node, ['ip', '-o', 'addr', 'show', 'dev', 'hb0']).stdout
      for (const [id, where] of Object.entries(EXPECTED_NODE)) {
        const ip = id.replace(/^ip_/, '').replaceAll('_', '.')
        assert.equal(addrs.includes(`inet ${ip}/`), where === node.name, `${ip} on ${node.name}: ${addrs}`)
      }
    }

    // applying again changes nothing
    const epoch = epochOf(query())
    const again = hakit('convert', 'all', ha, '--out', out, '--apply')
    assert.equal(again.status, 0, again.stderr)
    assert.match(again.stderr, /already has this configuration/)
    assert.equal(epochOf(query()), epoch)

    // a change made on n2 after hakit read the CIB: the push is refused, their change stays.
    // hakit's library runs here with cibadmin/crm_diff/crm_verify wrapped to run inside n1.
    const bin = join(work, 'bin')
    mkdirSync(bin)
    for (const cmd of ['cibadmin', 'crm_diff', 'crm_verify']) {
      const real = spawnSync('sh', ['-c', `command -v ${cmd}`], {encoding: 'utf8'}).stdout.trim()
      writeFileSync(join(bin, cmd), `#!/bin/sh\nexec nsenter -t ${n1.initPid} -m -u -n -p -- ${real} "$@"\n`, {mode: 0o755})
    }
    const savedPath = process.env.PATH
    process.env.PATH = `${bin}:${savedPath}`
    try {
      const changed = structuredClone(converted)
      changed.rscDefaults = []
      const raceEpoch = epochOf(query())
      await assert.rejects(
        applyCib(changed, {
          beforePush: async () => {
            const r = lab!.exec(n2, ['crm_attribute', '--type', 'crm_config', '--name', 'cluster-name', '--update', 'theirs'])
            assert.equal(r.status, 0, r.stderr)
            await lab!.waitFor('the change to reach n1', 5000, () => epochOf(query()) > raceEpoch)
          },
        }),
        (e: unknown) => e instanceof UserError && /live CIB changed after hakit read it .*nothing was changed/.test(e.message),
      )
    } finally {
      process.env.PATH = savedPath
    }
    const raced = query()
    assert.match(raced, /name="cluster-name" value="theirs"/)
    assert.match(raced, /resource-stickiness/, 'our change was not pushed')
    t.diagnostic(`cluster up ${started} ms, apply ${applyMs} ms, groups placed ${placeMs} ms after apply, total ${Date.now() - t0} ms`)
  } finally {
    lab?.stop()
    rmSync(work, {recursive: true, force: true})
  }
})
