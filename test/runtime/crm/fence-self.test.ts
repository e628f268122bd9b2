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
import {readFileSync} from 'node:fs'
import {runCli} from '../../helpers/cli.js'
import {crmLabUnavailable} from './crm-lab.js'
import {READ_FENCE_REQUEST, recordingAgent, startFencingPair} from './fencing-pair.js'

const skip = crmLabUnavailable()

/** fence_hakit_test (records the request) and then the power switch of the lab node it targets. */
const POWER_AGENT = `#!/bin/sh
input=$(cat)
printf '%s\\n' "$input" | ${recordingAgent}
rc=$?
${READ_FENCE_REQUEST}
if [ $rc -eq 0 ] && [ -n "$target" ] && [ -n "$lab_root" ] && { [ "$action" = reboot ] || [ "$action" = off ]; }; then
  kill -9 "$(cat "$lab_root/$target/pid")" 2>/dev/null
  rm -f "$lab_root/$target/run/"*
fi
exit $rc
`

test('the DC fences itself: fenced once, and the next DC recovers its resources without fencing it again', {skip, timeout: 300_000}, async () => {
  const {lab, record, dc, survivor} = await startFencingPair('fence_hakit_power', POWER_AGENT)
  try {
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
