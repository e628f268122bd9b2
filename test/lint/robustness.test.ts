import {test, before, after} from 'node:test'
import assert from 'node:assert/strict'
import {chmodSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import fc from 'fast-check'
import {UserError} from '../../src/core/errors.js'
import {parseAuthkeys} from '../../src/formats/authkeys/parse.js'
import {parseHaCf} from '../../src/formats/hacf/parse.js'
import {nodeNames} from '../../src/formats/hacf/accessors.js'
import {parseHaresources} from '../../src/formats/haresources/parse.js'
import {lintAuthkeys} from '../../src/lint/authkeys.js'
import {lintHaCf} from '../../src/lint/hacf.js'
import {lintHaresources} from '../../src/lint/haresources.js'
import {lintAuthkeysPath, lintHaCfPath, lintHaresourcesPath} from '../../src/lint/files.js'
import {RULES} from '../../src/lint/rules.js'

let tmp: string
before(() => {
  tmp = mkdtempSync(join(tmpdir(), 'hakit-robust-'))
})
after(() => rmSync(tmp, {recursive: true, force: true}))

/** Text made of the characters these formats care about, so the linters see lots of near-valid input. */
const configText = fc.oneof(
  fc.string({unit: 'binary', maxLength: 300}),
  fc.string({unit: fc.constantFrom('auth ', 'node ', 'n1 ', 'keepalive ', 'deadtime ', '1', '2', 's', 'ms', ' ', '\t', '\n', '#', '\\', ':', '::', '.', '/', 'sha1 ', 'crc', 'md5 ', 'IPaddr', 'ucast ', 'eth0 ', '10.0.0.1', '\r', ','), maxLength: 80}),
)

test('property: parsing and linting any text never throws, and every finding id is a known rule', () => {
  const known = new Set(Object.keys(RULES))
  fc.assert(
    fc.property(configText, configText, configText, (a, b, c) => {
      const cf = parseHaCf(a, 'ha.cf')
      const hr = parseHaresources(b, 'haresources')
      const ak = parseAuthkeys(c, 'authkeys')
      const findings = [
        ...cf.findings,
        ...lintHaCf(cf.model, {haresourcesPresent: true}),
        ...hr.findings,
        ...lintHaresources(hr.model, {haNodes: nodeNames(cf.model)}),
        ...ak.findings,
        ...lintAuthkeys(ak.model, {mode: 0o100600, uid: 0}),
      ]
      for (const f of findings) {
        assert.ok(known.has(f.id), f.id)
        assert.ok(['error', 'warning', 'info'].includes(f.severity))
        if (f.location) assert.ok(f.location.line >= 1 && f.location.column >= 1, JSON.stringify(f))
      }
    }),
    {numRuns: 300},
  )
})

test('property: arbitrary bytes in a file give findings or a one-line UserError, nothing else', async () => {
  let n = 0
  await fc.assert(
    fc.asyncProperty(fc.uint8Array({maxLength: 200}), async (bytes) => {
      const path = join(tmp, `f${n++}`)
      writeFileSync(path, bytes)
      chmodSync(path, 0o600)
      for (const lint of [lintAuthkeysPath, lintHaCfPath, lintHaresourcesPath]) {
        try {
          const findings = await lint(path, {offline: true})
          assert.ok(Array.isArray(findings))
        } catch (error) {
          assert.ok(error instanceof UserError, String(error))
          assert.equal(error.exitCode, 2)
          assert.ok(!error.message.includes('\n'))
        }
      }
    }),
    {numRuns: 100},
  )
})
