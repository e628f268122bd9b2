/**
 * Issue 15 items 2–4 end to end, with two real `hakit run --legacy` daemons on
 * loopback (no root) and an attacker that sees the cluster's traffic (n1 also
 * sends its packets to a tap address, as a host on the same segment would see
 * them):
 *  - a forged packet is logged without the signature it should have had, and
 *    no log, state or socket file is readable by other users;
 *  - the attack of the issue: a correctly signed `shutdone` of the live owner
 *    makes the peer take the group; the split-brain rule must hand it back to
 *    the owner while both run (Heartbeat: both keep it for good);
 *  - `hakit status --json` counts the dropped packets per reason and carries
 *    no key material.
 * Needs `npm run build` (dist/).
 */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import dgram from 'node:dgram'
import {createHmac} from 'node:crypto'
import {existsSync, readdirSync, readFileSync, statSync} from 'node:fs'
import {join} from 'node:path'
import {signNetstring, type AuthConfig} from '../../../../src/runtime/messaging/auth.js'
import {classicAuthText, decodePacket} from '../../../../src/runtime/messaging/codec.js'
import {hex, HbMessage, parseHex} from '../../../../src/runtime/messaging/message.js'
import {Lab} from './lab.js'

const KEY = 'hakit-lab-secret-key' // lab.ts writes it to every node's authkeys
const realAuth: AuthConfig = {activeIndex: 1, keys: new Map([[1, {method: 'sha1', key: KEY}]])}
const guessedAuth: AuthConfig = {activeIndex: 1, keys: new Map([[1, {method: 'sha1', key: 'an attacker guess'}]])}

const mode = (path: string): string => (statSync(path).mode & 0o777).toString(8).padStart(3, '0')

/** Every regular file under `dir` (logs, debug log, state files, events), with its text. */
function filesUnder(dir: string): Array<{path: string; text: string}> {
  const out: Array<{path: string; text: string}> = []
  for (const entry of readdirSync(dir, {withFileTypes: true, recursive: true})) {
    const path = join(entry.parentPath, entry.name)
    if (entry.isFile()) out.push({path, text: readFileSync(path, 'latin1')})
  }
  return out
}

