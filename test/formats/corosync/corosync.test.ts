import {test} from 'node:test'
import assert from 'node:assert/strict'
import {checkCorosyncConf, parseCorosyncConf, printCorosyncConf, sections, value} from '../../../src/formats/corosync/index.js'
import {UserError} from '../../../src/core/errors.js'

const sample = `# comment
totem {
    version: 2
    cluster_name: web
    transport: knet
    crypto_cipher: aes256
    crypto_hash: sha256
    interface {
        linknumber: 0
    }
}

nodelist {
    node {
        ring0_addr: 10.0.0.1
        name: a
        nodeid: 1
    }
    node {
        ring0_addr: 10.0.0.2
        name: b
        nodeid: 2
    }
}

quorum {
    provider: corosync_votequorum
    two_node: 1
}
`

test('parse keeps structure and positions; print round-trips', () => {
  const conf = parseCorosyncConf(sample, 'c.conf')
  const totem = sections(conf, 'totem')[0]!
  assert.equal(value(totem, 'cluster_name'), 'web')
  assert.deepEqual(totem.location, {file: 'c.conf', line: 2, column: 1})
  const node = sections(sections(conf, 'nodelist')[0]!, 'node')[1]!
  assert.equal(value(node, 'ring0_addr'), '10.0.0.2')
  assert.equal(node.items[0]!.location?.line, 20)
  assert.equal(node.items[0]!.location?.column, 9)
  const printed = printCorosyncConf(conf)
  assert.deepEqual(parseCorosyncConf(printed, 'x'), parseCorosyncConf(printed, 'x'))
  assert.equal(printCorosyncConf(parseCorosyncConf(printed, 'x')), printed)
  assert.deepEqual(checkCorosyncConf(conf), [])
})

test('syntax errors name file:line:column', () => {
  assert.throws(() => parseCorosyncConf('totem {\n  version 2\n}\n', 'c.conf'), (e: unknown) => e instanceof UserError && /c\.conf:2:3/.test(e.message))
  assert.throws(() => parseCorosyncConf('totem {\n', 'c.conf'), /c\.conf:1:1: section 'totem' is not closed/)
  assert.throws(() => parseCorosyncConf('}\n', 'c.conf'), /c\.conf:1:1/)
})

test('the check finds what corosync -t ignores and what it refuses', () => {
  const bad = parseCorosyncConf(
    sample
      .replace('cluster_name: web', 'cluster_nmae: web')
      .replace('version: 2', 'version: 1')
      .replace('nodeid: 2', 'nodeid: 1')
      .replace('crypto_hash: sha256', 'crypto_hash: none'),
    'c.conf',
  )
  const f = checkCorosyncConf(bad, 'c.conf')
  const ids = f.map((x) => `${x.id}@${x.location?.line ?? 0}`)
  assert.ok(ids.includes('corosync-unknown-key@4'), ids.join())
  assert.ok(ids.some((i) => i.startsWith('corosync-totem-version')))
  assert.ok(ids.some((i) => i.startsWith('corosync-nodeid')))
  assert.ok(ids.some((i) => i.startsWith('corosync-crypto')))
  const three = parseCorosyncConf(sample.replace('nodelist {', 'nodelist {\n    node {\n        ring0_addr: 10.0.0.3\n        nodeid: 3\n    }'), 'c.conf')
  assert.ok(checkCorosyncConf(three).some((x) => x.id === 'corosync-two-node'))
  const udpCrypto = parseCorosyncConf(sample.replace('transport: knet', 'transport: udpu'), 'c.conf')
  assert.ok(checkCorosyncConf(udpCrypto).some((x) => x.id === 'corosync-crypto'))
})
