/**
 * crm status's flags through the CLI on a corpus CIB: --json carries the same status as the XML,
 * -o/-t/-n select their sections, a bad --output-as is a usage error (64, one line), and
 * without a terminal the command prints once even without -1.
 */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {join} from 'node:path'
import {runCli, sharedDir} from '../helpers/cli.js'

const cib = join(sharedDir, 'corpus', 'scheduler', 'failures', 'monitor-onfail-restart.xml')
const status = (...args: string[]) => runCli(['crm', 'status', ...args], {env: {CIB_file: cib}})

test('--json: the XML\'s status as one object', () => {
  const json = status('-1', '--json')
  assert.equal(json.status, 0, json.stderr)
  const data = JSON.parse(json.stdout).result as {
    summary: {currentDc: {name: string}; resourcesConfigured: {number: number}}
    nodes: {name: string; online: boolean}[]
    resources: {id: string; failed: boolean}[]
    failures: {opKey: string; node: string; exitstatus: string}[]
    nodeHistory: {node: string; resources: {id: string; failCount?: number; operations: unknown[]}[]}[]
  }
  const xml = status('-1', '--output-as', 'xml').stdout
  assert.equal(data.summary.currentDc.name, /<current_dc [^>]*name="([^"]+)"/.exec(xml)![1])
  assert.deepEqual(data.nodes.map((n) => [n.name, n.online]), [...xml.matchAll(/<node name="([^"]+)" id="[^"]*" online="(\w+)"/g)].map((m) => [m[1], m[2] === 'true']))
  assert.deepEqual(data.failures.map((f) => [f.opKey, f.node, f.exitstatus]), [['A_monitor_20000', 'fc16-builder', 'not running']])
  assert.equal(data.resources.find((r) => r.id === 'A')?.failed, true)
  assert.equal(data.nodeHistory[0]?.resources[0]?.failCount, 1)
  assert.equal(data.nodeHistory[0]?.resources[0]?.operations.length, 2)
})

test('-o -t adds the timed operation history, -n groups by node, -X is the XML', () => {
  const ops = status('-1', '-o', '-t').stdout
  assert.match(ops, /^Operations:\n {2}\* Node: fc16-builder:\n {4}\* A: migration-threshold=1000000 fail-count=1 last-failure='[^']+':\n {6}\* \(4\) monitor: interval="20000ms" last-rc-change="[^"]+" exec-time="10ms" queue-time="0ms" rc=0 \(ok\)$/m)
  assert.doesNotMatch(ops, /^Migration Summary:/m)
  const byNode = status('-1n').stdout
  assert.match(byNode, /^ {2}\* Node fc16-builder: online:\n {4}\* Resources:\n {6}\* A\t\(ocf:pacemaker:Dummy\):\t FAILED$/m)
  assert.doesNotMatch(byNode, /^(Active|Full List of) Resources:/m)
  assert.match(status('-1', '-X').stdout, /^<pacemaker-result api-version="2\.25" request="crm_mon -1 -X">/)
})

test('a bad --output-as: usage error 64, one line', () => {
  const r = status('-1', '--output-as', 'html')
  assert.equal(r.status, 64)
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr)
})

test('without a terminal, no -1 still prints once and exits', () => {
  const r = status()
  assert.equal(r.status, 0, r.stderr)
  assert.equal(r.stdout.match(/^Cluster Summary:$/gm)?.length, 1)
})
