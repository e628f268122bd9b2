/**
 * `hakit crm status` against the real `crm_mon` (Pacemaker 2.1.5, CIB_file) on all 152
 * scheduler-corpus CIBs, for several flag sets, section by section ("Last updated" is the
 * clock and is dropped from both). The sections that still differ are listed below; the list is
 * kept honest both ways: a new difference fails, and so does a listed one that now matches.
 */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {readdirSync} from 'node:fs'
import {join, relative} from 'node:path'
import {haveCommand, sharedDir} from '../../helpers/cli.js'
import {loadCib} from '../../../src/cib/sources.js'
import {renderStatus, type StatusOptions} from '../../../src/runtime/crm/status-view.js'

const corpus = join(sharedDir, 'corpus', 'scheduler')
const skip = haveCommand('crm_mon') ? false : 'crm_mon not installed (the judge)'

const FLAG_SETS = ['-1', '-1 -r -A -f', '-1 -o -t -r', '-1 -n -r', '-1 -r --output-as xml']

/** case|flags|section that differ from crm_mon today (see docs/crm.md for why). */
const KNOWN = new Set([
  // failures recorded by Pacemaker's unpacking that hakit's differs on (ops after a failed stop, a recurring monitor of a failed probe)
  'group/994|*|Failed Resource Actions:', 'promotable/stonith-0|*|Failed Resource Actions:',
  'group/994|xml|failures', 'promotable/stonith-0|xml|failures',
  // a fail count hakit's scheduler takes as expired (failure-timeout with on-fail=block) where Pacemaker's does not
  'failures/failcount-block|-1 -o -t -r|Operations:', 'failures/failcount-block|xml|node_history',
  'failures/failcount-block|-1 -r -A -f|Migration Summary:',
])

function sections(text: string, xml: boolean): Map<string, string> {
  const out = new Map<string, string>()
  if (xml) {
    // one "section" per top-level element of <pacemaker-result>
    let current = ''
    for (const line of text.split('\n')) {
      if (line.includes('<last_update ') || line.startsWith('<pacemaker-result') || line === '') continue
      const m = /^ {2}<\/?(\w+)/.exec(line)
      if (m) current = m[1]!
      out.set(current, (out.get(current) ?? '') + line + '\n')
    }
    return out
  }
  for (const block of text.split('\n\n')) {
    const lines = block.split('\n').filter((l) => l.length > 0 && !l.startsWith('  * Last updated: '))
    if (lines.length > 0) out.set(lines[0]!, lines.join('\n'))
  }
  return out
}

function optionsFor(flags: string): StatusOptions {
  const f = flags.split(' ')
  return {
    inactive: f.includes('-r'), attributes: f.includes('-A'), failcounts: f.includes('-f'), operations: f.includes('-o'),
    timing: f.includes('-t'), byNode: f.includes('-n'), format: f.includes('xml') ? 'xml' : 'text', request: `crm_mon ${flags}`, now: Date.now(),
  }
}

function cibFiles(dir: string): string[] {
  return readdirSync(dir, {withFileTypes: true}).flatMap((e) => (e.isDirectory() ? cibFiles(join(dir, e.name)) : e.name.endsWith('.xml') ? [join(dir, e.name)] : [])).sort()
}

test('crm status equals crm_mon section by section on the scheduler corpus, but for the known differences', {skip, timeout: 600_000}, async () => {
  const files = cibFiles(corpus)
  assert.ok(files.length >= 150, `corpus has ${files.length} CIBs`)
  const differing = new Set<string>()
  const report: string[] = []
  for (const flags of FLAG_SETS) {
    const xml = flags.includes('xml')
    const perSection = new Map<string, [number, number]>()
    let whole = 0
    for (const file of files) {
      const name = relative(corpus, file).replace(/\.xml$/, '')
      const real = spawnSync('crm_mon', flags.split(' '), {encoding: 'utf8', env: {...process.env, CIB_file: file}})
      assert.equal(real.status, 0, `${name}: crm_mon ${flags}: ${real.stderr}`)
      const ours = await renderStatus((await loadCib(file)).cib, optionsFor(flags))
      const a = sections(real.stdout, xml)
      const b = sections(ours, xml)
      let same = [...a.keys()].join('|') === [...b.keys()].join('|')
      for (const [head, text] of a) {
        const counts = perSection.get(head) ?? [0, 0]
        counts[1]++
        if (b.get(head) === text) counts[0]++
        else {
          same = false
          const key = `${name}|${xml ? 'xml' : flags}|${head}`
          const anyFlags = `${name}|*|${head}`
          differing.add(KNOWN.has(anyFlags) ? anyFlags : key)
        }
        perSection.set(head, counts)
      }
      for (const head of b.keys()) if (!a.has(head)) differing.add(`${name}|${xml ? 'xml' : flags}|extra ${head}`)
      if (same) whole++
    }
    report.push(`crm_mon ${flags}: whole output ${whole}/${files.length}; ` + [...perSection].map(([h, [s, t]]) => `${h.replace(/:$/, '')} ${s}/${t}`).join(', '))
  }
  console.log(report.join('\n'))
  const unexpected = [...differing].filter((d) => !KNOWN.has(d))
  const fixed = [...KNOWN].filter((k) => !differing.has(k))
  assert.deepEqual(unexpected, [], 'sections that differ from crm_mon and are not in the known list')
  assert.deepEqual(fixed, [], 'known differences that now match: remove them from the list')
})
