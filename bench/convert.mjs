// Benchmark: convert a 1000-line haresources + a 200-resource drbd.conf
// (parse + convert + print cib.xml, crm, pcs, corosync.conf), and compare
// with crm_verify checking the produced cib.xml in the same run.
// Run after `npm run build`: node bench/convert.mjs
import {spawnSync} from 'node:child_process'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {performance} from 'node:perf_hooks'
import {parseHaresources} from '../dist/formats/haresources/index.js'
import {parseHaCf} from '../dist/formats/hacf/index.js'
import {parseDrbd} from '../dist/formats/drbd/index.js'
import {convertBundle} from '../dist/converters/bundle.js'
import {drbdResourceInfos} from '../dist/converters/drbd/convert.js'
import {printCibAs} from '../dist/converters/outputs.js'
import {printCorosyncConf} from '../dist/formats/corosync/print.js'

const LINES = 1000
const DRBD = 200

function haresourcesText() {
  const out = []
  for (let i = 0; i < LINES; i++) {
    const node = i % 2 === 0 ? 'alpha' : 'beta'
    const ip = `10.${(i >> 8) & 255}.${i & 255}.10/24/eth0`
    const tokens = [node, ip]
    if (i < DRBD) tokens.push(`drbddisk::r${i}`, `Filesystem::/dev/drbd${i}::/srv/r${i}::ext4`)
    else tokens.push(`Filesystem::/dev/vg/lv${i}::/srv/l${i}::xfs::noatime`)
    tokens.push(`MailTo::ops${i}@example.com::line${i}`, `svc${i}`)
    out.push(tokens.join(' '))
  }
  return `${out.join('\n')}\n`
}

function drbdText() {
  const out = []
  for (let i = 0; i < DRBD; i++) {
    out.push(`resource r${i} {
  protocol C;
  on alpha { device /dev/drbd${i}; disk /dev/vg/d${i}; address 192.168.1.1:${7788 + i}; meta-disk internal; }
  on beta  { device /dev/drbd${i}; disk /dev/vg/d${i}; address 192.168.1.2:${7788 + i}; meta-disk internal; }
}`)
  }
  return `${out.join('\n')}\n`
}

const hacfText = 'ucast eth0 192.168.1.2\ndeadtime 10\nauto_failback off\nnode alpha beta\nping 10.0.0.1\nrespawn hacluster /usr/lib/heartbeat/ipfail\n'

function convertOnce(texts) {
  const haresources = parseHaresources(texts.haresources, 'haresources').model
  const hacf = parseHaCf(hacfText, 'ha.cf').model
  const drbd = drbdResourceInfos(parseDrbd(texts.drbd, 'drbd.conf').model)
  const bundle = convertBundle({haresources, hacf, drbd})
  const xml = printCibAs(bundle.cib, 'cib')
  printCibAs(bundle.cib, 'crm')
  printCibAs(bundle.cib, 'pcs')
  printCorosyncConf(bundle.corosync)
  return {bundle, xml}
}

const texts = {haresources: haresourcesText(), drbd: drbdText()}
convertOnce(texts) // warm-up
const runs = 5
const times = []
let result
for (let i = 0; i < runs; i++) {
  const t0 = performance.now()
  result = convertOnce(texts)
  times.push(performance.now() - t0)
}
times.sort((a, b) => a - b)
const convertMs = times[Math.floor(runs / 2)]

const dir = mkdtempSync(join(tmpdir(), 'hakit-bench-convert-'))
const cibFile = join(dir, 'cib.xml')
writeFileSync(cibFile, result.xml)
let verifyMs = NaN
let verifyStatus = 'missing'
const probe = spawnSync('crm_verify', ['--version'], {encoding: 'utf8'})
if (probe.status === 0) {
  const t0 = performance.now()
  const r = spawnSync('crm_verify', ['-x', cibFile], {encoding: 'utf8', timeout: 170_000})
  verifyMs = performance.now() - t0
  verifyStatus = r.status === 0 ? 'valid' : `exit ${r.status}`
}
rmSync(dir, {recursive: true, force: true})

const primitives = result.bundle.cib.resources.reduce((n, r) => n + (r.kind === 'group' ? r.children.length : 1), 0)
const rows = [
  ['task', 'time (ms)', 'ratio to crm_verify'],
  [`hakit convert (${LINES} haresources lines, ${DRBD} DRBD resources → ${primitives} resources, ${result.bundle.cib.constraints.length} constraints; xml+crm+pcs+corosync, median of ${runs})`, convertMs.toFixed(1), Number.isNaN(verifyMs) ? 'n/a' : (convertMs / verifyMs).toFixed(3)],
  [`crm_verify -x on the produced cib.xml (${verifyStatus}, ${(result.xml.length / 1024).toFixed(0)} KiB)`, Number.isNaN(verifyMs) ? 'n/a' : verifyMs.toFixed(1), '1.000'],
]
const width = rows[0].map((_, c) => Math.max(...rows.map((r) => String(r[c]).length)))
console.log('bench/convert.mjs')
for (const r of rows) console.log(r.map((v, c) => String(v).padEnd(width[c])).join('  '))
