import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {fixturesDir} from '../../helpers/cli.js'

/** Datagrams (ICMP: payload only) of a capture file in test/fixtures/heartbeat-captures. */
export function loadCapture(name: string): Buffer[] {
  return readFileSync(join(fixturesDir, 'heartbeat-captures', name), 'utf8').trim().split('\n').map((line) => {
    const [kind, hexText] = line.split(' ')
    const raw = Buffer.from(hexText!, 'hex')
    return kind === 'icmp' ? raw.subarray(8) : raw
  })
}
