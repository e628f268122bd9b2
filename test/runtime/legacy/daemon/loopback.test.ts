/**
 * Two (or three) real `hakit run --legacy` daemons on loopback (127.0.x.y, no
 * root) with the harmless Marker resource script: cold start, power cut of the
 * primary, graceful stop, auto_failback on/off, standby/takeover, a failed
 * start. Each checks the final placement and that no resource was ever
 * started while it already ran on that node. Needs `npm run build` (dist/).
 */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {Lab} from './lab.js'

const GROUP = ['n1 Marker::alpha Marker::beta']

async function coldStart(lab: Lab, names = ['n1', 'n2']): Promise<void> {
  for (const name of names) lab.start(name)
  await lab.waitFor('group up on n1', () => lab.holders('beta').join() === 'n1' && lab.holders('alpha').join() === 'n1')
}

function assertPlacement(lab: Lab, node: string): void {
  assert.deepEqual(lab.holders('alpha'), [node], lab.describe())
  assert.deepEqual(lab.holders('beta'), [node], lab.describe())
  assert.deepEqual(lab.doubleStarts(), [], 'a resource was started while it ran')
}

async function settle(ms = 800): Promise<void> {
  await new Promise((r) => setTimeout(r, ms))
}

// How fast a cold start is (no 10 s RQSTDELAY wait) is measured by bench/legacy-hblab.mjs, not here.
test('cold start: the group comes up on its owner once', async () => {
  const lab = new Lab({haresources: GROUP})
  try {
    await coldStart(lab)
    await settle()
    assertPlacement(lab, 'n1')
    assert.equal(lab.events('n2').length, 0, 'n2 ran no start/stop')
    assert.match(lab.log('n1'), /Initial resource acquisition complete/)
    // Heartbeat's log format: "Mon dd HH:MM:SS node heartbeat: [pid]: info: ..." and ResourceManager lines
    assert.match(lab.log('n1'), /^\w{3} [ \d]\d \d\d:\d\d:\d\d n1 heartbeat: \[\d+\]: info: /m)
    assert.match(lab.log('n1'), /^\d{4}\/\d\d\/\d\d_\d\d:\d\d:\d\d {2}ResourceManager\(default\)\[\d+\]: {4}info: Running \S+\/resource\.d\/Marker alpha start$/m)
  } finally {
    await lab.cleanup()
  }
})

test('power cut of the primary: the peer takes over; auto_failback on brings the group back', async () => {
  const lab = new Lab({haresources: GROUP, autoFailback: 'on'})
  try {
    await coldStart(lab)
    lab.powerOff('n1')
    await lab.waitFor('takeover by n2', () => lab.holders('beta').join() === 'n2')
    assert.match(lab.log('n2'), /node n1: is dead/)
    lab.start('n1')
    await lab.waitFor('failback to n1', () => lab.holders('beta').join() === 'n1' && lab.holders('alpha').join() === 'n1')
    await settle()
    assertPlacement(lab, 'n1')
  } finally {
    await lab.cleanup()
  }
})

test('auto_failback off: the group stays on the node that took it', async () => {
  const lab = new Lab({haresources: GROUP, autoFailback: 'off'})
  try {
    await coldStart(lab)
    lab.powerOff('n1')
    await lab.waitFor('takeover by n2', () => lab.holders('beta').join() === 'n2')
    lab.start('n1')
    await lab.waitFor('n1 back', () => /Initial resource acquisition complete/.test(lab.node('n1').output))
    await settle(1500)
    assertPlacement(lab, 'n2')
  } finally {
    await lab.cleanup()
  }
})

test('graceful stop: the holder releases, tells the peer, exits 0; the peer takes over at once', async () => {
  const lab = new Lab({haresources: GROUP})
  try {
    await coldStart(lab)
    assert.equal(await lab.stop('n1'), 0)
    await lab.waitFor('takeover by n2', () => lab.holders('beta').join() === 'n2')
    // the shutdown notice moved the group, not dead-node detection
    assert.match(lab.log('n2'), /Received shutdown notice from 'n1'/)
    assert.doesNotMatch(lab.log('n2'), /node n1: is dead/)
    assert.match(lab.log('n1'), /All HA resources relinquished\./)
    await settle()
    assertPlacement(lab, 'n2')
  } finally {
    await lab.cleanup()
  }
})

test('hakit standby / hakit takeover move the group through the operator socket', async () => {
  const lab = new Lab({haresources: GROUP})
  try {
    await coldStart(lab)
    await settle(300)
    const standby = lab.cli('n1', ['standby'])
    assert.equal(standby.status, 0, standby.stderr)
    assert.match(standby.stdout, /Going standby \[all\]/)
    await lab.waitFor('standby to n2', () => lab.holders('beta').join() === 'n2')
    await settle(300)
    const status = lab.cli('n2', ['status', 'rscstatus'])
    assert.equal(status.stdout.trim(), 'foreign')
    const takeover = lab.cli('n1', ['takeover'])
    assert.equal(takeover.status, 0, takeover.stderr)
    await lab.waitFor('takeover back to n1', () => lab.holders('beta').join() === 'n1' && lab.holders('alpha').join() === 'n1')
    await settle()
    assertPlacement(lab, 'n1')
    assert.match(lab.log('n1'), /Local standby process completed \[all\]/)
  } finally {
    await lab.cleanup()
  }
})

test('a failed start on the owner moves the group to the peer (Heartbeat leaves it down)', async () => {
  const lab = new Lab({haresources: GROUP})
  try {
    lab.failStart('n1', 'beta')
    lab.start('n1')
    lab.start('n2')
    await lab.waitFor('group on n2', () => lab.holders('beta').join() === 'n2' && lab.holders('alpha').join() === 'n2')
    await settle()
    assertPlacement(lab, 'n2')
    assert.match(lab.log('n1'), /CRIT: Giving up resources due to failure of Marker::beta/)
  } finally {
    await lab.cleanup()
  }
})

test('three nodes: the owner dies, exactly one survivor takes the group', async () => {
  const lab = new Lab({nodes: ['n1', 'n2', 'n3'], haresources: GROUP})
  try {
    await coldStart(lab, ['n1', 'n2', 'n3'])
    lab.powerOff('n1')
    await lab.waitFor('takeover', () => lab.holders('beta').length > 0)
    await settle(1500)
    assert.deepEqual(lab.holders('beta'), ['n2'], lab.describe())
    assert.deepEqual(lab.holders('alpha'), ['n2'])
    assert.deepEqual(lab.doubleStarts(), [])
  } finally {
    await lab.cleanup()
  }
})
