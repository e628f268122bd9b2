import {test} from 'node:test'
import assert from 'node:assert/strict'
import {join} from 'node:path'
import {fixturesDir, runCli} from '../../helpers/cli.js'

const sampleXml = join(fixturesDir, 'cib', 'sample-crmsh.xml')

test('prints a CIB file as crm syntax (--cib or CIB_file)', () => {
  const r = runCli(['crm', 'configure', 'show', '--cib', sampleXml])
  assert.equal(r.status, 0, r.stderr)
  assert.match(r.stdout, /^node 1: alpha\n/)
  assert.match(r.stdout, /\nms ms-db db \\\n\tmeta notify=true clone-max=2\n/)
  const env = runCli(['crm', 'configure', 'show'], {env: {CIB_file: sampleXml}})
  assert.equal(env.stdout, r.stdout)
})

test('--xml prints normalised XML that reads back; a crm file works as input', () => {
  const r = runCli(['crm', 'configure', 'show', '--xml', '--cib', join(fixturesDir, 'cib', 'sample.crm')])
  assert.equal(r.status, 0, r.stderr)
  assert.match(r.stdout, /^<cib /)
  assert.match(r.stdout, /<primitive id="vip" class="ocf" provider="heartbeat" type="IPaddr2">/)
  assert.match(r.stdout, /<nvpair id="vip-instance_attributes-ip" name="ip" value="192.168.10.10"\/>/)
})

test('unreadable input: exit 2, one line', () => {
  const r = runCli(['crm', 'configure', 'show', '--cib', '/nonexistent/cib.xml'])
  assert.equal(r.status, 2)
  assert.match(r.stderr, /^hakit: \/nonexistent\/cib\.xml: no such file or directory\n$/)
})

test('colours by syntax role when asked (FORCE_COLOR), plain otherwise', () => {
  const plain = runCli(['crm', 'configure', 'show', '--cib', sampleXml])
  const r = runCli(['crm', 'configure', 'show', '--cib', sampleXml], {env: {NO_COLOR: '', FORCE_COLOR: '1'}})
  assert.equal(r.status, 0)
  assert.match(r.stdout, /\x1b\[33mprimitive\x1b\[39m vip/)
  assert.equal(r.stdout.replace(/\x1b\[\d+m/g, ''), plain.stdout)
})
