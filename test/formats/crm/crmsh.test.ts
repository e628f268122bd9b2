/**
 * Round trips through the real crmsh: crm text we print, loaded by
 * `crm configure load update` into an empty CIB, must give a CIB that our
 * diff finds equal to the original. crmsh needs about a second per file, so
 * the default run takes a representative sample; HAKIT_SLOW_TESTS=1 runs the
 * whole corpus (bench/cib.mjs reports the same rate).
 */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {tmpdir} from 'node:os'
import {spawnSync} from 'node:child_process'
import {parseCibXml, printCibXml} from '../../../src/formats/cib/xml.js'
import {parseCrm} from '../../../src/formats/crm/parse.js'
import {printCrm} from '../../../src/formats/crm/print.js'
import type {Cib} from '../../../src/formats/cib/model.js'
import {diffCibs} from '../../../src/cib/diff.js'
import {fixturesDir, haveCommand, sharedDir} from '../../helpers/cli.js'
import {corpusCibFiles} from '../cib/corpus.js'

const SAMPLE = [
  'promotable/bug-lf-2153.xml', // promotable clone, colocation with role
  'constraints/attrs4.xml', // location rules
  'failures/order-sets.xml', // resource sets, one printed as an xml statement
  'clone/clone-require-all-5.xml', // order require-all (xml statement)
  'nodes/systemhealth2.xml', // nvpair without value, node attributes
].map((f) => join(sharedDir, 'corpus', 'scheduler', f))

const haveTools = haveCommand('crm') && haveCommand('cibadmin')

/** Loads crm text into an empty CIB with crmsh and reads the result back. */
function loadWithCrmsh(dir: string, crmText: string): Cib {
  const crmFile = join(dir, 'in.crm')
  const cibFile = join(dir, 'cib.xml')
  writeFileSync(crmFile, crmText)
  const empty = spawnSync('cibadmin', ['--empty'], {encoding: 'utf8'})
  writeFileSync(cibFile, empty.stdout)
  // -F: crmsh would refuse agents it cannot find metadata for (the corpus uses test agents).
  const r = spawnSync('crm', ['-F', 'configure', 'load', 'update', crmFile], {encoding: 'utf8', env: {...process.env, CIB_file: cibFile}, timeout: 60_000})
  assert.equal(r.status, 0, r.stderr)
  return parseCibXml(readFileSync(cibFile, 'utf8'), cibFile)
}

test('crm text we print loads into crmsh as the same configuration', {skip: !haveTools && 'crmsh or cibadmin not installed'}, () => {
  const dir = mkdtempSync(join(tmpdir(), 'hakit-crmsh-'))
  try {
    const files = process.env.HAKIT_SLOW_TESTS ? corpusCibFiles() : SAMPLE
    const failed: string[] = []
    for (const f of files) {
      const cib = parseCibXml(readFileSync(f, 'utf8'), f)
      const d = diffCibs(cib, loadWithCrmsh(dir, printCrm(cib)))
      if (!d.equal) failed.push(`${f}: ${JSON.stringify(d.changes).slice(0, 300)}`)
    }
    assert.deepEqual(failed, [])
    // And the other way: crmsh's view of our sample crm file equals ours.
    const sample = readFileSync(join(fixturesDir, 'cib', 'sample.crm'), 'utf8')
    assert.ok(diffCibs(parseCrm(sample, 'sample.crm'), loadWithCrmsh(dir, sample)).equal)
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
})

test('CIB XML we write from crm text gets the same crm_verify verdict as crmsh\'s, without schema errors', {skip: !haveCommand('crm_verify') && 'crm_verify not installed'}, () => {
  const dir = mkdtempSync(join(tmpdir(), 'hakit-verify-'))
  try {
    const ours = join(dir, 'ours.xml')
    writeFileSync(ours, printCibXml(parseCrm(readFileSync(join(fixturesDir, 'cib', 'sample.crm'), 'utf8'), 'sample.crm')))
    const mine = spawnSync('crm_verify', ['-V', '-x', ours], {encoding: 'utf8'})
    const theirs = spawnSync('crm_verify', ['-V', '-x', join(fixturesDir, 'cib', 'sample-crmsh.xml')], {encoding: 'utf8'})
    assert.equal(mine.status, theirs.status, mine.stderr)
    assert.doesNotMatch(mine.stderr, /Relax-NG|validity error|error:/)
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
})

test('printing matches `crm configure show` line for line (but for agent names crmsh shortens)', {skip: !haveCommand('crm') && 'crmsh not installed'}, () => {
  // crmsh prints `IPaddr2` for ocf:heartbeat:IPaddr2 when the name is unique among the agents installed; we always print it in full.
  const shorten = (text: string) => text.replace(/^(primitive \S+) (?:ocf:[^:\s]+:|[a-z]+:)?(\S+)/gm, '$1 $2')
  const mismatched: string[] = []
  for (const f of SAMPLE.filter((s) => !/require-all|systemhealth/.test(s))) {
    const r = spawnSync('crm', ['configure', 'show'], {encoding: 'utf8', env: {...process.env, CIB_file: f}, timeout: 60_000})
    const theirs = r.stdout.split('\n').filter((l) => !/WARNING|ERROR/.test(l)).join('\n')
    const ours = printCrm(parseCibXml(readFileSync(f, 'utf8'), f))
    if (shorten(ours).trimEnd() !== shorten(theirs).trimEnd()) mismatched.push(`${f}\n--- crmsh\n${theirs}\n--- hakit\n${ours}`)
  }
  assert.deepEqual(mismatched, [])
})
