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
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import type {PacemakerLab} from '../../helpers/pacemaker-lab.js'
import {haveCommand, runCli} from '../../helpers/cli.js'
import {NetnsCrmLab, netnsLabUnavailable, sh} from './netns-lab.js'
import {nodeOf, PACEMAKER_NET, runSideBySide, where, type Placements} from './side-by-side.js'

const SEEDS = '/work/shared/fixtures/seeds'
const skip = netnsLabUnavailable() || (!haveCommand('crm_simulate') ? 'crm_simulate not installed' : false)
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


test('seed 002 (IPaddr2, stickiness INFINITY, migration-threshold=1, crmd-transition-delay): cold start, the address vanishes (monitor failure → moves, stays), power cut of its holder', {skip, timeout: 900_000}, async (t) => {
  let holder = ''
  let other = ''
  const vipOf = (net: string) => `${net}.200`
  await runSideBySide(t, seed002, [
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

/** Seed 004's steps: cold start, `crm resource move web n2 force`, standby n1, online n1, power cut of n2. */
async function seed004Steps(t: {diagnostic: (m: string) => void}, crm: (net: string) => string): Promise<void> {
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
  await runSideBySide(t, crm, [
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
}

test('seed 004 (web, webapp and samba groups): cold start, crm resource move web n2 force, standby n1, online n1, power cut of n2 (web banned from n1 by the forced move: stopped)', {skip, timeout: 1_200_000}, async (t) => {
  await seed004Steps(t, seed004)
})

test('seed 004 converted by `hakit convert cib` (Pacemaker 1.0 → 2.1.5 CIB XML): the same steps end in the same placements on both', {skip, timeout: 1_200_000}, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hakit-seed004-'))
  try {
    await seed004Steps(t, (net) => {
      const file = join(dir, `seed004-${net}.crm`)
      writeFileSync(file, seed004(net))
      const r = runCli(['convert', 'cib', file, '--no-agent-check'])
      assert.equal(r.status, 0, r.stderr)
      assert.match(r.stdout, /^<cib /)
      return r.stdout
    })
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
})
