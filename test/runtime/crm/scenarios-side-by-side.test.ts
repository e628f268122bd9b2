/**
 * Failure scenarios side by side (side-by-side.ts): real Pacemaker 2.1.5 and
 * hakit's daemons in namespaces run the same web group (ocf:heartbeat:IPaddr2
 * + python3's HTTP server under ocf:heartbeat:anything) and must end in the
 * same placements: the server dies (monitor failure → restart in place, then
 * migration-threshold=2 → the group moves), and a start that fails on the
 * preferred node (→ the peer). The server is killed by the PID in the agent's
 * pid file. Root only.
 */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import type {PacemakerLab} from '../../helpers/pacemaker-lab.js'
import {haveCommand, projectRoot} from '../../helpers/cli.js'
import {netnsLabUnavailable, sh, type NetnsCrmLab} from './netns-lab.js'
import {nodeOf, PACEMAKER_NET, runSideBySide, type Placements} from './side-by-side.js'

const skip = netnsLabUnavailable() || (!haveCommand('crm_simulate') ? 'crm_simulate not installed' : false)

const web = (meta: string) => (net: string) => [
  'node n1', 'node n2',
  `primitive vip ocf:heartbeat:IPaddr2 params ip=${net}.101 cidr_netmask=24 nic=hb0 op monitor interval=2s`,
  `primitive httpd ocf:heartbeat:anything params binfile=/usr/bin/python3 cmdline_options="-m http.server 8080 --bind ${net}.101 --directory $HA_VARRUN/www" ` +
    'monitor_hook="test ! -e $HA_VARRUN/broken" op monitor interval=2s',
  `group web vip httpd${meta}`,
  'location web-prefers-n1 web 50: n1', 'property stonith-enabled=false',
].join('\n') + '\n'

const onN = (node: string) => (p: Placements) => nodeOf(p, 'vip') === node && nodeOf(p, 'httpd') === node

async function poll(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 120_000): Promise<void> {
  const end = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 250))
  }
}

/** hakit: kill n1's server by PID, then wait until the DC recorded fail-count N for it. */
async function killHakit(lab: NetnsCrmLab, count: string): Promise<void> {
  const pids = lab.pids('n1', 'http.server')
  assert.equal(pids.length, 1, 'one HTTP server on n1')
  process.kill(pids[0]!, 'SIGKILL')
  await poll(`fail-count ${count} (hakit)`, async () => {
    const xml = await lab.cibXml('n2').catch(() => '')
    return new RegExp(`name="fail-count-httpd#monitor_2000" value="${count}"`).test(xml)
  })
}

/** Pacemaker: the same, on the lab's n1 (the agent's pid file is in the node's private /run). */
async function killPacemaker(lab: PacemakerLab, count: string): Promise<void> {
  const n1 = lab.nodes[0]!
  const r = lab.exec(n1, ['sh', '-c', 'kill -9 "$(cat /var/run/anything_httpd.pid)"'])
  assert.equal(r.status, 0, r.stderr)
  await poll(`fail-count ${count} (Pacemaker)`, () =>
    lab.exec(n1, ['crm_attribute', '-t', 'status', '-N', 'n1', '-n', 'fail-count-httpd#monitor_2000', '-G', '-q']).stdout.trim() === count)
}

test('side by side: the HTTP server dies → restarted on n1; dies again → migration-threshold=2 moves the group to n2', {skip, timeout: 1_200_000}, async (t) => {
  await runSideBySide(t, web(' meta migration-threshold=2'), [
    {name: 'cold start', done: onN('n1')},
    {name: 'server killed once', hakit: (lab) => killHakit(lab, '1'), pacemaker: (lab) => killPacemaker(lab, '1'), done: onN('n1')},
    {name: 'server killed twice', hakit: (lab) => killHakit(lab, '2'), pacemaker: (lab) => killPacemaker(lab, '2'), done: onN('n2')},
  ])
})

test('side by side: the server cannot start on the preferred node → the group runs on the peer', {skip, timeout: 1_200_000}, async (t) => {
  await runSideBySide(t, web(''), [{name: 'cold start with n1 broken', done: onN('n2')}], {
    hakit: (lab) => {
      mkdirSync(lab.runDir('n1'), {recursive: true})
      writeFileSync(join(lab.runDir('n1'), 'broken'), '')
    },
    pacemaker: (lab) => assert.equal(lab.exec(lab.nodes[0]!, ['touch', '/var/run/broken']).status, 0),
  })
})

