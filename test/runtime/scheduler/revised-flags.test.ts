/**
 * The flags after a resource's state in the revised status ("(disabled, unmanaged, failure
 * ignored)", pcmk__native_output_string): crm_simulate re-reads the executed history without
 * scheduling, so a failed resource keeps its flags too, and only what unpacking sets shows (a
 * ticket's loss-policy=freeze, applied when scheduling, does not). Judged by crm_simulate -S on
 * suite cases, some with a resource's target-role set to Stopped.
 */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {haveCommand, sharedDir} from '../../helpers/cli.js'
import {parseCibXml} from '../../../src/formats/cib/xml.js'
import {renderSimulation, simulate} from '../../../src/runtime/scheduler/simulate.js'
import {sectionLines} from './summary-lines.js'

const suite = join(sharedDir, 'corpus', 'scheduler-full')

/** The suite case with target-role=Stopped on one primitive (or as it is). */
function suiteCib(name: string, disabledId?: string): string {
  const xml = readFileSync(join(suite, `${name}.xml`), 'utf8')
  if (!disabledId) return xml
  const open = new RegExp(`<primitive [^>]*id="${disabledId}"[^>]*>`).exec(xml)!
  return xml.replace(open[0], `${open[0]}<meta_attributes id="${disabledId}-m"><nvpair id="${disabledId}-m-target-role" name="target-role" value="Stopped"/></meta_attributes>`)
}

const CASES: Array<{name: string; disabled?: string; failed?: string; line: RegExp}> = [
  // a ticket's freeze made the resource unmanaged while scheduling: not in the re-read status
  {name: 'ticket-primitive-24', failed: 'node2', line: /^ +\* rsc1\t\(ocf:pacemaker:Dummy\):\t Stopped$/},
  // an ignored failure outlives the stop
  {name: 'bug-5069-op-enabled', disabled: 'A', line: /^ +\* A\t\(ocf:pacemaker:Dummy\):\t Stopped \(disabled, failure ignored\)$/},
  // a failed container keeps its flags
  {name: 'guest-node-host-dies', disabled: 'container1', line: /^ +\* container1\t\(ocf:heartbeat:VirtualDomain\):\t FAILED \(disabled\)$/},
]

test('revised status: a resource\'s flags as the re-read history leaves them', (t) => {
  if (!existsSync(suite)) return t.skip('scheduler-full corpus not present')
  const dir = mkdtempSync(join(tmpdir(), `hakit-revised-flags-${process.pid}-`))
  try {
    for (const c of CASES) {
      const xml = suiteCib(c.name, c.disabled)
      const ours = sectionLines(renderSimulation(simulate(parseCibXml(xml, 'cib.xml'), {execute: true, injections: {nodeFail: c.failed ? [c.failed] : []}})), 'Revised Cluster Status:') ?? []
      const line = ours.find((l) => c.line.test(l))
      assert.ok(line, `${c.name}: ${ours.join('\n')}`)
      if (!haveCommand('crm_simulate')) continue
      writeFileSync(join(dir, 'cib.xml'), xml)
      const real = spawnSync('crm_simulate', ['-x', join(dir, 'cib.xml'), '-S', ...(c.failed ? ['--node-fail', c.failed] : [])], {encoding: 'utf8', timeout: 120_000})
      assert.equal(real.status, 0, real.stderr)
      assert.ok((sectionLines(real.stdout, 'Revised Cluster Status:') ?? []).includes(line), `${c.name}: ${real.stdout}`)
    }
    if (!haveCommand('crm_simulate')) t.skip('crm_simulate is not installed: checked against the expected lines only')
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
})
