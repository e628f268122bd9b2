/**
 * Seeds 002 and 004 (/work/shared/fixtures/seeds: Pacemaker 1.0 on Heartbeat
 * sites configured with crmsh) run as the sites ran them, on two real
 * `hakit run --crm` daemons in network namespaces (netns-lab.ts) and on real
 * Pacemaker 2.1.5 (test/helpers/pacemaker-lab.ts), the same steps on both;
 * the placements must be the same after every step. Agents are the seeds'
 * own where they can run here: IPaddr2 on the lab's hb0 (the seeds' eth1/em1
 * renamed). apache, tomcat and Samba's LSB scripts are not installed: apache
 * and tomcat are replaced by python3's HTTP server under ocf:heartbeat:anything
 * (same ops, same group; probed over HTTP on hakit's side), nmb and smb by
 * ocf:pacemaker:Dummy. hakit's placements are read as crm_mon's are: the real
 * crm_simulate on the live CIB. Root only.
 */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {parseCrm} from '../../../src/formats/crm/parse.js'
import {printCibXml} from '../../../src/formats/cib/xml.js'
import {pacemakerLabUnavailable, startPacemakerLab, type PacemakerLab} from '../../helpers/pacemaker-lab.js'
import {haveCommand, runCli} from '../../helpers/cli.js'
import {NetnsCrmLab, netnsLabUnavailable, sh, simulateLive} from './netns-lab.js'
import {crmSimulatePlacements, sorted} from './settled.js'

const SEEDS = '/work/shared/fixtures/seeds'
const skip = netnsLabUnavailable() || (!haveCommand('crm_simulate') ? 'crm_simulate not installed' : false)
/** Pacemaker's side runs when its lab can; otherwise hakit's placements are checked against the steps' expectations only. */
const pacemakerSkip = pacemakerLabUnavailable()
const PACEMAKER_NET = '10.78.0' // test/helpers/pacemaker-lab.ts: n1 10.78.0.1, n2 10.78.0.2 on hb0

type Placements = Array<[string, string[]]>
const where = (p: Placements, rsc: string): string[] => new Map(p).get(rsc) ?? []
const nodeOf = (p: Placements, rsc: string): string | undefined => where(p, rsc)[0]?.split(':')[0]

/** An HTTP server on the address (port 8080) under ocf:heartbeat:anything, with the ops the seed gave its service. */
const httpServer = (id: string, vip: string, ops: string) =>
  `primitive ${id} ocf:heartbeat:anything params binfile=/usr/bin/python3 cmdline_options="-m http.server 8080 --bind ${vip} --directory $HA_VARRUN/www" ${ops}`

/** Seed 002's IPaddr2-eth1.crm with the lab's address and interface. */
function seed002(net: string): string {
  return readFileSync(join(SEEDS, '002-ipaddr2-crm', 'IPaddr2-eth1.crm'), 'utf8')
    .replace('192.168.200.200', `${net}.200`).replace('nic="eth1"', 'nic="hb0"')
}

/**
 * Seed 004: its `crm configure show` (nodes s1/s2 → n1/n2, the old cluster properties) followed by
 * the crm commands its walkthrough runs (pacemaker.sh.crm), the services that cannot run here substituted.
 */
function seed004(net: string): string {
  const text = ['crm-configure-show.txt', 'pacemaker.sh.crm'].map((f) => readFileSync(join(SEEDS, '004-pacemaker-vagrant', f), 'utf8')).join('\n')
  const ops = (id: string) => text.split('\n').find((l) => l.startsWith(`primitive ${id} `))!.replace(/^.*? op /, 'op ')
  return text.split('\n').map((line) => {
    if (line.startsWith('primitive httpd ')) return httpServer('httpd', `${net}.101`, ops('httpd'))
    if (line.startsWith('primitive tomcat ')) return httpServer('tomcat', `${net}.102`, ops('tomcat'))
    if (/^primitive (nmb|smb) lsb:/.test(line)) return line.replace(/lsb:(nmb|smb)/, 'ocf:pacemaker:Dummy')
    return line.replace(/192\.168\.1\.(\d+)/g, `${net}.$1`).replace(/nic="(eth1|em1)"/, 'nic="hb0"').replace(/\bs1$/, 'n1').replace(/\bs2$/, 'n2')
  }).join('\n')
}

interface Step {
  name: string
  /** The placements this step must end in (on both stacks). */
  done: (p: Placements) => boolean
  hakit?: (lab: NetnsCrmLab, before: Placements) => Promise<void> | void
  pacemaker?: (lab: PacemakerLab, before: Placements) => void
}