test('side by side: ocf:pacemaker:ping clone and a pingd rule: n1 loses the ping target → the group moves to n2, and back when it returns', {skip: skip || (!haveCommand('ping') ? 'ping not installed' : false), timeout: 1_200_000}, async (t) => {
  // the ping target: the client namespace on hakit's side (.50), a second address of n2 on Pacemaker's
  // (its two nodes share one veth): n1 reaches it over the cluster link, and a blackhole route cuts only it
  const crm = (net: string) => web('')(net) + [
    `primitive ping ocf:pacemaker:ping params host_list=${net}.50 multiplier=1000 dampen=3s attempts=1 timeout=1 use_fping=0 op monitor interval=2s`,
    'clone ping-clone ping',
    'location web-on-connected web rule -inf: not_defined pingd or pingd lte 0',
  ].join('\n') + '\n'
  const bothPinging = (p: Placements) => JSON.stringify(p.find(([r]) => r === 'ping')?.[1]) === JSON.stringify(['n1:Started', 'n2:Started'])
  const route = (action: 'add' | 'del') => ({
    hakit: (lab: NetnsCrmLab) => assert.equal(sh(`ip -n ${lab.ns.get('n1')} route ${action} blackhole ${lab.net}.50/32`).status, 0),
    pacemaker: (lab: PacemakerLab) => assert.equal(lab.exec(lab.nodes[0]!, ['ip', 'route', action, 'blackhole', `${PACEMAKER_NET}.50/32`]).status, 0),
  })
  await runSideBySide(t, crm, [
    {name: 'cold start', done: (p) => onN('n1')(p) && bothPinging(p)},
    {name: 'n1 cannot reach the ping target', ...route('add'), done: (p) => onN('n2')(p) && bothPinging(p)},
    {name: 'the route is back', ...route('del'), done: (p) => onN('n1')(p) && bothPinging(p)},
  ], {pacemaker: (lab) => assert.equal(lab.exec(lab.nodes[1]!, ['ip', 'addr', 'add', `${PACEMAKER_NET}.50/24`, 'dev', 'hb0']).status, 0)})
})

test('side by side: fencing — power cut of the holder with a broken fence device recovers nothing; once the device works the holder is fenced first, then the group runs on n2', {skip, timeout: 1_200_000}, async (t) => {
  const work = mkdtempSync(join(tmpdir(), 'hakit-fence-sbs-'))
  const agent = join(projectRoot, 'test', 'fixtures', 'crm', 'fence-agents', 'fence_hakit_test')
  // Pacemaker's fencer only looks in /usr/sbin: inside each lab node (a private mount namespace) the
  // test agent is bind-mounted over fence_dummy; hakit's daemons find it through HAKIT_FENCE_AGENT_DIR
  const side = (net: string) => (net === PACEMAKER_NET ? 'pacemaker' : 'hakit')
  const record = (net: string) => join(work, `${side(net)}.log`)
  const flag = (net: string) => join(work, `${side(net)}.broken`)
  const crm = (net: string) => web('')(net) + [
    `primitive fencing stonith:${side(net) === 'pacemaker' ? 'fence_dummy' : 'fence_hakit_test'} params record=${record(net)} fail_flag=${flag(net)} vip=${net}.101 pcmk_host_list="n1 n2" op monitor interval=10s`,
    'property stonith-enabled=true', 'property stonith-max-attempts=1000',
  ].join('\n') + '\n'
  const lines = (net: string) => (existsSync(record(net)) ? readFileSync(record(net), 'utf8').trim().split('\n').filter(Boolean) : [])
  const failedThree = async (net: string, vipOnN2: () => boolean) => {
    writeFileSync(flag(net), '')
    await poll(`three failed fencing attempts (${side(net)})`, () => {
      assert.equal(vipOnN2(), false, `${side(net)}: nothing of n1's recovered while it is not fenced`)
      return lines(net).filter((l) => l.startsWith('failed ') && l.includes(' n1 ')).length >= 3
    })
    assert.equal(vipOnN2(), false)
    rmSync(flag(net))
  }
  try {
    await runSideBySide(t, crm, [
      {name: 'cold start', done: onN('n1')},
      {
        name: 'power cut of n1 with the device broken, then repaired',
        hakit: async (lab) => {
          lab.powerOff('n1')
          await failedThree(lab.net, () => lab.holders(`${lab.net}.101`).length > 0)
        },
        pacemaker: async (lab) => {
          process.kill(lab.nodes[0]!.initPid!, 'SIGKILL')
          await failedThree(PACEMAKER_NET, () => lab.exec(lab.nodes[1]!, ['ip', '-4', '-o', 'addr', 'show', 'dev', 'hb0']).stdout.includes(` ${PACEMAKER_NET}.101/`))
        },
        done: onN('n2'),
      },
    ], {
      hakitEnv: {HAKIT_FENCE_AGENT_DIR: dirname(agent)},
      pacemaker: (lab) => {
        for (const n of lab.nodes) assert.equal(lab.exec(n, ['mount', '--bind', agent, '/usr/sbin/fence_dummy']).status, 0)
      },
    })
    for (const net of [PACEMAKER_NET, 'hakit']) {
      if (net === PACEMAKER_NET && !existsSync(record(net))) continue // Pacemaker's lab did not run
      const ok = lines(net).filter((l) => l.startsWith('ok '))
      assert.equal(ok.length, 1, `${side(net)}: one successful fencing: ${lines(net).join(' | ')}`)
      assert.match(ok[0]!, /^ok (reboot|off) n1 by=\S+ vip-here=no$/, `${side(net)}: n1 fenced before the address moved`)
    }
  } finally {
    rmSync(work, {recursive: true, force: true})
  }
})
