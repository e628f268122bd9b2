import {test} from 'node:test'
import assert from 'node:assert/strict'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {projectRoot} from '../helpers/cli.js'
import {RULES} from '../../src/lint/rules.js'

test('every rule id is kebab-case and listed in docs/lint.md with its severity', () => {
  const doc = readFileSync(join(projectRoot, 'docs', 'lint.md'), 'utf8')
  for (const [id, rule] of Object.entries(RULES)) {
    assert.match(id, /^[a-z0-9]+(-[a-z0-9]+)+$/)
    const row = doc.split('\n').find((line) => line.startsWith(`| \`${id}\` |`))
    assert.ok(row, `${id} missing from docs/lint.md`)
    assert.ok(row.includes(`| ${rule.severity}`), `${id}: severity in docs/lint.md`)
  }
})

test('docs/lint.md lists no rule that does not exist', () => {
  const doc = readFileSync(join(projectRoot, 'docs', 'lint.md'), 'utf8')
  const listed = [...doc.matchAll(/^\| `([a-z0-9-]+)` \|/gm)].map((m) => m[1])
  const known = new Set(Object.keys(RULES))
  for (const id of listed) if (!id.startsWith('drbd')) assert.ok(known.has(id), `${id} is not a rule`)
})
