/**
 * The allocation and promotion score lines of `crm_simulate -x F -s -S` (--show-scores) and
 * hakit's own, for the whole scheduler suite.
 *
 * The installed crm_simulate's lines for every suite case are stored, gzipped, in
 * test/fixtures/scheduler/full-suite-scores.txt.gz (written by scripts/scheduler-scores.ts
 * --write-fixture), so the test does not run crm_simulate 799 times. Its format:
 *   # a comment line naming the crm_simulate version
 *   == CASE SHA256-PREFIX-OF-THE-CASE'S-XML
 *   score line ...
 * crm_simulate's own output is cached by input hash in the system temp dir (like graph-oracle.ts).
 */
import {execFileSync} from 'node:child_process'
import {createHash} from 'node:crypto'
import {existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {gunzipSync, gzipSync} from 'node:zlib'
import {fixturesDir} from '../../helpers/cli.js'
import {parseCibXml} from '../../../src/formats/cib/xml.js'
import {schedule} from '../../../src/runtime/scheduler/index.js'
import {prng} from '../../helpers/prng.js'
import {drawMutatedCases, type Mutation} from './mutate.js'
import {firstDifference} from './full-suite-cases.js'

export const isScoreLine = (l: string): boolean => / (allocation|promotion) score on /.test(l)

export const scoresFixtureFile = join(fixturesDir, 'scheduler', 'full-suite-scores.txt.gz')
const cacheDir = process.env.HAKIT_SCORES_CACHE ?? join(tmpdir(), 'hakit-crm-simulate-scores')

export const inputHash = (xml: string): string => createHash('sha256').update(xml).digest('hex').slice(0, 16)

/** hakit's score lines for a CIB, in the order it logs them. */
export function hakitScoreLines(xml: string, file: string): string[] {
  return schedule(parseCibXml(xml, file), {showScores: true}).scores.filter(isScoreLine)
}

/** The installed crm_simulate's score lines for a CIB file (niced: the machine is shared), cached by input hash. */
export function crmSimulateScoreLines(xmlFile: string): string[] {
  const xml = readFileSync(xmlFile, 'utf8')
  const cached = join(cacheDir, `${inputHash(xml)}.txt`)
  if (!existsSync(cached)) {
    let out: string
    try {
      out = execFileSync('nice', ['-n', '10', 'crm_simulate', '-x', xmlFile, '-s', '-S'], {encoding: 'utf8', timeout: 600_000, stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 256 << 20})
    } catch (error) {
      // crm_simulate exits non-zero on some inputs yet prints the scores
      out = String((error as {stdout?: string}).stdout ?? '')
    }
    mkdirSync(cacheDir, {recursive: true})
    const tmp = `${cached}.${process.pid}.tmp`
    writeFileSync(tmp, out.split('\n').filter(isScoreLine).join('\n'))
    renameSync(tmp, cached)
  }
  const text = readFileSync(cached, 'utf8')
  return text === '' ? [] : text.split('\n')
}

export interface ScoresFixture {
  header: string
  cases: Map<string, {hash: string; lines: string[]}>
}

export function readScoresFixture(file = scoresFixtureFile): ScoresFixture {
  const text = gunzipSync(readFileSync(file)).toString('utf8')
  const cases = new Map<string, {hash: string; lines: string[]}>()
  let header = ''
  let current: string[] | undefined
  for (const line of text.split('\n')) {
    if (line.startsWith('# ')) header = line.slice(2)
    else if (line.startsWith('== ')) {
      const [name, hash] = line.slice(3).split(' ')
      current = []
      cases.set(name, {hash, lines: current})
    } else if (line !== '' && current) current.push(line)
  }
  return {header, cases}
}

export function writeScoresFixture(fixture: ScoresFixture, file = scoresFixtureFile): void {
  const out = [`# ${fixture.header}`]
  for (const [name, c] of fixture.cases) out.push(`== ${name} ${c.hash}`, ...c.lines)
  const tmp = `${file}.${process.pid}.tmp`
  writeFileSync(tmp, gzipSync(`${out.join('\n')}\n`, {level: 9}))
  renameSync(tmp, file)
}

export interface ScoreMutationResult {
  total: number
  ok: number
  mismatches: Array<{case: string; mutation: string; detail: string; cib: string}>
  /** cases run per mutation */
  byMutation: Record<string, number>
}

/**
 * Mutated suite cases (one random mutation each, seeded) through crm_simulate -s -S and hakit:
 * the score lines must be equal. Inputs crm_simulate prints no score for are skipped.
 */
export function runScoreMutations(suite: string, seed: number, count: number, cases: string[], mutations: Mutation[]): ScoreMutationResult {
  const rnd = prng(seed)
  const names = cases.map((c) => `${c}.xml`)
  const dir = mkdtempSync(join(tmpdir(), `hakit-scores-mut-${process.pid}-`))
  const result: ScoreMutationResult = {total: 0, ok: 0, mismatches: [], byMutation: {}}
  try {
    for (const {file, mutation, text, path} of drawMutatedCases(suite, names, mutations, rnd, dir, count * 5)) {
      if (result.total >= count) break
      const expected = crmSimulateScoreLines(path)
      if (expected.length === 0) continue
      result.total++
      result.byMutation[mutation.name] = (result.byMutation[mutation.name] ?? 0) + 1
      let detail: string
      try {
        detail = firstDifference(expected, hakitScoreLines(text, path))
      } catch (error) {
        detail = `threw ${(error as Error).message}`
      }
      if (detail === '') result.ok++
      else result.mismatches.push({case: file, mutation: mutation.name, detail, cib: text})
    }
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
  return result
}
