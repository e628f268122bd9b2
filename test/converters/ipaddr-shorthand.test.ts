import {test} from 'node:test'
import assert from 'node:assert/strict'
import {dottedMaskToPrefix, isIpv6, looksLikeBareIp, splitIpShorthand} from '../../src/converters/haresources/ipaddr-shorthand.js'

// converting.md §1.3: results of the actual IPaddr wrapper code.
const table: Array<[string, {ip: string; netmask?: string; nic?: string; broadcast?: string}]> = [
  ['192.168.0.1', {ip: '192.168.0.1'}],
  ['192.168.0.1/24', {ip: '192.168.0.1', netmask: '24'}],
  ['192.168.0.1/24/eth0', {ip: '192.168.0.1', netmask: '24', nic: 'eth0'}],
  ['192.168.0.1/24/eth0:0', {ip: '192.168.0.1', netmask: '24', nic: 'eth0:0'}],
  ['192.168.0.1/24/eth0/192.168.0.255', {ip: '192.168.0.1', netmask: '24', nic: 'eth0', broadcast: '192.168.0.255'}],
  ['192.168.0.1/24/192.168.0.255', {ip: '192.168.0.1', netmask: '24', broadcast: '192.168.0.255'}],
  ['192.168.0.1/255.255.255.0', {ip: '192.168.0.1', netmask: '255.255.255.0'}],
  ['10.0.30.15//8/eth0:10', {ip: '10.0.30.15', netmask: '8', nic: 'eth0:10'}],
  ['192.168.0.1/eth0', {ip: '192.168.0.1', netmask: 'eth0'}],
  ['192.168.0.1//eth0', {ip: '192.168.0.1', netmask: 'eth0'}],
  ['192.168.0.1/24/eth0.5/192.168.1.1', {ip: '192.168.0.1', netmask: '24', nic: 'eth0.5', broadcast: '192.168.1.1'}],
  ['192.168.0.1/24/', {ip: '192.168.0.1', netmask: '24'}],
  ['192.168.0.1/24//', {ip: '192.168.0.1', netmask: '24'}],
  ['192.168.60.200/24/eth0/', {ip: '192.168.60.200', netmask: '24', nic: 'eth0'}],
  ['1.2.3.4/24/eth0/1.2.3.255', {ip: '1.2.3.4', netmask: '24', nic: 'eth0', broadcast: '1.2.3.255'}],
]

for (const [token, expected] of table) {
  test(`IPaddr shorthand ${token}`, () => {
    assert.deepEqual(splitIpShorthand(token), expected)
  })
}

test('dotted masks become prefix lengths; non-contiguous ones are refused', () => {
  assert.equal(dottedMaskToPrefix('255.255.255.0'), 24)
  assert.equal(dottedMaskToPrefix('255.255.255.255'), 32)
  assert.equal(dottedMaskToPrefix('255.0.0.0'), 8)
  assert.equal(dottedMaskToPrefix('0.0.0.0'), 0)
  assert.equal(dottedMaskToPrefix('255.0.255.0'), undefined)
  assert.equal(dottedMaskToPrefix('255.255.256.0'), undefined)
})

test("heartbeat's isip glob", () => {
  assert.ok(looksLikeBareIp('10.0.0.1'))
  assert.ok(looksLikeBareIp('10.0.0.1/24/eth0'))
  assert.ok(!looksLikeBareIp('httpd'))
  assert.ok(!looksLikeBareIp('2001:db8::1'))
  assert.ok(!looksLikeBareIp('Filesystem::/dev/sda1'))
})

test('IPv6 literals', () => {
  assert.ok(isIpv6('2001:0db8:0000:0000:0000:0000:0000:0010'))
  assert.ok(isIpv6('2001:db8::1'))
  assert.ok(isIpv6('::1'))
  assert.ok(!isIpv6('2001:db8::1::2'))
  assert.ok(!isIpv6('10.0.0.1'))
  assert.ok(!isIpv6('1:2:3:4:5:6:7'))
})
