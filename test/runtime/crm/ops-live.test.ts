/**
 * crm resource move/clear and crm node standby/online against two real
 * `hakit run --crm` daemons on loopback (the CrmLab of the daemon tests):
 * the command goes over the local socket, and the cluster converges to the
 * placement the change asks for. Asserts placements, never times.
 */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {existsSync} from 'node:fs'
import {join} from 'node:path'
import {projectRoot, runCli} from '../../helpers/cli.js'
import {CrmLab} from './crm-lab.js'

const haveDummy = existsSync('/usr/lib/ocf/resource.d/pacemaker/Dummy')
const built = existsSync(join(projectRoot, 'dist', 'bundle'))
const skip = !haveDummy ? 'ocf:pacemaker:Dummy is not installed (pacemaker-resource-agents)' : !built ? 'dist/ is not built (npm run build)' : false

const crm = ['node n1', 'node n2', 'primitive d1 ocf:pacemaker:Dummy op monitor interval=2s timeout=20s', 'property stonith-enabled=false', 'property dc-deadtime=5s'].join('\n') + '\n'

async function runsOn(lab: CrmLab, rsc: string, node: string, label: string): Promise<void> {
  await lab.waitFor(`${label}: ${rsc} active only on ${node}`, () => {
    const where = lab.placement().get(rsc) ?? []
    return where.length === 1 && where[0] === node
  })
}

test('live: move → converges to the target; clear removes the constraint; standby empties a node; online', {skip}, async () => {
  const lab = new CrmLab({cib: crm})
  try {
    lab.start('n1')
    lab.start('n2')
    const first = await lab.activeOnce('d1')
    const other = first === 'n1' ? 'n2' : 'n1'
    const socket = lab.node('n1').socket
    const hakit = (...args: string[]) => {
      const r = runCli(['crm', ...args, '--socket', socket], {env: {CIB_file: ''}})
      assert.equal(r.status, 0, `crm ${args.join(' ')}: ${r.stderr}\n${lab.describe()}`)
      return r.stdout
    }

    assert.match(hakit('resource', 'move', 'd1', other), /Move constraint created for d1 to/)
    await runsOn(lab, 'd1', other, 'after move')
    assert.match(hakit('resource', 'status', 'd1'), new RegExp(`resource d1 is running on: ${other}`))

    hakit('resource', 'clear', 'd1')
    await lab.waitFor('cli-prefer-d1 gone on both nodes', async () => {
      const cibs = await Promise.all(['n1', 'n2'].map((n) => lab.cib(n)))
      return cibs.every((c) => !c.constraints.some((x) => x.id.startsWith('cli-')))
    })

    const holder = lab.placement().get('d1')![0]!
    const spare = holder === 'n1' ? 'n2' : 'n1'
    assert.match(hakit('node', 'standby', holder), new RegExp(`standby node ${holder}`))
    await runsOn(lab, 'd1', spare, 'after standby')
    hakit('node', 'online', holder)
    await lab.waitFor(`${holder} standby=off in the CIB`, async () => {
      const cib = await lab.cib(spare)
      return cib.nodes.find((n) => n.uname === holder)?.instanceAttributes.some((s) => s.pairs.some((p) => p.name === 'standby' && p.value === 'off')) ?? false
    })
    // d1 stays active exactly once throughout
    assert.equal(lab.placement().get('d1')?.length, 1)
  } finally {
    await lab.cleanup()
  }
})