/** The configuration into a running Pacemaker: properties merged, resources/constraints replaced, rsc_defaults created. */
function loadIntoPacemaker(lab: PacemakerLab, crm: string): void {
  // the Pacemaker 1.0 properties its own DC wrote (dc-version, cluster-infrastructure=Heartbeat) are not configuration
  const xml = printCibXml({...parseCrm(crm, 'seed.crm'), nodes: []}).replace(/\s*<nvpair [^>]*name="(dc-version|cluster-infrastructure)"[^>]*\/>/g, '')
  const section = (name: string) => new RegExp(`<${name}>[\\s\\S]*?</${name}>|<${name}/>`).exec(xml)?.[0]
  const n1 = lab.nodes[0]!
  const run = (argv: string[]) => {
    const r = lab.exec(n1, argv)
    assert.equal(r.status, 0, `${argv.join(' ')}: ${r.stderr}`)
  }
  run(['cibadmin', '-M', '-o', 'crm_config', '-X', section('crm_config')!])
  run(['cibadmin', '--replace', '-o', 'resources', '-X', section('resources')!])
  run(['cibadmin', '--replace', '-o', 'constraints', '-X', section('constraints') ?? '<constraints/>'])
  const defaults = section('rsc_defaults')
  if (defaults) run(['cibadmin', '-C', '-o', 'configuration', '-X', defaults])
}

async function runSeed(t: {diagnostic: (m: string) => void}, crm: (net: string) => string, steps: Step[]): Promise<void> {
  const real: Placements[] = []
  if (!pacemakerSkip) {
    const lab = await startPacemakerLab(2)
    try {
      loadIntoPacemaker(lab, crm(PACEMAKER_NET))
      let live = lab.nodes[0]!
      const placements = (): Placements => sorted(crmSimulatePlacements(`Current cluster status:\n${lab.exec(live, ['crm_mon', '-1', '-r']).stdout}\nTranscript end\n`))
      let before: Placements = []
      for (const step of steps) {
        step.pacemaker?.(lab, before)
        // a powered-off node cannot be asked: read the survivor
        if (lab.exec(live, ['true']).status !== 0) live = lab.nodes.find((n) => lab.exec(n, ['true']).status === 0)!
        let last = ''
        await lab.waitFor(`${step.name} (Pacemaker)`, 180_000, () => {
          const out = lab.exec(live, ['crm_mon', '-1', '-r']).stdout
          last = out
          return !/\b(Starting|Stopping|Promoting|Demoting|FAILED|UNCLEAN)\b/.test(out) && step.done(placements())
        }).catch((e: Error) => {
          throw new Error(`${e.message}\n${last}`)
        })
        await new Promise((r) => setTimeout(r, 6_000))
        before = placements()
        assert.ok(step.done(before), `${step.name} (Pacemaker) still holds after settling: ${JSON.stringify(before)}`)
        real.push(before)
      }
      t.diagnostic(`real Pacemaker: ${JSON.stringify(real)}`)
    } finally {
      lab.stop()
    }
  }

  const lab = new NetnsCrmLab({nodes: ['n1', 'n2'], cib: ''})
  try {
    const cibText = crm(lab.net)
    writeFileSync(join(lab.work, 'cluster.cib'), cibText)
    const vips = [...cibText.matchAll(/ip="([\d.]+)"/g)].map((m) => m[1]!)
    lab.start('n1')
    lab.start('n2')
    let live = 'n1'
    let before: Placements = []
    for (const [i, step] of steps.entries()) {
      await step.hakit?.(lab, before)
      if (!lab.running(live)) live = ['n1', 'n2'].find((n) => lab.running(n))!
      let last = ''
      const read = async (): Promise<Placements | undefined> => {
        const s = await simulateLive(lab, live).catch(() => undefined)
        if (!s) return undefined
        last = `${JSON.stringify(sorted(s.placements))} pending: ${s.summary.join('; ')}\n${s.nodes}`
        return s.summary.length === 0 && !/UNCLEAN/.test(s.nodes) ? sorted(s.placements) : undefined
      }
      await lab.waitFor(`${step.name} (hakit)`, async () => {
        const first = await read()
        if (!first || !step.done(first)) return false
        await new Promise((r) => setTimeout(r, 3_000))
        const again = await read()
        return again !== undefined && JSON.stringify(again) === JSON.stringify(first)
      }, 180_000, () => last)
      await new Promise((r) => setTimeout(r, 4_000))
      before = (await read())!
      assert.ok(before && step.done(before), `${step.name} (hakit) still holds after settling: ${last}`)
      // nothing active twice, and each address where the CIB says
      for (const vip of vips) assert.ok(lab.holders(vip).length <= 1, `${vip} held once at most: ${lab.holders(vip).join()}`)
      if (real[i]) assert.deepEqual(before, real[i], `${step.name}: the same placements as real Pacemaker`)
    }
    t.diagnostic(`hakit ran every step${real.length ? ', placements equal to real Pacemaker\'s' : ' (Pacemaker lab unavailable: ' + pacemakerSkip + ')'}`)
  } finally {
    lab.teardown()
  }
}

