/**
 * Scenarios on real `hakit run --crm` daemons in network namespaces
 * (netns-lab.ts), with real agents: ocf:heartbeat:IPaddr2 (a virtual IP on
 * hb0) and ocf:heartbeat:anything (python3's HTTP server on that IP) probed
 * from a client namespace, a test fence agent (test/fixtures/crm/fence-agents)
 * that records who fenced whom, ocf:pacemaker:ping with a location rule on
 * pingd. Each asserts final placements and invariants, never timings. Root only.
 */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {existsSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {projectRoot, haveCommand} from '../../helpers/cli.js'
import {NetnsCrmLab, netnsLabUnavailable, sh, simulateLive} from './netns-lab.js'

const skip = netnsLabUnavailable()
const FENCE_DIR = join(projectRoot, 'test', 'fixtures', 'crm', 'fence-agents')

/** The web group: a virtual IP and an HTTP server answering with the serving node's name. */
function webGroup(vip: string, extra: {httpdParams?: string; groupMeta?: string} = {}): string[] {
  return [
    `primitive vip ocf:heartbeat:IPaddr2 params ip=${vip} cidr_netmask=24 nic=hb0 op monitor interval=2s`,
    // $HA_VARRUN is per node (the agent evals the command line and the hook): the answer names the server;
    // the hook fails while the node's run dir holds "broken" (a start or monitor failure on demand)
    `primitive httpd ocf:heartbeat:anything params binfile=/usr/bin/python3 cmdline_options="-m http.server 8080 --bind ${vip} --directory $HA_VARRUN/www" ` +
      `monitor_hook="test ! -e $HA_VARRUN/broken"${extra.httpdParams ?? ''} op monitor interval=2s`,
    `group web vip httpd${extra.groupMeta ? ` meta ${extra.groupMeta}` : ''}`,
  ]
}

const records = (file: string): string[] => (existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').filter(Boolean) : [])

test('fencing: a power cut of the holder is fenced first, then the group starts on the survivor; a failing device recovers nothing until it works', {skip, timeout: 900_000}, async () => {
  const lab = new NetnsCrmLab({nodes: ['n1', 'n2'], cib: '', env: {HAKIT_FENCE_AGENT_DIR: FENCE_DIR}})
  try {
    const vip = lab.ip(100)
    const record = join(lab.work, 'fenced.log')
    const failFlag = join(lab.work, 'fence-device-broken')
    writeFileSync(join(lab.work, 'cluster.cib'), [
      'node n1', 'node n2', ...webGroup(vip),
      `primitive fencing stonith:fence_hakit_test params record=${record} fail_flag=${failFlag} vip=${vip} pcmk_host_list="n1 n2" op monitor interval=10s`,
      'location web-prefers-n1 web 50: n1',
      'property stonith-enabled=true', 'property dc-deadtime=5s',
    ].join('\n') + '\n')
    lab.start('n1')
    lab.start('n2')
    await lab.waitFor('web on n1 and serving', () => lab.holders(vip).join() === 'n1' && lab.http(vip) === 'n1')
    const before = records(record).length

    // power cut of n1: n2 must fence it before it takes the group
    lab.powerOff('n1')
    await lab.waitFor('web on n2 and serving', () => lab.holders(vip).join() === 'n2' && lab.http(vip) === 'n2', 120_000, () => records(record).join('\n'))
    const fenced = records(record).slice(before)
    assert.equal(fenced.length, 1, `one fencing of n1: ${fenced.join(' | ')}`)
    assert.match(fenced[0]!, /^ok (reboot|off) n1 by=n2 vip-here=no$/, 'n1 fenced by n2 while n2 did not hold the address yet')
    // the DC records the fencing: n1 is cleanly down (not UNCLEAN), its history is gone
    const afterFence = await simulateLive(lab, 'n2')
    assert.match(afterFence.nodes, /OFFLINE: \[ n1 \]/, afterFence.nodes)
    assert.doesNotMatch(afterFence.nodes, /UNCLEAN/, afterFence.nodes)
    assert.deepEqual(afterFence.summary, [], 'nothing more to do after the fencing and recovery')

    // n1 returns: it joins (no second fencing), is probed, and web goes home
    lab.start('n1')
    await lab.waitFor('web back on n1', async () => lab.holders(vip).join() === 'n1' && lab.http(vip) === 'n1' && (await lab.status('n2'))?.members.length === 2)
    assert.equal(records(record).length, before + 1, 'no fencing when the fenced node comes back')

    // a broken fence device: n1 loses power again; n2 retries fencing and recovers nothing meanwhile
    writeFileSync(failFlag, '')
    lab.powerOff('n1')
    await lab.waitFor('three failed fencing attempts', () => {
      assert.deepEqual(lab.holders(vip), [], 'nothing of the unfenced node is recovered')
      return records(record).filter((l) => l.startsWith('failed ') && l.includes(' n1 ')).length >= 3
    })
    assert.deepEqual(lab.holders(vip), [], 'still nothing recovered')
    assert.equal(lab.http(vip), 'down')
    assert.match(lab.log('n2'), /Fencing of n1 failed/, 'the failures are logged')
    // the device works again: the next retry fences n1, then the group starts on n2
    rmSync(failFlag)
    await lab.waitFor('web on n2 after the device works again', () => lab.holders(vip).join() === 'n2' && lab.http(vip) === 'n2')
    const last = records(record).filter((l) => l.startsWith('ok '))
    assert.match(last.at(-1)!, /^ok (reboot|off) n1 by=n2 vip-here=no$/)
  } finally {
    lab.teardown()
  }
})

/** A transient attribute of a node in a live CIB XML (fail counts, pingd), or undefined. */
function transientAttr(xml: string, node: string, name: string): string | undefined {
  const state = new RegExp(`<node_state [^>]*\\buname="${node}"[\\s\\S]*?</node_state>`).exec(xml)?.[0] ?? ''
  const attrs = /<transient_attributes[\s\S]*?<\/transient_attributes>/.exec(state)?.[0] ?? ''
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  return new RegExp(`name="${escaped}" value="([^"]*)"`).exec(attrs)?.[1]
}

test('monitor failure: the HTTP server dies → restarted in place; at migration-threshold the group moves to the peer', {skip, timeout: 900_000}, async () => {
  const lab = new NetnsCrmLab({nodes: ['n1', 'n2'], cib: ''})
  try {
    const vip = lab.ip(101)
    writeFileSync(join(lab.work, 'cluster.cib'), ['node n1', 'node n2', ...webGroup(vip, {groupMeta: 'migration-threshold=2'}),
      'location web-prefers-n1 web 50: n1', 'property stonith-enabled=false', 'property dc-deadtime=5s'].join('\n') + '\n')
    lab.start('n1')
    lab.start('n2')
    await lab.waitFor('web on n1 and serving', () => lab.holders(vip).join() === 'n1' && lab.http(vip) === 'n1')
    const failCount = async () => transientAttr(await lab.cibXml('n2').catch(() => ''), 'n1', 'fail-count-httpd#monitor_2000')

    // the server dies once: the monitor fails, the DC restarts it on n1 (fail-count 1 < 2)
    const first = lab.pids('n1', 'http.server')
    assert.equal(first.length, 1, 'one HTTP server on n1')
    process.kill(first[0]!, 'SIGKILL')
    await lab.waitFor('httpd restarted on n1 (fail-count 1)', async () =>
      (await failCount()) === '1' && lab.http(vip) === 'n1' && lab.pids('n1', 'http.server').some((p) => p !== first[0]))
    assert.deepEqual(lab.holders(vip), ['n1'], 'the address stayed on n1')
    assert.deepEqual(lab.pids('n2', 'http.server'), [], 'nothing started on n2')

    // it dies again: fail-count 2 reaches migration-threshold, the whole group moves to n2
    const second = lab.pids('n1', 'http.server')
    process.kill(second[0]!, 'SIGKILL')
    await lab.waitFor('web on n2 and serving', () => lab.holders(vip).join() === 'n2' && lab.http(vip) === 'n2')
    assert.equal(await failCount(), '2')
    assert.deepEqual(lab.pids('n1', 'http.server'), [], 'n1 runs no HTTP server any more')
    const sim = await simulateLive(lab, 'n1')
    assert.deepEqual(sim.summary, [], 'crm_simulate plans nothing more on the live CIB')
    assert.deepEqual(sim.placements.get('httpd'), ['n2:Started'])
  } finally {
    lab.teardown()
  }
})

test('start failure: the group\'s server cannot start on the preferred node → it runs on the peer (start-failure-is-fatal)', {skip, timeout: 900_000}, async () => {
  const lab = new NetnsCrmLab({nodes: ['n1', 'n2'], cib: ''})
  try {
    const vip = lab.ip(102)
    writeFileSync(join(lab.work, 'cluster.cib'), ['node n1', 'node n2', ...webGroup(vip),
      'location web-prefers-n1 web 50: n1', 'property stonith-enabled=false', 'property dc-deadtime=5s'].join('\n') + '\n')
    // n1's server will fail its start (the monitor hook at the end of start fails there)
    lab.start('n1')
    lab.start('n2')
    writeFileSync(join(lab.runDir('n1'), 'broken'), '')
    await lab.waitFor('web on n2 and serving', () => lab.holders(vip).join() === 'n2' && lab.http(vip) === 'n2')
    assert.equal(transientAttr(await lab.cibXml('n1'), 'n1', 'fail-count-httpd#start_0'), 'INFINITY', 'a failed start counts as INFINITY')
    assert.deepEqual(lab.pids('n1', 'http.server'), [], 'the failed start was cleaned up on n1 (stopped)')
    const sim = await simulateLive(lab, 'n1')
    assert.deepEqual(sim.summary, [], 'crm_simulate plans nothing more on the live CIB')
    assert.deepEqual(sim.placements.get('vip'), ['n2:Started'])
  } finally {
    lab.teardown()
  }
})

test('ocf:pacemaker:ping clone: pingd through attrd (the agent\'s dampening, repeated values coalesced); the node that loses the ping target loses the group', {skip: skip || (!haveCommand('ping') ? 'ping not installed' : false), timeout: 900_000}, async () => {
  const lab = new NetnsCrmLab({nodes: ['n1', 'n2'], cib: ''})
  try {
    const vip = lab.ip(103)
    const target = lab.ip(50) // the client namespace's address: the "gateway" both nodes ping
    writeFileSync(join(lab.work, 'cluster.cib'), ['node n1', 'node n2', ...webGroup(vip),
      `primitive ping ocf:pacemaker:ping params host_list=${target} multiplier=1000 dampen=4s attempts=1 timeout=1 use_fping=0 op monitor interval=2s`,
      'clone ping-clone ping',
      'location web-prefers-n1 web 50: n1',
      'location web-on-connected web rule -inf: not_defined pingd or pingd lte 0',
      'property stonith-enabled=false', 'property dc-deadtime=5s'].join('\n') + '\n')
    lab.start('n1')
    lab.start('n2')
    const pingd = async (node: string) => transientAttr(await lab.cibXml('n2').catch(() => ''), node, 'pingd')
    await lab.waitFor('pingd 1000 on both nodes in the CIB, web on n1', async () =>
      (await pingd('n1')) === '1000' && (await pingd('n2')) === '1000' && lab.holders(vip).join() === 'n1' && lab.http(vip) === 'n1')

    // n1 loses its route to the ping target (the cluster link stays): pingd 0 → web moves to n2
    assert.equal(sh(`ip -n ${lab.ns.get('n1')} route add blackhole ${target}/32`).status, 0)
    await lab.waitFor('pingd 0 on n1, web on n2', async () => (await pingd('n1')) === '0' && lab.holders(vip).join() === 'n2' && lab.http(vip) === 'n2')
    // the route is back: pingd 1000 → web returns to n1 (its preference)
    assert.equal(sh(`ip -n ${lab.ns.get('n1')} route del blackhole ${target}/32`).status, 0)
    await lab.waitFor('pingd 1000 on n1, web back on n1', async () => (await pingd('n1')) === '1000' && lab.holders(vip).join() === 'n1' && lab.http(vip) === 'n1')

    // attrd saw exactly the changes (1000, 0, 1000 for n1; 1000 for n2), although every 2 s monitor
    // re-sends the same value (attrd_updater -v), each with the agent's 4 s dampening (-d 4s)
    const setting = (node: string) => lab.log('n2').split('\n').filter((l) => l.includes(`attrd: Setting pingd[${node}]:`))
    assert.deepEqual(setting('n1').map((l) => /: (\S+ -> \S+) \|/.exec(l)?.[1]), ['(unset) -> 1000', '1000 -> 0', '0 -> 1000'], setting('n1').join('\n'))
    assert.deepEqual(setting('n2').map((l) => /: (\S+ -> \S+) \|/.exec(l)?.[1]), ['(unset) -> 1000'])
    for (const line of [...setting('n1'), ...setting('n2')]) assert.match(line, /with write delay of 4000ms/)
  } finally {
    lab.teardown()
  }
})

test('three nodes: partition (one DC per side, the quorate side runs everything, the lone node stops) and heal (one DC, CIBs equal, everything active once); a daemon stalled past deadtime rejoins', {skip, timeout: 900_000}, async () => {
  const nodes = ['n1', 'n2', 'n3']
  const lab = new NetnsCrmLab({nodes, cib: ''})
  try {
    const vip = lab.ip(104)
    const dummies = ['d1', 'd2', 'd3']
    writeFileSync(join(lab.work, 'cluster.cib'), [...nodes.map((n) => `node ${n}`), ...webGroup(vip),
      ...dummies.map((d) => `primitive ${d} ocf:pacemaker:Dummy op monitor interval=3s`),
      'location web-prefers-n1 web 50: n1', 'property stonith-enabled=false', 'property no-quorum-policy=stop', 'property dc-deadtime=5s'].join('\n') + '\n')
    for (const n of nodes) lab.start(n)
    const activeOnce = (up: string[]) => dummies.every((d) => up.filter((n) => lab.dummies(n).includes(d)).length === 1) && lab.holders(vip).length === 1
    const oneCluster = async () => {
      const s = await Promise.all(nodes.map((n) => lab.status(n)))
      return s.every((x) => x?.dc !== undefined && x.dc === s[0]?.dc && x.members.length === 3 && x.version === s[0]?.version)
    }
    await lab.waitFor('one cluster, web on n1, each Dummy once', async () => (await oneCluster()) && activeOnce(nodes) && lab.holders(vip).join() === 'n1' && lab.http(vip) === 'n1')

    // n1's cable is cut: {n1} has no quorum (1 of 3) and stops what it runs; {n2, n3} elect a DC and take it all
    lab.cut('n1')
    await lab.waitFor('two partitions, each with its DC; the quorate one runs everything', async () => {
      const [a, b, c] = await Promise.all(nodes.map((n) => lab.status(n)))
      if (a?.dc !== 'n1' || a.quorum || !b?.dc || b.dc === 'n1' || b.dc !== c?.dc || !b.quorum) return false
      return lab.dummies('n1').length === 0 && lab.holders(vip).length === 1 && lab.holders(vip)[0] !== 'n1' && activeOnce(['n2', 'n3'])
    })
    const majority = lab.holders(vip)[0]!
    await lab.waitFor(`HTTP served by ${majority}`, () => lab.http(vip) === majority)

    // the cable is back: one DC, equal CIBs, everything active exactly once, web home on n1 (its preference)
    lab.heal('n1')
    await lab.waitFor('one cluster again, everything once, web on n1', async () =>
      (await oneCluster()) && activeOnce(nodes) && lab.holders(vip).join() === 'n1' && lab.http(vip) === 'n1')
    const dcs = new Set((await Promise.all(nodes.map((n) => lab.status(n)))).map((x) => x?.dc))
    assert.equal(dcs.size, 1, 'one DC after the heal')
    const cibs = await Promise.all(nodes.map(async (n) => (await simulateLive(lab, n)).summary))
    for (const summary of cibs) assert.deepEqual(summary, [], 'every replica: crm_simulate plans nothing')

    // a daemon stalls past deadtime (as under heavy load): the others declare it dead, and when it runs
    // again it finds every heartbeat late and declares them dead too, for a moment; one cluster again after
    for (const stalled of [(await lab.status('n1'))!.dc!, 'n3']) {
      const [pid] = lab.pids(stalled, 'run.js')
      assert.ok(pid, `${stalled}'s daemon`)
      process.kill(pid, 'SIGSTOP')
      await new Promise((resolve) => setTimeout(resolve, 3000))
      process.kill(pid, 'SIGCONT')
      await lab.waitFor(`one cluster again after ${stalled} stalled, everything once, web on n1`, async () =>
        (await oneCluster()) && activeOnce(nodes) && lab.holders(vip).join() === 'n1' && lab.http(vip) === 'n1')
    }
  } finally {
    lab.teardown()
  }
})
