/**
 * Every command that has --json prints the one envelope of docs/json.md
 * (src/cli/json.ts). The commands are read from oclif's manifest, so a new
 * --json gets caught: it needs a recipe below (arguments on fixtures) and its
 * output must validate. The validator is small and local (no schema library).
 */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {existsSync, mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fixturesDir, projectRoot, runCli} from '../helpers/cli.js'
import {jsonEnvelope} from '../../src/cli/json.js'

const built = existsSync(join(projectRoot, 'dist', 'bundle'))
const skip = built ? false : 'dist/ is not built (npm run build)'

type Json = null | boolean | number | string | Json[] | {[key: string]: Json}
const isObject = (v: unknown): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v)

/** What is wrong with `text` as an envelope of `command` that exited with `status`; [] when valid. */
export function envelopeProblems(text: string, command: string, status: number | null): string[] {
  let doc: unknown
  try {
    doc = JSON.parse(text)
  } catch (error) {
    return [`stdout is not one JSON document: ${(error as Error).message}`]
  }
  if (!isObject(doc)) return ['the document is not an object']
  const problems: string[] = []
  const allowed = new Set(['hakit', 'command', 'ok', 'exitCode', 'result', 'findings', 'error'])
  for (const key of Object.keys(doc)) if (!allowed.has(key)) problems.push(`unknown top-level field "${key}"`)
  if (doc.hakit !== 'json/1') problems.push(`hakit is ${JSON.stringify(doc.hakit)}, not "json/1"`)
  if (doc.command !== command) problems.push(`command is ${JSON.stringify(doc.command)}, not "${command}"`)
  if (!Number.isInteger(doc.exitCode)) problems.push('exitCode is not an integer')
  else if (doc.exitCode !== status) problems.push(`exitCode ${doc.exitCode} but the process exited ${status}`)
  if (doc.ok !== (doc.exitCode === 0)) problems.push(`ok is ${JSON.stringify(doc.ok)} with exitCode ${doc.exitCode}`)
  if (!('result' in doc)) problems.push('no result field')
  if (!Array.isArray(doc.findings)) problems.push('findings is not an array')
  else {
    doc.findings.forEach((f, i) => {
      if (!isObject(f)) return problems.push(`findings[${i}] is not an object`)
      const keys = Object.keys(f).sort().join(',')
      if (keys !== 'column,file,id,line,message,severity') problems.push(`findings[${i}] has fields ${keys}`)
      if (!(typeof f.file === 'string' || f.file === null)) problems.push(`findings[${i}].file`)
      for (const k of ['line', 'column']) if (!(Number.isInteger(f[k]) || f[k] === null)) problems.push(`findings[${i}].${k}`)
      if (!['error', 'warning', 'info'].includes(f.severity as string)) problems.push(`findings[${i}].severity ${JSON.stringify(f.severity)}`)
      if (typeof f.id !== 'string' || typeof f.message !== 'string') problems.push(`findings[${i}].id/message`)
    })
  }
  if ('error' in doc) {
    if (!isObject(doc.error) || typeof doc.error.message !== 'string' || Object.keys(doc.error).length !== 1) problems.push('error is not {message: string}')
    if (doc.result !== null) problems.push('an error envelope has a result')
    if (doc.ok) problems.push('an error envelope says ok')
  }
  return problems
}

const work = mkdtempSync(join(tmpdir(), 'hakit-json-'))
test.after(() => rmSync(work, {recursive: true, force: true}))
const example = join(fixturesDir, 'example-cluster')
const sampleXml = join(fixturesDir, 'cib', 'sample-crmsh.xml')
const sampleCrm = join(fixturesDir, 'cib', 'sample.crm')
const schedulerXml = join(fixturesDir, 'scheduler', 'two-groups.xml')
const out = (name: string) => join(work, name)

