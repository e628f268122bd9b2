/**
 * The DC dies while it is being fenced: the fencing of the DC runs on the other node (the fencer
 * never lets the target fence itself while a peer is up); before it ends, the DC's power is cut.
 * The survivor becomes DC, finds the old one lost uncleanly and asks its own fencer to fence it —
 * the fencer that is still running the first request. The second request used to queue behind the
 * first on the same device and run again (the node powered down twice; with reboot, the second could
 * hit it after it came back). Now the fencer merges it into the run in progress (Pacemaker's merge of
 * duplicate requests): one run, both requests answered with its result. Two real daemons on loopback
 * (no root); the fence device is the tests' recording agent behind a gate the test opens once the
 * new DC has asked for the second fencing, then the lab node's power switch (kill by PID).
 */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {projectRoot, runCli} from '../../helpers/cli.js'
import {CrmLab, crmLabUnavailable} from './crm-lab.js'

const skip = crmLabUnavailable()
const recordingAgent = join(projectRoot, 'test', 'fixtures', 'crm', 'fence-agents', 'fence_hakit_test')

/** off/reboot: notes its start, waits while $lab_root/gate exists (at most 120 s), records through fence_hakit_test, cuts the target's power. */
const GATED_POWER_AGENT = `#!/bin/sh
input=$(cat)
action=reboot; target=; lab_root=
for line in $input; do
  case "$line" in
    action=*|option=*) action=\${line#*=} ;;
    port=*|plug=*) target=\${line#*=} ;;
    nodename=*) [ -n "$target" ] || target=\${line#*=} ;;
    lab_root=*) lab_root=\${line#*=} ;;
  esac
done
power_down=no
{ [ "$action" = reboot ] || [ "$action" = off ]; } && [ -n "$target" ] && [ -n "$lab_root" ] && power_down=yes
if [ $power_down = yes ]; then
  echo "start $action $target" >> "$lab_root/agent-starts"
  waited=0
  while [ -e "$lab_root/gate" ] && [ $waited -lt 1200 ]; do sleep 0.1; waited=$((waited + 1)); done
fi
printf '%s\\n' "$input" | ${recordingAgent}
rc=$?
if [ $rc -eq 0 ] && [ $power_down = yes ]; then
  pid=$(cat "$lab_root/$target/pid" 2>/dev/null)
  # only that node's lab daemon: the PID may be a dead one's
  if [ -n "$pid" ] && tr '\\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q -- "--node $target "; then kill -9 "$pid"; fi
  rm -f "$lab_root/$target/run/"*
fi
exit $rc
`

test('the DC dies while the other node fences it: the new DC\'s request for the same fencing merges into the run in progress, the node is fenced once', {skip, timeout: 300_000}, async () => {
  const lab = new CrmLab({cib: '', env: {}, deadtime: '3'})
  const agents = join(lab.root, 'fence-agents')
  mkdirSync(agents, {recursive: true})
  writeFileSync(join(agents, 'fence_hakit_gated'), GATED_POWER_AGENT)
  chmodSync(join(agents, 'fence_hakit_gated'), 0o755)
  const record = join(lab.root, 'fencing.record')
  const gate = join(lab.root, 'gate')
  writeFileSync(lab.cibFile, [
    'node n1', 'node n2',
    `primitive fencing stonith:fence_hakit_gated params record=${record} lab_root=${lab.root} pcmk_host_list="n1 n2" op monitor interval=10s`,
    'primitive d1 ocf:pacemaker:Dummy op monitor interval=5s', 'primitive d2 ocf:pacemaker:Dummy op monitor interval=5s',
    'location d1-on-n1 d1 100: n1', 'location d2-on-n2 d2 100: n2',
    'property stonith-enabled=true', 'property startup-fencing=false', 'property dc-deadtime=2s',
  ].join('\n') + '\n')
  Object.assign(lab.options, {env: {HAKIT_FENCE_AGENT_DIR: agents}})
  const fencingsOf = (node: string) => (existsSync(record) ? readFileSync(record, 'utf8') : '').split('\n').filter((l) => new RegExp(`^ok (reboot|off) ${node} `).test(l))
  try {
    for (const n of ['n1', 'n2']) {
      lab.start(n)
      writeFileSync(join(lab.root, n, 'pid'), String(lab.node(n).proc!.pid))
    }
    await lab.waitFor('d1 on n1, d2 on n2', () => lab.placement().get('d1')?.join() === 'n1' && lab.placement().get('d2')?.join() === 'n2')
    const dc = (await lab.status('n1'))?.dc
    assert.ok(dc === 'n1' || dc === 'n2', `a DC: ${dc}`)
    const survivor = dc === 'n1' ? 'n2' : 'n1'
    writeFileSync(gate, '')
    const fenceIt = runCli(['crm', 'node', 'fence', dc, '--force', '--socket', lab.node(survivor).socket])
    assert.equal(fenceIt.status, 0, fenceIt.stderr)
    await lab.waitFor(`the fencing of ${dc} running on ${survivor}`, () => existsSync(join(lab.root, 'agent-starts')) && readFileSync(join(lab.root, 'agent-starts'), 'utf8').includes(`start reboot ${dc}`), 120_000)

    // the DC's power is cut while it is being fenced; the survivor takes over and asks for the same fencing
    lab.powerOff(dc)
    await lab.waitFor(`${survivor}'s controller asks to fence ${dc}`, () => new RegExp(`Requesting fencing \\(reboot\\) of node ${dc} \\|`).test(lab.log(survivor)), 120_000)
    rmSync(gate)

    await lab.waitFor(`${survivor} DC with d1 and d2`, async () =>
      (await lab.status(survivor))?.dc === survivor && lab.placement().get('d1')?.join() === survivor && lab.placement().get('d2')?.join() === survivor, 120_000)
    // d1 recovers only once the new DC's own request is answered: a second run (the old behaviour) would be in the record by now
    await lab.waitFor(`${survivor}'s request answered`, () => new RegExp(`Peer ${dc} was terminated \\(reboot\\) by ${survivor} on behalf`).test(lab.log(survivor)), 120_000)
    assert.deepEqual(fencingsOf(dc).map((l) => l.split(' ').slice(0, 4).join(' ')), [`ok reboot ${dc} by=${survivor}`], `fenced exactly once:\n${readFileSync(record, 'utf8')}\n--- ${survivor}'s log:\n${lab.log(survivor).split('\n').filter((l) => /fenc|Fenc|stonith|terminated/.test(l)).join('\n')}`)
    assert.match(lab.log(survivor), new RegExp(`Merging fencing action 'reboot' targeting ${dc}`))
  } finally {
    rmSync(gate, {force: true})
    await lab.cleanup()
  }
})
