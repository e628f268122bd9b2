/**
 * hakit's action graph (`crm simulate --json --graph`, what the CRM controller executes) against
 * crm_simulate 2.1.5's transition graph (-G) on the 152 public corpus cases and the whole
 * cts/scheduler suite: the same actions (operation key, node) and the same ordering edges
 * (graph-compare.ts names them; ids differ). crm_simulate's graphs are generated once and cached
 * (graph-oracle.ts). Cases that differ are in graph-known-failures.json with the first difference;
 * a new difference fails the test, and so does a listed case that now matches. The clone
 * notification variables (CRM_meta_notify_*) of the actions both graphs have are compared too
 * (graph-notify-known-failures.json, kept the same way).
 */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {existsSync, readdirSync, readFileSync, statSync} from 'node:fs'
import {join, relative} from 'node:path'
import {sharedDir} from '../../helpers/cli.js'
import {parseCibXml} from '../../../src/formats/cib/xml.js'
import {schedule} from '../../../src/runtime/scheduler/index.js'
import {describeDiff, diffGraphs, diffNotifyVariables, hakitNamedGraph, oracleNamedGraph, sameGraph} from './graph-compare.js'
import {haveCrmSimulate, oracleGraph} from './graph-oracle.js'

const corpus = join(sharedDir, 'corpus')
const knownFailures: Record<string, string> = JSON.parse(readFileSync(new URL('graph-known-failures.json', import.meta.url), 'utf8'))
const knownNotifyFailures: Record<string, string> = JSON.parse(readFileSync(new URL('graph-notify-known-failures.json', import.meta.url), 'utf8'))

function inputs(dir: string): string[] {
  const out: string[] = []
  const walk = (d: string) => {
    for (const f of readdirSync(d).sort()) {
      const p = join(d, f)
      if (statSync(p).isDirectory()) walk(p)
      else if (f.endsWith('.xml')) out.push(p)
    }
  }
  walk(dir)
  return out
}

for (const set of ['scheduler', 'scheduler-full']) {
  test(`action graph equals crm_simulate -G: ${set}`, {timeout: 1_800_000}, (t) => {
    const dir = join(corpus, set)
    if (!existsSync(dir)) return t.skip(`${dir} not present`)
    if (!haveCrmSimulate()) return t.skip('crm_simulate (pacemaker-cli-utils) not installed')
    const unexpected: string[] = []
    const nowMatching: string[] = []
    let same = 0
    // the notification variables the graph gives each notify action and each operation notified about
    const unexpectedNotify: string[] = []
    const nowMatchingNotify: string[] = []
    let notifyCases = 0
    let notifySame = 0
    let total = 0
    for (const file of inputs(dir)) {
      const oracle = oracleGraph(file)
      if (oracle === '') continue // not a scheduler input (crm_simulate refuses it)
      const name = `${set}/${relative(dir, file).slice(0, -4)}`
      total++
      let detail: string
      try {
        const expected = oracleNamedGraph(oracle)
        const transition = schedule(parseCibXml(readFileSync(file, 'utf8'), file))
        const d = diffGraphs(expected, hakitNamedGraph(transition))
        detail = sameGraph(d) ? '' : describeDiff(d)
        if (oracle.includes('CRM_meta_notify_')) {
          notifyCases++
          const notifyDiff = diffNotifyVariables(oracle, transition)
          if (notifyDiff.length === 0) notifySame++
          if (notifyDiff.length === 0 && name in knownNotifyFailures) nowMatchingNotify.push(name)
          if (notifyDiff.length > 0 && !(name in knownNotifyFailures)) unexpectedNotify.push(`${name}: ${notifyDiff[0]}`)
        }
      } catch (error) {
        detail = `threw ${(error as Error).message}`
      }
      if (detail === '') same++
      if (detail === '' && name in knownFailures) nowMatching.push(name)
      if (detail !== '' && !(name in knownFailures)) unexpected.push(`${name}: ${detail}`)
    }
    t.diagnostic(`same graph: ${same}/${total}; same notification variables: ${notifySame}/${notifyCases}`)
    assert.deepEqual(unexpected, [], 'graphs that differ and are not in graph-known-failures.json')
    assert.deepEqual(nowMatching, [], 'graphs that now match: remove them from graph-known-failures.json')
    assert.deepEqual(unexpectedNotify, [], 'notification variables that differ and are not in graph-notify-known-failures.json')
    assert.deepEqual(nowMatchingNotify, [], 'notification variables that now match: remove them from graph-notify-known-failures.json')
  })
}
