import {test} from 'node:test'
import assert from 'node:assert/strict'
import {parseAuthkeys} from '../../../src/formats/authkeys/index.js'
import {parseHaCf} from '../../../src/formats/hacf/index.js'
import {messagingConfigFrom} from '../../../src/runtime/messaging/from-legacy.js'

const authkeys = parseAuthkeys('auth 2\n1 crc\n2 sha1 SecretKey!\n3 md5 Hello!\n').model

test('ha.cf + authkeys → MessagingConfig with Heartbeat defaults and media expansion', () => {
  const cf = parseHaCf([
    'keepalive 500ms', 'deadtime 5', 'baud 38400', 'udpport 695',
    'bcast eth0 eth1', 'ucast eth2 10.0.0.2', 'mcast eth0 239.1.1.1 696 1 0', 'serial /dev/ttyS0',
    'udpport 700', // after the media: no effect on them (Heartbeat quirk)
    'ping 10.0.0.254', 'ping_group gw 10.0.0.1 10.0.0.3', 'node N1 n2', 'msgfmt netstring',
  ].join('\n')).model
  const c = messagingConfigFrom(cf, authkeys, {nodeName: 'N1', stateDir: '/tmp/x'})
  assert.equal(c.nodeName, 'n1')
  assert.deepEqual(c.nodes, ['n1', 'n2'])
  assert.equal(c.keepaliveMs, 500)
  assert.equal(c.deadtimeMs, 5000)
  assert.equal(c.warntimeMs, 2500)
  assert.equal(c.initdeadMs, 12000)
  assert.deepEqual(c.media, [
    {kind: 'bcast', iface: 'eth0', port: 695},
    {kind: 'bcast', iface: 'eth1', port: 695},
    {kind: 'ucast', iface: 'eth2', peer: '10.0.0.2', port: 695},
    {kind: 'mcast', iface: 'eth0', group: '239.1.1.1', port: 696, ttl: 1, loop: false},
    {kind: 'serial', device: '/dev/ttyS0', baud: 38400},
  ])
  assert.deepEqual(c.pingNodes, ['10.0.0.254'])
  assert.deepEqual(c.pingGroups, [{name: 'gw', hosts: ['10.0.0.1', '10.0.0.3']}])
  assert.equal(c.auth.activeIndex, 2)
  assert.deepEqual([...c.auth.keys.keys()], [1, 2, 3])
  assert.equal(c.msgfmt, 'netstring')
})
