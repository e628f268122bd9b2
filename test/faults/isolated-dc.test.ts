/**
 * Issue 13, the fault campaign's seed 901 as a short, deterministic regression (root: namespaces).
 * Three real `hakit run --crm` daemons with fencing (the campaign's power switch). The DC's link is
 * cut. Its peers fall silent at the same instant, but Heartbeat declares each on its own timer: here
 * n2 advertises a 2 s dead time and n3 6 s, so the DC declares n2 dead four seconds before n3. Acting on
 * n2's loss with n3 still counted (2 of 3 votes, a quorum it no longer has) made the isolated DC fence
 * the healthy n2. The DC must wait until the membership has settled (n3 heard again, or lost too) and
 * fence nobody; n2 and n3 keep one DC with quorum, and it is they who fence the isolated node.
 */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {existsSync, mkdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {isRoot, projectRoot} from '../helpers/cli.js'
import {CrmLab} from '../runtime/crm/crm-lab.js'
import {campaignSkipReason, FENCE_AGENT_DIR, Network, NODES} from './campaign.js'

const skip = campaignSkipReason(isRoot, existsSync(join(projectRoot, 'dist', 'bundle')))
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

test('a DC whose link is cut fences nobody; the other two keep one DC with quorum and fence it (seed 901)', {skip, timeout: 600_000}, async () => {
  const network = new Network()
  network.destroy()
  network.create()
  const switchDir = join(tmpdir(), `hakit-isolated-dc-switch-${process.pid}`)
  rmSync(switchDir, {recursive: true, force: true})
  mkdirSync(switchDir)
  const cib = `${NODES.map((n) => `node ${n}`).join('\n')}
primitive d1 ocf:pacemaker:Dummy op monitor interval=3s timeout=20s
primitive fencing stonith:fence_campaign_switch params switch_dir=${switchDir} pcmk_host_list="n1 n2 n3" op monitor interval=10s
property stonith-enabled=true
property stonith-action=off
property no-quorum-policy=stop
property dc-deadtime=5s
property startup-fencing=false
`
  const lab = new CrmLab({
    nodes: [...NODES], cib, iface: 'hb0', addresses: NODES.map((n) => network.address(n)), keepalive: '200ms', deadtime: '6',
    launch: (node, command) => ['ip', 'netns', 'exec', network.ns[node as (typeof NODES)[number]], 'unshare', '--uts', 'sh', '-c', `hostname ${node} && exec "$0" "$@"`, ...command],
    env: {HAKIT_FENCE_AGENT_DIR: FENCE_AGENT_DIR},
  })
  // n2 advertises a shorter dead time: its peers declare it dead first, four seconds before n3 (2 s:
  // long enough that a loaded machine does not make n2 look dead before the fault)
  const haCf = join(lab.node('n2').configDir, 'ha.cf')
  writeFileSync(haCf, readFileSync(haCf, 'utf8').replace(/^deadtime .*$/m, 'deadtime 2'))
  const record = join(switchDir, 'record')
  const fencings = () => (existsSync(record) ? readFileSync(record, 'utf8').trim().split('\n').filter(Boolean) : [])
  /** Fencings of a healthy node, or by the isolated one. */
  const wrongFencings = () => fencings().filter((l) => / n[23] /.test(l) || / by=n1$/.test(l))
  const powerOn = (n: string) => {
    lab.start(n)
    writeFileSync(join(switchDir, n), `${lab.node(n).proc!.pid} ${lab.node(n).runDir}\n`)
  }
  try {
    // n1 first, alone: it becomes DC after dc-deadtime and stays DC when the others join (without
    // startup-fencing, which would fence whichever of them joins second, unseen when quorum came)
    powerOn('n1')
    await lab.waitFor('n1 is DC', async () => (await lab.status('n1'))?.state === 'dc', 120_000)
    powerOn('n2')
    powerOn('n3')
    await lab.waitFor('three members, n1 DC and idle, d1 and the fence device running', async () => {
      const statuses = await Promise.all(NODES.map((n) => lab.status(n)))
      return statuses.every((s) => s?.dc === 'n1' && s.members.length === 3 && s.quorum) && statuses[0]!.controller === 'S_IDLE' &&
        lab.placement().get('d1')?.length === 1
    }, 120_000)
    // past the start-up dead-time bump (5 s), so each node advertises its configured dead time
    await sleep(6000)
    assert.deepEqual(fencings(), [], 'no fencing before the fault')

    const logBefore = lab.log('n1').length
    network.set('n1', 'down')
    await lab.waitFor('n2 and n3 have one DC between them, with quorum, and n1 is powered off', async () => {
      if (wrongFencings().length > 0) return true // the assertions below say what went wrong
      const [s2, s3] = await Promise.all([lab.status('n2'), lab.status('n3')])
      return !lab.running('n1') && s2 !== undefined && s3 !== undefined && s2.dc === s3.dc && ['n2', 'n3'].includes(s2.dc ?? '') &&
        [...s2.members].sort().join() === 'n2,n3' && [...s3.members].sort().join() === 'n2,n3' && s2.quorum && s3.quorum
    }, 120_000)

    const done = fencings()
    assert.ok(lab.running('n2') && lab.running('n3'), `the healthy nodes run (fencings: ${done.join('; ')})`)
    assert.deepEqual(wrongFencings(), [], 'the isolated DC fenced nobody, and nobody fenced a healthy node')
    assert.ok(done.some((l) => /^ok off n1 by=n[23]$/.test(l)), `the quorate side fenced n1: ${done.join('; ')}`)
    const n1Log = lab.log('n1').slice(logBefore)
    assert.match(n1Log, /Node n2 lost \(.*\); waiting for n3/, 'n1 held n2\'s loss while n3 was in doubt')
    assert.doesNotMatch(n1Log, /Quorum acquired|Requesting fencing \(off\) of node n2/, 'n1 never acted on n2\'s loss with quorum')
  } catch (error) {
    console.log(lab.describe())
    throw error
  } finally {
    await lab.cleanup()
    network.destroy()
    rmSync(switchDir, {recursive: true, force: true})
  }
})