/** Arguments that run each --json command on fixtures, and what its result holds. */
const recipes: Record<string, {argv: string[]; result: (r: Json) => boolean; env?: NodeJS.ProcessEnv}> = {
  'lint all': {argv: ['lint', 'all', example, '--offline'], result: lintCounts},
  'lint authkeys': {argv: ['lint', 'authkeys', join(example, 'authkeys')], result: lintCounts},
  'lint hacf': {argv: ['lint', 'hacf', join(example, 'ha.cf'), '--offline'], result: lintCounts},
  'lint haresources': {argv: ['lint', 'haresources', join(example, 'haresources'), '--offline'], result: lintCounts},
  'lint drbd': {argv: ['lint', 'drbd', join(example, 'drbd.conf')], result: lintCounts},
  'convert all': {argv: ['convert', 'all', example, '--out', out('bundle'), '--offline'], result: (r) => isObject(r) && r.out === out('bundle') && Array.isArray(r.files) && r.files.includes('cib.xml')},
  'convert authkeys': {argv: ['convert', 'authkeys', join(example, 'authkeys'), '--out', out('authkey')], result: (r) => isObject(r) && r.out === out('authkey')},
  'convert cib': {argv: ['convert', 'cib', join(fixturesDir, 'convert', 'pacemaker-1.0', 'cib.xml'), '--out', out('new.xml'), '--no-agent-check'], result: (r) => isObject(r) && r.out === out('new.xml')},
  'convert drbd': {argv: ['convert', 'drbd', join(example, 'drbd.conf'), '--out', out('drbd.xml')], result: (r) => isObject(r) && r.out === out('drbd.xml')},
  'convert hacf': {argv: ['convert', 'hacf', example, '--out', out('corosync.conf')], result: (r) => isObject(r) && r.out === out('corosync.conf')},
  'convert haresources': {argv: ['convert', 'haresources', example, '--out', out('cib.xml'), '--offline'], result: (r) => isObject(r) && r.out === out('cib.xml')},
  'crm verify': {argv: ['crm', 'verify', '--cib', sampleXml, '--no-agent-check'], result: (r) => isObject(r) && typeof r.valid === 'boolean'},
  // the status data object (crm_mon's XML as JSON)
  'crm status': {argv: ['crm', 'status', '--cib', schedulerXml], result: (r) => isObject(r)},
  'crm simulate': {argv: ['crm', 'simulate', '-x', schedulerXml], result: (r) => isObject(r) && Array.isArray(r.actions)},
  'diff crm': {argv: ['diff', 'crm', sampleXml, sampleCrm], result: (r) => isObject(r) && typeof r.equal === 'boolean' && Array.isArray(r.changes)},
  // on the example cluster's own conversion (made first, in the test)
  'diff behaviour': {argv: ['diff', 'behaviour', example, join(out('converted'), 'cib.xml')], result: (r) => isObject(r) && Array.isArray(r.scenarios)},
  // no daemon runs: the error envelope (exit 3, as cl_status)
  status: {argv: ['status', '--socket', out('no-daemon.sock')], result: (r) => r === null},
}

function lintCounts(r: Json): boolean {
  return isObject(r) && ['errors', 'warnings', 'infos'].every((k) => Number.isInteger(r[k]))
}

test('the validator accepts what jsonEnvelope builds and names what is wrong', () => {
  const good = jsonEnvelope({command: 'lint:hacf', result: {errors: 1}, findings: [{id: 'x', severity: 'error', message: 'm', location: {file: 'f', line: 1, column: 2}}], exitCode: 1})
  assert.deepEqual(envelopeProblems(JSON.stringify(good), 'lint hacf', 1), [])
  assert.deepEqual(envelopeProblems(JSON.stringify({...good, ok: true}), 'lint hacf', 1), ['ok is true with exitCode 1'])
  assert.deepEqual(envelopeProblems('[]', 'lint hacf', 0), ['the document is not an object'])
  assert.match(envelopeProblems(JSON.stringify({...good, apiVersion: 1}), 'lint hacf', 1).join(), /unknown top-level field "apiVersion"/)
  const failed = jsonEnvelope({command: 'diff:crm', result: null, exitCode: 2, error: 'cannot read'})
  assert.deepEqual(envelopeProblems(JSON.stringify(failed), 'diff crm', 2), [])
})

test('every command with --json prints a valid envelope', {skip}, () => {
  const manifest = JSON.parse(readFileSync(join(projectRoot, 'oclif.manifest.json'), 'utf8')) as {commands: Record<string, {flags: Record<string, unknown>; hidden?: boolean}>}
  const withJson = Object.entries(manifest.commands).filter(([, c]) => c.flags.json).map(([id]) => id.replaceAll(':', ' ')).sort()
  assert.ok(withJson.length >= 15, `only ${withJson.length} commands with --json: ${withJson}`)
  const noRecipe = withJson.filter((id) => !recipes[id])
  assert.deepEqual(noRecipe, [], 'commands with --json and no recipe in this test: add one')
  assert.equal(runCli(['convert', 'all', example, '--out', out('converted'), '--offline']).status, 0)
  const problems: string[] = []
  for (const id of withJson) {
    const recipe = recipes[id]!
    const r = runCli([...recipe.argv, '--json'], {env: recipe.env})
    const found = envelopeProblems(r.stdout, id, r.status)
    if (found.length === 0 && !recipe.result(JSON.parse(r.stdout).result)) found.push(`unexpected result: ${JSON.stringify(JSON.parse(r.stdout).result).slice(0, 300)}`)
    problems.push(...found.map((p) => `${id}: ${p}${r.stderr ? ` (stderr: ${r.stderr.trim().split('\n')[0]})` : ''}`))
  }
  // an alias reports the command's own name
  for (const id of withJson) {
    const aliases = (manifest.commands[id.replaceAll(' ', ':')] as {aliases?: string[]}).aliases ?? []
    for (const alias of aliases) {
      const argv = [...alias.split(':'), ...recipes[id]!.argv.slice(id.split(' ').length), '--json']
      const r = runCli(argv, {env: recipes[id]!.env})
      problems.push(...envelopeProblems(r.stdout, id, r.status).map((p) => `${alias.replaceAll(':', ' ')} (alias of ${id}): ${p}`))
    }
  }
  assert.deepEqual(problems, [])
})

test('a bad input with --json: the error envelope on stdout, the one line on stderr', {skip}, () => {
  const r = runCli(['crm', 'verify', '--cib', out('missing.xml'), '--json'])
  assert.equal(r.status, 2)
  assert.match(r.stderr, /^hakit: .*missing\.xml/)
  assert.deepEqual(envelopeProblems(r.stdout, 'crm verify', 2), [])
  assert.match(JSON.parse(r.stdout).error.message, /missing\.xml/)
})
