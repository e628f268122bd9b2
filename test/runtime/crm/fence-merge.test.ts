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
import {existsSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {runCli} from '../../helpers/cli.js'
import {crmLabUnavailable} from './crm-lab.js'
import {READ_FENCE_REQUEST, recordingAgent, startFencingPair} from './fencing-pair.js'

const skip = crmLabUnavailable()

/** off/reboot: notes its start, waits while $lab_root/gate exists (at most 120 s), records through fence_hakit_test, cuts the target's power. */
const GATED_POWER_AGENT = `#!/bin/sh
input=$(cat)
${READ_FENCE_REQUEST}
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
  const {lab, record, dc, survivor} = await startFencingPair('fence_hakit_gated', GATED_POWER_AGENT)
  const gate = join(lab.root, 'gate')
  const fencingsOf = (node: string) => (existsSync(record) ? readFileSync(record, 'utf8') : '').split('\n').filter((l) => new RegExp(`^ok (reboot|off) ${node} `).test(l))
  try {
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
