/**
 * crm configure load: a change that adds verification errors is refused as crmsh refuses it, and
 * each error names its place in the loaded file (crm or XML), as crm verify --cib FILE does.
 */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fixturesDir, runCli} from '../../helpers/cli.js'

test('configure load: verification errors of the loaded file name file:line:col in it; nothing is committed', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hakit-load-'))
  try {
    const cib = join(dir, 'cib.xml')
    copyFileSync(join(fixturesDir, 'cib', 'sample-crmsh.xml'), cib)
    const before = readFileSync(cib, 'utf8')
    const crm = join(dir, 'bad.crm')
    writeFileSync(crm, 'primitive ok_one ocf:heartbeat:Dummy\nprimitive bad_one ocf:heartbeat:Dummy op monitor interval=5q\n')
    const xml = join(dir, 'bad.xml')
    writeFileSync(xml, '<cib><configuration><crm_config/><nodes/><resources>\n  <primitive id="bad_two" class="ocf" provider="heartbeat" type="Dummy"><operations><op id="bad_two-m" name="monitor" interval="9x"/></operations></primitive>\n</resources><constraints/></configuration></cib>\n')
    const cases: Array<[string, RegExp]> = [
      [crm, new RegExp(`^ERROR: ${crm}:2:11: interval of bad_one op monitor: "5q" is not a duration`)],
      [xml, new RegExp(`^ERROR: ${xml}:2:\\d+: interval of bad_two op monitor: "9x" is not a duration`)],
    ]
    for (const [file, expected] of cases) {
      const r = runCli(['crm', 'configure', 'load', 'update', file, '--cib', cib])
      assert.equal(r.status, 1, r.stderr)
      assert.match(r.stderr, expected)
      assert.match(r.stderr, /\nhakit: the change was not committed: 1 verification error \(--force commits anyway\)\n$/)
      assert.equal(readFileSync(cib, 'utf8'), before, 'nothing committed')
    }
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
})
