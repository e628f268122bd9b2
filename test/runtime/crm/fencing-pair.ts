/**
 * Two real daemons on loopback with a fence device of the test's own (a shell script in the lab's
 * root, wrapping the recording agent fence_hakit_test): d1 placed on n1, d2 on n2, stonith on,
 * startup fencing off. Shared by the tests where a fencing outlives or races a DC change.
 */
import assert from 'node:assert/strict'
import {chmodSync, mkdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {projectRoot} from '../../helpers/cli.js'
import {CrmLab} from './crm-lab.js'

/** The tests' recording agent: appends `ok <action> <target> by=<node>` to its `record` parameter. */
export const recordingAgent = join(projectRoot, 'test', 'fixtures', 'crm', 'fence-agents', 'fence_hakit_test')

/** Shell: reads a fence agent's request from $input (key=value lines) into $action, $target and $lab_root. */
export const READ_FENCE_REQUEST = `action=reboot; target=; lab_root=
for line in $input; do
  case "$line" in
    action=*|option=*) action=\${line#*=} ;;
    port=*|plug=*) target=\${line#*=} ;;
    nodename=*) [ -n "$target" ] || target=\${line#*=} ;;
    lab_root=*) lab_root=\${line#*=} ;;
  esac
done`

export interface FencingPair {
  lab: CrmLab
  /** The recording agent's file. */
  record: string
  dc: string
  survivor: string
}

/**
 * Starts the pair with `agentScript` installed as stonith:`agentName` (it gets record= and
 * lab_root= among its parameters; each node's daemon PID is in $lab_root/<node>/pid) and waits until
 * d1 runs on n1 and d2 on n2. The caller cleans the lab up (lab.cleanup()) once it has it.
 */
export async function startFencingPair(agentName: string, agentScript: string): Promise<FencingPair> {
  // deadtime 3 s: a fence agent's result is in long before a survivor could declare a killed DC dead
  const lab = new CrmLab({cib: '', env: {}, deadtime: '3'})
  const agents = join(lab.root, 'fence-agents')
  mkdirSync(agents, {recursive: true})
  writeFileSync(join(agents, agentName), agentScript)
  chmodSync(join(agents, agentName), 0o755)
  const record = join(lab.root, 'fencing.record')
  writeFileSync(lab.cibFile, [
    'node n1', 'node n2',
    `primitive fencing stonith:${agentName} params record=${record} lab_root=${lab.root} pcmk_host_list="n1 n2" op monitor interval=10s`,
    'primitive d1 ocf:pacemaker:Dummy op monitor interval=5s', 'primitive d2 ocf:pacemaker:Dummy op monitor interval=5s',
    'location d1-on-n1 d1 100: n1', 'location d2-on-n2 d2 100: n2',
    'property stonith-enabled=true', 'property startup-fencing=false', 'property dc-deadtime=2s',
  ].join('\n') + '\n')
  // the agents' directory is inside the lab's root, known once the lab exists
  Object.assign(lab.options, {env: {HAKIT_FENCE_AGENT_DIR: agents}})
  try {
    for (const n of ['n1', 'n2']) {
      lab.start(n)
      writeFileSync(join(lab.root, n, 'pid'), String(lab.node(n).proc!.pid))
    }
    await lab.waitFor('d1 on n1, d2 on n2', () => lab.placement().get('d1')?.join() === 'n1' && lab.placement().get('d2')?.join() === 'n2')
    const dc = (await lab.status('n1'))?.dc
    assert.ok(dc === 'n1' || dc === 'n2', `a DC: ${dc}`)
    return {lab, record, dc, survivor: dc === 'n1' ? 'n2' : 'n1'}
  } catch (error) {
    await lab.cleanup()
    throw error
  }
}
