/**
 * Suite cases whose remote connection failed, with that connection made unmanaged (is-managed=false,
 * or the cluster in maintenance mode), with and without its host failing: every section of
 * hakit's `crm simulate -S` against the installed crm_simulate's.
 */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {existsSync, mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {haveCommand, sharedDir} from '../../helpers/cli.js'
import {compareWithCrmSimulate, suiteFailedConnections, type Comparison} from './unmanaged-remote.js'

const suite = join(sharedDir, 'corpus', 'scheduler-full')

/** Mutations that still differ, with why (each its own mechanism, not the connection's management). */
const KNOWN: Record<string, string> = {
  'remote-fence-unclean-3.xml overcloud-novacompute-0@overcloud-controller-0 is-managed --node-fail overcloud-controller-0': "a bundle clone's instances walked in another order (a post-fencing notification confirmed a pass early)",
  'remote-fence-unclean-3.xml overcloud-novacompute-0@overcloud-controller-0 maintenance-mode --node-fail overcloud-controller-0': 'revised status lists a bundle whose only replica is on the unclean host',
  'remote-partial-migrate.xml pcmk_remote5@pcmk3 is-managed --node-fail pcmk3': 'revised status: a resource active on two remote nodes shown on one',
  'remote-partial-migrate.xml pcmk_remote5@pcmk1 is-managed --node-fail pcmk1': 'revised status: a resource active on two remote nodes shown on one',
}

test('unmanaged failed remote connections, host up and failed: status, transition and Executing list as crm_simulate -S', (t) => {
  if (!existsSync(suite)) return t.skip('scheduler-full corpus not present')
  if (!haveCommand('crm_simulate')) return t.skip('crm_simulate is not installed')
  const dir = mkdtempSync(join(tmpdir(), `hakit-unmanaged-remote-${process.pid}-`))
  const compared: Comparison[] = []
  try {
    for (const f of suiteFailedConnections(suite)) {
      for (const how of ['is-managed', 'maintenance-mode'] as const) {
        for (const hostFails of [false, true]) {
          const c = compareWithCrmSimulate(f, f.xml, how, hostFails, join(dir, f.case))
          if (c) compared.push(c)
        }
      }
    }
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
  // 14 failed connection/host pairs in 11 suite cases, four mutations each, less those crm_simulate rejects (4)
  assert.ok(compared.length >= 48, `only ${compared.length} mutations compared`)
  const differing = compared.filter((c) => c.differences.length > 0)
  const described = differing.filter((c) => !(c.name in KNOWN)).map((c) => `${c.name}: ${c.differences.map((d) =>
    `${d.section}\n  crm_simulate: ${JSON.stringify(d.expected)}\n  hakit:        ${JSON.stringify(d.got)}`).join('\n')}`)
  assert.deepEqual(described, [], described.join('\n\n'))
  // a listed mutation that now matches leaves the list
  assert.deepEqual(Object.keys(KNOWN).filter((name) => !differing.some((c) => c.name === name)), [])
})
