/**
 * The DC fences itself (`crm node fence DC`): another node runs the fence device (the fencer never
 * lets the target fence itself while a peer is up), and its result went to the DC it had just
 * killed. The next DC found the old one lost uncleanly and fenced it a second time. Now the result
 * goes to every node; the one that becomes DC marks the node clean ("Marking n1, target of a
 * previous stonith action, as clean", as Pacemaker's stonith cleanup list) and recovers its
 * resources without fencing it again. Two real daemons on loopback (no root); the fence device is
 * the tests' recording agent with a power switch: it kills the target's daemon by PID and removes
 * its Dummy state files.
 */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {chmodSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {projectRoot, runCli} from '../../helpers/cli.js'
import {CrmLab, crmLabUnavailable} from './crm-lab.js'

const skip = crmLabUnavailable()
const recordingAgent = join(projectRoot, 'test', 'fixtures', 'crm', 'fence-agents', 'fence_hakit_test')

/** fence_hakit_test (records the request) and then the power switch of the lab node it targets. */
const POWER_AGENT = `#!/bin/sh
input=$(cat)
printf '%s\\n' "$input" | ${recordingAgent}
rc=$?
action=reboot; target=; lab_root=
for line in $input; do
  case "$line" in
    action=*|option=*) action=\${line#*=} ;;
    port=*|plug=*) target=\${line#*=} ;;
    nodename=*) [ -n "$target" ] || target=\${line#*=} ;;
    lab_root=*) lab_root=\${line#*=} ;;
  esac
done
if [ $rc -eq 0 ] && [ -n "$target" ] && [ -n "$lab_root" ] && { [ "$action" = reboot ] || [ "$action" = off ]; }; then
  kill -9 "$(cat "$lab_root/$target/pid")" 2>/dev/null
  rm -f "$lab_root/$target/run/"*
fi
exit $rc
`

test('the DC fences itself: fenced once, and the next DC recovers its resources without fencing it again', {skip, timeout: 300_000}, async () => {
  // deadtime 3 s: the fence agent's result is in long before the survivor could declare the killed DC dead
  const lab = new CrmLab({cib: '', env: {}, deadtime: '3'})
  const agents = join(lab.root, 'fence-agents')
  mkdirSync(agents, {recursive: true})
  writeFileSync(join(agents, 'fence_hakit_power'), POWER_AGENT)
  chmodSync(join(agents, 'fence_hakit_power'), 0o755)
  const record = join(lab.root, 'fencing.record')
  writeFileSync(lab.cibFile, [
    'node n1', 'node n2',
    `primitive fencing stonith:fence_hakit_power params record=${record} lab_root=${lab.root} pcmk_host_list="n1 n2" op monitor interval=10s`,
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
    const survivor = dc === 'n1' ? 'n2' : 'n1'
    const fenceIt = runCli(['crm', 'node', 'fence', dc, '--force', '--socket', lab.node(survivor).socket])
    assert.equal(fenceIt.status, 0, fenceIt.stderr)

    await lab.waitFor(`${dc} powered off by the fence device`, () => !lab.running(dc))
    // the survivor runs everything: the old DC's resource starts only once that node counts as fenced
    await lab.waitFor(`${survivor} DC with d1 and d2`, async () =>
      (await lab.status(survivor))?.dc === survivor && lab.placement().get('d1')?.join() === survivor && lab.placement().get('d2')?.join() === survivor, 120_000)
    const fencings = readFileSync(record, 'utf8').split('\n').filter((l) => new RegExp(`^ok (reboot|off) ${dc} `).test(l))
    assert.deepEqual(fencings.map((l) => l.split(' ').slice(0, 4).join(' ')), [`ok reboot ${dc} by=${survivor}`], `fenced exactly once:\n${readFileSync(record, 'utf8')}`)
    assert.match(lab.log(survivor), new RegExp(`Marking ${dc}, target of a previous stonith action, as clean`))
  } finally {
    await lab.cleanup()
  }
})
