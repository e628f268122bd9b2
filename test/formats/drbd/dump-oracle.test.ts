// Cross-checks hakit's typed model against `drbdadm dump-xml` for the fixtures
// that one of the installed parsers accepts (v9 grammar or the 8.4 one).
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {existsSync} from 'node:fs'
import {join} from 'node:path'
import {XMLParser} from 'fast-xml-parser'
import {loadDrbd} from '../../../src/formats/drbd/index.js'
import {fixturesDir, haveCommand} from '../../helpers/cli.js'

const CASES: [string, string][] = [
  ['drbd83.conf', '/lib/drbd/drbdadm-84'],
  ['drbd84.conf', '/lib/drbd/drbdadm-84'],
  ['include/drbd.conf', '/lib/drbd/drbdadm-84'],
  ['drbd9-mesh.res', 'drbdadm'],
]
const missing = !haveCommand('drbdadm') || !existsSync('/lib/drbd/drbdadm-84')

interface HostView {
  name: string
  address: string
  volumes: string[]
}

function fromDrbdadm(xml: string): Record<string, HostView[]> {
  const list = new Set(['resource', 'host', 'volume'])
  const doc = new XMLParser({ignoreAttributes: false, attributeNamePrefix: '', textNodeName: 'text', parseTagValue: false, isArray: (name) => list.has(name)}).parse(xml)
  const text = (v: unknown) => (typeof v === 'object' && v !== null ? String((v as {text?: string}).text ?? '') : String(v ?? ''))
  const out: Record<string, HostView[]> = {}
  for (const r of doc.config.resource ?? []) {
    out[r.name] = (r.host ?? []).map((h: any) => ({
      name: h.name,
      address: `${h.address.family} ${text(h.address)}:${h.address.port}`,
      volumes: (h.volume ?? []).map((v: any) => {
        const disk = text(v.disk)
        const meta = disk === 'none' ? '-' : `${text(v['meta-disk'])}${v['meta-disk']?.index !== undefined ? `[${v['meta-disk'].index}]` : ''}`
        return `${v.vnr} minor=${v.device.minor} disk=${disk} meta=${meta}`
      }),
    }))
  }
  return out
}

test('hosts, addresses and volumes match drbdadm dump-xml', {skip: missing && 'drbdadm / drbdadm-84 not installed'}, async () => {
  for (const [name, bin] of CASES) {
    const file = join(fixturesDir, 'drbd', name)
    const r = spawnSync(bin, ['-c', file, 'dump-xml', 'all'], {encoding: 'utf8'})
    assert.equal(r.status, 0, `${bin} rejects ${name}: ${r.stderr}`)
    const expected = fromDrbdadm(r.stdout)
    const {model} = await loadDrbd(file)
    const ours: Record<string, HostView[]> = {}
    for (const res of model.resources) {
      ours[res.name] = res.hosts.map((h) => ({
        name: h.names[0],
        address: `${h.address?.family} ${h.address?.host}:${h.address?.port}`,
        volumes: h.volumes.map((v) => {
          const meta = v.disk?.path === 'none' ? '-' : v.metaDisk?.kind === 'internal' ? 'internal' : `${v.metaDisk?.path}${v.metaDisk?.kind === 'external' ? `[${v.metaDisk.index}]` : ''}`
          return `${v.number ?? 0} minor=${v.device?.minor} disk=${v.disk?.path} meta=${meta}`
        }),
      }))
    }
    assert.deepEqual(ours, expected, name)
  }
})
