import {mkdirSync, mkdtempSync, writeFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import type {SystemView} from '../../src/lint/system.js'

/**
 * A throw-away machine for live checks: a resource.d with the usual
 * heartbeat scripts, an init.d, passwd/group files and one heartbeat
 * program directory, all under a temporary root.
 */
export function fakeSystem(options: {scripts?: string[]; initScripts?: string[]; programs?: string[]; interfaces?: string[]} = {}): SystemView & {cleanup(): void} {
  const root = mkdtempSync(join(tmpdir(), 'hakit-lint-'))
  const resourceDir = join(root, 'etc/ha.d/resource.d')
  const initDir = join(root, 'etc/init.d')
  mkdirSync(resourceDir, {recursive: true})
  mkdirSync(initDir, {recursive: true})
  mkdirSync(join(root, 'usr/libexec/heartbeat'), {recursive: true})
  for (const s of options.scripts ?? ['IPaddr', 'IPaddr2', 'Filesystem', 'drbddisk', 'MailTo']) writeFileSync(join(resourceDir, s), '#!/bin/sh\n', {mode: 0o755})
  for (const s of options.initScripts ?? ['httpd']) writeFileSync(join(initDir, s), '#!/bin/sh\n', {mode: 0o755})
  writeFileSync(join(resourceDir, 'notexec'), '#!/bin/sh\n', {mode: 0o644})
  for (const p of options.programs ?? ['/usr/libexec/heartbeat/ipfail']) writeFileSync(join(root, p), '#!/bin/sh\n', {mode: 0o755})
  writeFileSync(join(root, 'etc/passwd'), 'root:x:0:0::/root:/bin/sh\nhacluster:x:100:101::/var/lib/heartbeat:/bin/false\n')
  writeFileSync(join(root, 'etc/group'), 'root:x:0:\nhaclient:x:101:\n')
  return {
    offline: false,
    resourceDirs: [resourceDir, initDir],
    root,
    programDirs: ['/usr/lib/heartbeat', '/usr/libexec/heartbeat'],
    interfaces: options.interfaces ?? ['eth0'],
    cleanup: () => rmSync(root, {recursive: true, force: true}),
  }
}
