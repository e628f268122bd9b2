/**
 * Differential test against the installed crm_simulate: sched-fuzz.mjs
 * builds random CIBs (nodes, primitives, groups, constraints, stickiness,
 * standby/offline nodes, failed operations) and records crm_simulate's
 * answers; hakit's scheduler must give the same summary on most of them.
 * Bigger runs (500 CIBs) are in bench/scheduler.mjs and docs/scheduler.md.
 */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {existsSync, mkdtempSync, readdirSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {haveCommand, sharedDir} from '../../helpers/cli.js'
import {parseCibXml} from '../../../src/formats/cib/xml.js'
import {schedule} from '../../../src/runtime/scheduler/index.js'
import {compareActions} from './compare.js'

const fuzz = join(sharedDir, 'tools', 'scheduler', 'sched-fuzz.mjs')
/** Exact-match rate the scheduler must keep on seed 1 (20/20 when written; failures are reported as diagnostics). */
const MIN_RATE = 0.9

test('random CIBs: same transition summary as crm_simulate (seed 1, 20 cases)', (t) => {
  if (!haveCommand('crm_simulate') || !haveCommand('crm_verify')) {
    t.skip('crm_simulate/crm_verify not installed')
    return
  }
  if (!existsSync(fuzz)) {
    t.skip('sched-fuzz.mjs not present')
    return
  }
  const dir = mkdtempSync(join(tmpdir(), 'hakit-sched-diff-'))
  try {
    const r = spawnSync(process.execPath, [fuzz, '--seed', '1', '--count', '20', '--out', dir, '--no-xml-check'], {encoding: 'utf8', timeout: 120_000})
    assert.equal(r.status, 0, `sched-fuzz failed: ${r.stdout}${r.stderr}`)
    const cases = readdirSync(dir).filter((f) => f.endsWith('.json')).sort()
    assert.ok(cases.length === 20, `expected 20 generated cases, got ${cases.length}`)
    let ok = 0
    for (const f of cases) {
      const expected = JSON.parse(readFileSync(join(dir, f), 'utf8'))
      const xmlFile = join(dir, f.replace(/\.json$/, '.xml'))
      const tr = schedule(parseCibXml(readFileSync(xmlFile, 'utf8'), xmlFile))
      const cmp = compareActions(expected.actions, tr.summary)
      if (cmp.ordered) ok++
      else t.diagnostic(`${f}: missing ${JSON.stringify(cmp.missing)} extra ${JSON.stringify(cmp.extra)}`)
    }
    t.diagnostic(`exact match ${ok}/${cases.length}`)
    assert.ok(ok / cases.length >= MIN_RATE, `exact-match rate ${ok}/${cases.length} below ${MIN_RATE}`)
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
})
