import {test} from 'node:test'
import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import fc from 'fast-check'
import {fixturesDir} from '../../helpers/cli.js'
import {withoutPositions} from '../hacf/strip.js'
import {groupKey, groupsOf, isIpLike, parseHaresources, parseIpaddrSpec, preferredNodes, printHaresources} from '../../../src/formats/haresources/index.js'

const seed = (name: string) => join(fixturesDir, 'seeds', name, 'haresources')

test('groups, bare-IP shorthand, script::arg::arg, positions', () => {
  const {model, findings} = parseHaresources('# c\nn1 10.0.0.5/24/eth0\tFilesystem::/dev/sda1::/data1::ext2  httpd # web\n', 'h')
  assert.deepEqual(findings, [])
  assert.equal(model.groups.length, 1)
  const g = model.groups[0]
  assert.equal(g.node, 'n1')
  assert.equal(g.comment, ' web')
  assert.deepEqual(g.location, {file: 'h', line: 2, column: 1})
  assert.deepEqual(
    g.resources.map((r) => [r.script, r.args, r.ipShorthand, r.location.column]),
    [
      ['IPaddr', ['10.0.0.5/24/eth0'], true, 4],
      ['Filesystem', ['/dev/sda1', '/data1', 'ext2'], false, 21],
      ['httpd', [], false, 58],
    ],
  )
  assert.equal(groupKey(g), '10.0.0.5/24/eth0')
  assert.deepEqual(model.entries.map((e) => e.kind), ['comment', 'group'])
})

test('ResourceManager IP glob and IPaddr spec splitting', () => {
  assert.equal(isIpLike('10.0.0.1'), true)
  assert.equal(isIpLike('1.2.3.4/24'), true)
  assert.equal(isIpLike('1.2.3'), false)
  assert.equal(isIpLike('httpd'), false)
  assert.deepEqual(parseIpaddrSpec('135.9.8.7/24/eth0/135.9.8.210'), {ip: '135.9.8.7', netmask: '24', nic: 'eth0', broadcast: '135.9.8.210', trailingSlash: false})
  assert.deepEqual(parseIpaddrSpec('135.9.8.7/24/135.9.8.210'), {ip: '135.9.8.7', netmask: '24', broadcast: '135.9.8.210', trailingSlash: false})
  assert.deepEqual(parseIpaddrSpec('192.168.60.200/24/eth0/'), {ip: '192.168.60.200', netmask: '24', nic: 'eth0', trailingSlash: true})
})

test('backslash continuation joins lines without adding a space', () => {
  const {model, findings} = parseHaresources('n1 a \\\n  b\\\nc d\nn2 e\n')
  assert.deepEqual(findings, [])
  assert.deepEqual(model.groups.map((g) => [g.node, g.resources.map((r) => r.raw), g.location.line, g.endLine]), [
    ['n1', ['a', 'bc', 'd'], 1, 3],
    ['n2', ['e'], 4, 4],
  ])
  assert.deepEqual(model.groups[0].resources[1].location, {file: 'haresources', line: 2, column: 3})
})

test('a comment on a continued line is not stripped (ResourceManager quirk) and is reported', () => {
  const {model, findings} = parseHaresources('n1 a \\\n  b # web server\n')
  assert.deepEqual(model.groups[0].resources.map((r) => r.raw), ['a', 'b', '#', 'web', 'server'])
  assert.deepEqual(findings.map((f) => [f.id, f.location?.line, f.location?.column]), [['haresources-comment-in-continuation', 2, 5]])
})

test('a backslash followed by blanks or CR does not continue the line', () => {
  const {model, findings} = parseHaresources('n1 a \\  \nn2 b\r\n')
  assert.deepEqual(model.groups.map((g) => g.node), ['n1', 'n2'])
  assert.deepEqual(findings.map((f) => f.id), ['haresources-continuation-space', 'haresources-crlf'])
  assert.equal(model.groups[1].resources[0].raw, 'b\r')
})

test('a node without resources is reported', () => {
  const {findings} = parseHaresources('n1\n')
  assert.deepEqual(findings.map((f) => f.id), ['haresources-empty-group'])
})

test('every seed haresources parses', () => {
  const centos = parseHaresources(readFileSync(seed('000-centos-drbd-httpd'), 'utf8')).model
  assert.deepEqual(preferredNodes(centos), ['host1'])
  assert.equal(groupsOf(centos, 'HOST1').length, 2)
  assert.deepEqual(centos.groups[0].resources.map((r) => r.script), ['IPaddr', 'drbddisk', 'Filesystem', 'httpd'])
  const annotated = parseHaresources(readFileSync(seed('001-annotated-node1'), 'utf8')).model
  assert.deepEqual(annotated.groups[0].resources.map((r) => r.raw), ['IPaddr::192.168.60.200/24/eth0/', 'Filesystem::/dev/sdb5::/webdata::ext3', 'httpd', 'tomcat'])
  const debian = parseHaresources(readFileSync(seed('003-debian-drbd07'), 'utf8')).model
  assert.deepEqual(debian.groups[0].resources.map((r) => [r.script, r.args]), [['IPaddr', ['192.168.0.222']], ['drbdisk', ['drbd0']]])
  for (const m of [centos, annotated, debian]) assert.deepEqual(withoutPositions(parseHaresources(printHaresources(m)).model), withoutPositions(m))
})

const token = fc.stringMatching(/^[A-Za-z0-9_./:@#\\-]{1,14}$/)
const physicalLine = fc.oneof(
  fc.tuple(fc.array(token, {minLength: 1, maxLength: 5}), fc.constantFrom(' ', '\t', '  ', ' \t '), fc.option(fc.stringMatching(/^[^\n]{0,15}$/)), fc.boolean()).map(
    ([words, sep, comment, cont]) => `${words.join(sep)}${comment === null ? '' : ' #' + comment}${cont ? ' \\' : ''}`,
  ),
  fc.stringMatching(/^[^\n]{0,15}$/).map((c) => `#${c}`),
  fc.constant(''),
)

test('property: parse → print → parse gives the same model (generated files)', () => {
  fc.assert(
    fc.property(fc.array(physicalLine, {maxLength: 12}), (lines) => {
      const first = parseHaresources(lines.join('\n')).model
      const second = parseHaresources(printHaresources(first)).model
      assert.deepEqual(withoutPositions(second), withoutPositions(first))
    }),
    {numRuns: 400},
  )
})

test('property: any text parses without throwing and round-trips', () => {
  fc.assert(
    fc.property(fc.oneof(fc.string({unit: 'binary', maxLength: 200}), fc.string({unit: fc.constantFrom('a', ' ', '\t', '\\', '#', '\n', '\r', '1', '.', ':'), maxLength: 60})), (text) => {
      const {model} = parseHaresources(text)
      for (const g of model.groups) assert.ok(g.node.length > 0)
      assert.deepEqual(withoutPositions(parseHaresources(printHaresources(model)).model), withoutPositions(model))
    }),
    {numRuns: 500},
  )
})
