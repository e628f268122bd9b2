/**
 * The lab's power cut ends everything on the node, as a real one does: the daemon and every agent it
 * started (kill-tree.sh). Before, only the daemon was killed; an agent it had started lived on as an
 * orphan and could finish afterwards — a Dummy start creating its state file on a node that is "off"
 * (active on a down node), or a fence agent completing a fencing nobody heard of. Both power cuts are
 * checked: CrmLab.powerOff (the campaign's own) and the campaign's fence device, fence_campaign_switch.
 * No root needed: loopback, and processes this test starts.
 */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {spawn, spawnSync} from 'node:child_process'
import {existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {CrmLab, crmLabUnavailable} from '../runtime/crm/crm-lab.js'
import {FENCE_AGENT_DIR} from './campaign.js'
import {processAlive as alive} from '../helpers/daemon.js'

/** Every process descended from `root` (by parent PID in /proc), with its command line. */
function descendants(root: number): Array<{pid: number; cmdline: string}> {
  const parent = new Map<number, number>()
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      parent.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]))
    } catch {
      // gone meanwhile
    }
  }
  const found: Array<{pid: number; cmdline: string}> = []
  const walk = (pid: number) => {
    for (const [child, ppid] of parent) {
      if (ppid !== pid) continue
      let cmdline = ''
      try {
        cmdline = readFileSync(`/proc/${child}/cmdline`, 'utf8').replaceAll('\0', ' ')
      } catch {
        // gone meanwhile
      }
      found.push({pid: child, cmdline})
      walk(child)
    }
  }
  walk(root)
  return found
}

/** Ends, by PID, processes this test saw started (when an assertion failed before the cut did it). */
function killLeft(processes: Array<{pid: number}>): void {
  for (const p of processes) if (alive(p.pid)) process.kill(p.pid, 'SIGKILL')
}

async function poll(what: string, check: () => boolean, timeoutMs = 90_000): Promise<void> {
  const end = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

test('a power cut of a lab node ends the agents its daemon started: a start under way never completes', {skip: crmLabUnavailable(), timeout: 300_000}, async () => {
  // one node, so it is DC with quorum and starts d1 at once; the start sleeps 600 s before it creates its state file
  const cib = ['node n1', 'primitive d1 ocf:pacemaker:Dummy op start interval=0 timeout=900s op_sleep=600', 'property stonith-enabled=false', 'property no-quorum-policy=ignore', 'property dc-deadtime=2s'].join('\n') + '\n'
  const lab = new CrmLab({nodes: ['n1'], cib})
  let agents: Array<{pid: number; cmdline: string}> = []
  try {
    lab.start('n1')
    const daemon = lab.node('n1').proc!.pid!
    // the start agent and the sleep it runs (Dummy sleeps op_sleep in the monitor its start calls)
    await poll('the start of d1 running, with its sleep', () => {
      agents = descendants(daemon)
      return agents.some((p) => p.cmdline.includes('Dummy')) && agents.some((p) => /^sleep /.test(p.cmdline))
    })
    lab.powerOff('n1')
    await lab.exited('n1')
    await poll('every process the node started gone', () => agents.every((p) => !alive(p.pid)))
    assert.deepEqual(agents.filter((p) => alive(p.pid)), [])
    assert.deepEqual(lab.active('n1'), [], 'd1 never became active on the node that is off')
  } finally {
    await lab.cleanup()
    killLeft(agents)
  }
})

test('the campaign\'s fence device cuts the whole node: its daemon and every process under it', {timeout: 120_000}, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hakit-power-cut-'))
  // a stand-in for a node's daemon (its command line carries "--node n9 ", as the switch checks) with
  // an agent under it that has a child of its own
  const node = spawn('sh', ['-c', 'sh -c "sleep 600 & wait" & sleep 601 & wait', '--node', 'n9', 'end'], {stdio: 'ignore'})
  let tree: Array<{pid: number; cmdline: string}> = [{pid: node.pid!, cmdline: 'node'}]
  try {
    await poll('the stand-in node and its agents', () => descendants(node.pid!).filter((p) => /^sleep /.test(p.cmdline)).length === 2)
    tree = [...tree, ...descendants(node.pid!)]
    const runDir = join(dir, 'run')
    spawnSync('mkdir', [runDir])
    writeFileSync(join(runDir, 'Dummy-d1.state'), '')
    writeFileSync(join(dir, 'n9'), `${node.pid} ${runDir}\n`)
    const off = spawnSync(join(FENCE_AGENT_DIR, 'fence_campaign_switch'), {input: `action=off\nport=n9\nswitch_dir=${dir}\n`, encoding: 'utf8', env: {...process.env, HAKIT_NODE_NAME: 'n1'}})
    assert.equal(off.status, 0, off.stderr)
    await poll('every process of the node gone', () => tree.every((p) => !alive(p.pid)))
    assert.equal(readFileSync(join(dir, 'record'), 'utf8'), 'ok off n9 by=n1\n')
    assert.equal(existsSync(join(runDir, 'Dummy-d1.state')), false, 'its resources vanished')
  } finally {
    killLeft(tree)
    rmSync(dir, {recursive: true, force: true})
  }
})