test('seed 002 (IPaddr2, stickiness INFINITY, migration-threshold=1, crmd-transition-delay): cold start, the address vanishes (monitor failure → moves, stays), power cut of its holder', {skip, timeout: 900_000}, async (t) => {
  let holder = ''
  let other = ''
  const vipOf = (net: string) => `${net}.200`
  await runSeed(t, seed002, [
    {name: 'cold start', done: (p) => where(p, 'p_ip').length === 1},
    {
      name: 'monitor failure (the address removed by hand)',
      hakit: (lab, p) => {
        holder = nodeOf(p, 'p_ip')!
        other = holder === 'n1' ? 'n2' : 'n1'
        sh(`ip -n ${lab.ns.get(holder)} addr del ${vipOf(lab.net)}/24 dev hb0`)
      },
      pacemaker: (lab, p) => {
        holder = nodeOf(p, 'p_ip')!
        other = holder === 'n1' ? 'n2' : 'n1'
        lab.exec(lab.nodes.find((n) => n.name === holder)!, ['ip', 'addr', 'del', `${vipOf(PACEMAKER_NET)}/24`, 'dev', 'hb0'])
      },
      done: (p) => nodeOf(p, 'p_ip') === other,
    },
    {
      // the new holder loses power: the old one has a fail-count at migration-threshold, so the address cannot run anywhere
      name: 'power cut of the holder',
      hakit: (lab, p) => lab.powerOff(nodeOf(p, 'p_ip')!),
      pacemaker: (lab, p) => process.kill(lab.nodes.find((n) => n.name === nodeOf(p, 'p_ip'))!.initPid!, 'SIGKILL'),
      done: (p) => !where(p, 'p_ip').some((e) => e.startsWith(`${other}:`)),
    },
  ])
})

test('seed 004 (web, webapp and samba groups): cold start, crm resource move web n2 force, standby n1, online n1, power cut of n2 (web banned from n1 by the forced move: stopped)', {skip, timeout: 1_200_000}, async (t) => {
  const groups = {web: ['vip_httpd', 'httpd'], webapp: ['vip_tomcat', 'tomcat'], samba: ['vip_samba', 'nmb', 'smb']}
  const together = (p: Placements) => Object.values(groups).every((members) => members.every((m) => where(p, m).length === 1 && nodeOf(p, m) === nodeOf(p, members[0]!)))
  const allOn = (node: string) => (p: Placements) => together(p) && Object.values(groups).every((m) => nodeOf(p, m[0]!) === node)
  const crmsh = (lab: PacemakerLab, argv: string[]) => {
    const r = lab.exec(lab.nodes[0]!, argv)
    assert.equal(r.status, 0, `${argv.join(' ')}: ${r.stdout}${r.stderr}`)
  }
  const hakitCli = (lab: NetnsCrmLab, args: string[]) => {
    const r = runCli(args, {env: {...process.env, HAKIT_CRM_SOCKET: lab.socket('n1')}})
    assert.equal(r.status, 0, `hakit ${args.join(' ')}: ${r.stdout}${r.stderr}`)
  }
  await runSeed(t, seed004, [
    {name: 'cold start', done: together},
    {
      name: 'crm resource move web n2 force',
      hakit: (lab) => hakitCli(lab, ['crm', 'resource', 'move', 'web', 'n2', 'force']),
      pacemaker: (lab) => crmsh(lab, ['crm_resource', '--move', '--resource', 'web', '--node', 'n2', '--force']),
      done: (p) => together(p) && nodeOf(p, 'httpd') === 'n2',
    },
    {
      name: 'crm node standby n1',
      hakit: (lab) => hakitCli(lab, ['crm', 'node', 'standby', 'n1']),
      pacemaker: (lab) => crmsh(lab, ['crm_attribute', '-t', 'nodes', '-N', 'n1', '-n', 'standby', '-v', 'on']),
      done: allOn('n2'),
    },
    {
      name: 'crm node online n1',
      hakit: (lab) => hakitCli(lab, ['crm', 'node', 'online', 'n1']),
      pacemaker: (lab) => crmsh(lab, ['crm_attribute', '-t', 'nodes', '-N', 'n1', '-n', 'standby', '-v', 'off']),
      done: together,
    },
    {
      name: 'power cut of n2',
      hakit: (lab) => lab.powerOff('n2'),
      pacemaker: (lab) => process.kill(lab.nodes[1]!.initPid!, 'SIGKILL'),
      // `move … force` also banned web from n1 (cli-ban-web-on-n1, as crm_resource --move --force does):
      // with n2 gone web has nowhere to run; the other groups are on n1
      done: (p) => where(p, 'vip_httpd').length === 0 && where(p, 'httpd').length === 0 &&
        ['vip_tomcat', 'tomcat', 'vip_samba', 'nmb', 'smb'].every((r) => nodeOf(p, r) === 'n1' && where(p, r).length === 1),
    },
  ])
})