test('forged packets: no valid signature in any log, private files, a forged shutdone resolved, drops counted', {timeout: 120_000}, async () => {
  const net = 1 + Math.floor(Math.random() * 200)
  const tapAddress = `127.0.${net}.9`
  const lab = new Lab({haresources: ['n1 Marker::alpha Marker::beta'], net, keepalive: '500ms', deadtime: '3', warntime: '2', initdead: '3', extraHaCf: [`ucast lo ${tapAddress}`]})
  const tap = dgram.createSocket('udp4')
  const attacker = dgram.createSocket('udp4')
  // what n1 sends, as seen on the wire
  const seenFromN1: Array<{seq: number; gen: number}> = []
  tap.on('message', (buf) => {
    try {
      const msg = decodePacket(buf).msg
      const seq = parseHex(msg.get('seq'))
      const gen = parseHex(msg.get('hg'))
      if (msg.get('src') === 'n1' && seq !== undefined && gen !== undefined) seenFromN1.push({seq, gen})
    } catch {
      // not ours to judge
    }
  })
  try {
    await new Promise<void>((r) => tap.bind(lab.port, tapAddress, () => r()))
    await new Promise<void>((r) => attacker.bind(0, tapAddress, () => r()))
    const n2 = lab.node('n2')
    const sendToN2 = (packet: Buffer): Promise<void> => new Promise((r) => attacker.send(packet, lab.port, n2.address, () => r()))

    lab.start('n1')
    lab.start('n2')
    await lab.waitFor('group up on n1', () => lab.holders('alpha').join() === 'n1' && lab.holders('beta').join() === 'n1', 30_000)
    await lab.waitFor('n2 stable', () => lab.cli('n2', ['status', 'rscstatus']).stdout.trim() === 'none', 30_000)
    await lab.waitFor('n1 seen on the wire', () => seenFromN1.length > 0)

    // ---- item 2: a shutdone signed with a guessed key; n2 must not log the signature it should have had
    const latest = (): {seq: number; gen: number} => seenFromN1.at(-1)!
    const shutdone = (seq: number): HbMessage =>
      new HbMessage([['t', 'shutdone'], ['st', 'dead'], ['src', 'n1'], ['seq', hex(seq)], ['hg', hex(latest().gen)], ['ts', hex(Date.now() / 1000)], ['ld', '0.00 0.00 0.00 1/1 1'], ['ttl', '4']])
    const forged = signNetstring(shutdone(latest().seq + 3), guessedAuth)
    const body = forged.subarray(0, forged.indexOf('%%%\n') + 4)
    const validOuter = createHmac('sha1', KEY).update(body).digest('hex')
    const validInner = createHmac('sha1', KEY).update(classicAuthText(decodePacket(forged).msg)).digest('hex')
    await sendToN2(forged)
    await lab.waitFor('n2 logs the bad packet', () => /authtoken does not match/.test(lab.log('n2')))
    for (const node of ['n1', 'n2']) {
      for (const file of filesUnder(lab.node(node).root)) {
        assert.ok(!file.text.includes(validOuter) && !file.text.includes(validInner), `${file.path} holds the valid signature of the forged packet`)
        if (!file.path.endsWith('authkeys')) assert.ok(!file.text.includes(KEY), `${file.path} holds the key`)
      }
      assert.ok(!lab.node(node).output.includes(validOuter) && !lab.node(node).output.includes(KEY), `${node}'s stderr holds a secret`)
      const {root, stateDir} = lab.node(node)
      assert.equal(mode(join(root, 'ha-log')), '600', `${node} ha-log`)
      assert.equal(mode(join(root, 'ha-debug')), '600', `${node} ha-debug`)
      assert.equal(mode(stateDir), '700', `${node} state dir`)
      for (const name of ['hb_generation', 'hb_uuid', 'hakit-legacy.sock']) assert.equal(mode(join(stateDir, name)), '600', `${node} ${name}`)
    }

    // ---- item 4: the drop is counted, status carries no key material
    const json = lab.cli('n2', ['status', '--json'])
    assert.equal(json.status, 0, json.stderr)
    assert.ok(!json.stdout.includes(KEY))
    const report = JSON.parse(json.stdout).result as {messaging: {received: number; accepted: number; rejected: Record<string, number>}}
    assert.equal(report.messaging.rejected['bad-signature'], 1, json.stdout)
    for (const reason of ['malformed', 'oversized', 'no-signature', 'unknown-key', 'weak-method', 'replay', 'stale-generation', 'dead-node']) {
      assert.equal(report.messaging.rejected[reason], 0, reason)
    }
    assert.ok(report.messaging.accepted > 0)
    assert.match(lab.cli('n2', ['status']).stdout, /dropped by reason: bad-signature 1\b/)

    // ---- item 3: the same shutdone, correctly signed (the key was leaked): n2 believes n1 left
    const startsOnN2 = (): number => lab.events('n2').filter((e) => e.action === 'start').length
    for (let attempt = 0; attempt < 5 && !/Received shutdown notice from 'n1'/.test(lab.log('n2')); attempt++) {
      // a little ahead of n1's own sequence numbers, so it is taken as new (n1's real ones fill the gap)
      await sendToN2(signNetstring(shutdone(latest().seq + 3), realAuth))
      await new Promise((r) => setTimeout(r, 1000))
    }
    assert.match(lab.log('n2'), /Received shutdown notice from 'n1'/, 'the forged shutdone was accepted (the attack is reproduced)')
    await lab.waitFor('n2 started the group (the attack worked)', () => startsOnN2() >= 2, 30_000)
    await lab.waitFor('the group back on n1 only', () => lab.holders('alpha').join() === 'n1' && lab.holders('beta').join() === 'n1', 30_000)
    // and it stays so while the nodes keep talking (Heartbeat: both held it for the whole observation)
    await new Promise((r) => setTimeout(r, 3000))
    assert.deepEqual([lab.holders('alpha'), lab.holders('beta')], [['n1'], ['n1']], lab.describe())
    assert.ok(lab.running('n1') && lab.running('n2'))
    assert.equal(lab.cli('n2', ['status', 'nodestatus', 'n1']).stdout.trim(), 'active')
    // n1's own packet with the sequence number the forgery took arrived later: n2 says the key is out
    await lab.waitFor('n2 reports the forgery', () => /CRIT: Two different packets from n1 with seq \d+: one of them is forged/.test(lab.log('n2')))
    assert.match(lab.log('n1'), /ERROR: Both machines own our resources!/)
    assert.match(lab.log('n2'), /ERROR: Both machines own foreign resources!/)
    assert.deepEqual(lab.doubleStarts(), [])
    assert.ok(existsSync(join(lab.node('n2').root, 'events.log')))
  } finally {
    tap.close()
    attacker.close()
    await lab.cleanup()
  }
})
