/**
 * Runs fuzz cases in this process: parsers are called directly, commands
 * through oclif exactly as bin/run.js runs them (the built dist/), with
 * stdout and stderr captured. A case passes when it ends with one of its
 * command's documented exit codes, with no exception escaping and no stack
 * trace printed, and an exit 2 says why in one line.
 */
import {mkdirSync, rmSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {Config} from '@oclif/core'
import {UserError} from '../../src/core/errors.js'
import {decodeText} from '../../src/core/read-source.js'
import {parseAuthkeys} from '../../src/formats/authkeys/index.js'
import {parseCibXml} from '../../src/formats/cib/xml.js'
import {parseCorosyncConf} from '../../src/formats/corosync/index.js'
import {parseCrm} from '../../src/formats/crm/parse.js'
import {parseDrbd} from '../../src/formats/drbd/index.js'
import {parseHaCf} from '../../src/formats/hacf/index.js'
import {parseHaresources} from '../../src/formats/haresources/index.js'
import {projectRoot} from '../helpers/cli.js'
import type {Content, FuzzCase} from './cases.js'

export type Verdict = 'ok' | 'exception' | 'odd-exit' | 'bad-message'

export interface CaseResult {
  verdict: Verdict
  exitCode: number
  /** What went wrong, for a verdict other than ok. */
  detail?: string
}

const PARSERS: Record<string, (text: string) => unknown> = {
  'parse:hacf': (t) => parseHaCf(t, 'ha.cf'),
  'parse:haresources': (t) => parseHaresources(t, 'haresources'),
  'parse:authkeys': (t) => parseAuthkeys(t, 'authkeys'),
  'parse:drbd': (t) => parseDrbd(t, 'drbd.conf'),
  'parse:cib': (t) => parseCibXml(t, 'cib.xml'),
  'parse:crm': (t) => parseCrm(t, 'cib.crm'),
  'parse:corosync': (t) => parseCorosyncConf(t, 'corosync.conf'),
}

/** The exit codes each command documents in its --help. */
function allowedExitCodes(argv: string[]): number[] {
  const command = argv.slice(0, 2).join(' ')
  if (command === 'crm verify') return [0, 2, 78]
  if (command === 'crm configure' || command === 'crm simulate') return [0, 2]
  return [0, 1, 2] // lint, convert, diff crm
}

const STACK_LINE = /^\s+at .+:\d+:\d+\)?$/m

export class FuzzHarness {
  private constructor(
    private readonly config: Config,
    readonly workDir: string,
  ) {}

  /** Loads the CLI from `root` (a built checkout; default this one) and makes a scratch directory. */
  static async create(workDir: string, root = projectRoot): Promise<FuzzHarness> {
    mkdirSync(workDir, {recursive: true})
    process.env.NO_COLOR = '1'
    delete process.env.FORCE_COLOR
    delete process.env.CIB_file
    return new FuzzHarness(await Config.load({root}), workDir)
  }

  async run(c: FuzzCase): Promise<CaseResult> {
    const parse = PARSERS[c.target]
    if (parse) return runParser(parse, c.files.input!)
    const dir = join(this.workDir, `case-${c.index}`)
    rmSync(dir, {recursive: true, force: true})
    mkdirSync(dir)
    for (const [name, content] of Object.entries(c.files)) writeFileSync(join(dir, name), content)
    try {
      return await this.runCommand(c.argv.map((a) => a.replaceAll('{dir}', dir)))
    } finally {
      rmSync(dir, {recursive: true, force: true})
    }
  }

  private async runCommand(argv: string[]): Promise<CaseResult> {
    const {id, args} = commandId(this.config, argv)
    let stdout = ''
    let stderr = ''
    const writeOut = process.stdout.write
    const writeErr = process.stderr.write
    process.stdout.write = ((chunk: string | Uint8Array) => ((stdout += String(chunk)), true)) as typeof process.stdout.write
    process.stderr.write = ((chunk: string | Uint8Array) => ((stderr += String(chunk)), true)) as typeof process.stderr.write
    process.exitCode = undefined
    let thrown: unknown
    try {
      await this.config.runCommand(id, args)
    } catch (error) {
      thrown = error
    } finally {
      process.stdout.write = writeOut
      process.stderr.write = writeErr
    }
    let exitCode = Number(process.exitCode ?? 0)
    process.exitCode = undefined
    if (thrown !== undefined) {
      // oclif's own usage errors carry their exit code; anything else would reach the user as a crash.
      const oclifExit = (thrown as {oclif?: {exit?: number}}).oclif?.exit
      if (typeof oclifExit !== 'number' || thrown instanceof RangeError || thrown instanceof TypeError) {
        return {verdict: 'exception', exitCode: 1, detail: `${argv.join(' ')}\n${(thrown as Error)?.stack ?? String(thrown)}`}
      }
      exitCode = oclifExit
    }
    const where = `${argv.join(' ')} → exit ${exitCode}`
    if (STACK_LINE.test(stderr) || STACK_LINE.test(stdout)) return {verdict: 'exception', exitCode, detail: `${where}: stack trace printed\n${stderr}`}
    if (!allowedExitCodes(argv).includes(exitCode)) return {verdict: 'odd-exit', exitCode, detail: `${where}\n${stderr.slice(0, 2000)}`}
    // exit 2 says why: one `hakit: …` line, or (lint all) a file-unreadable finding among the others
    const saysWhy = /^hakit: .+\n$/.test(stderr) || (argv[0] === 'lint' && /file-unreadable/.test(stdout + stderr))
    if (exitCode === 2 && thrown === undefined && !saysWhy) {
      return {verdict: 'bad-message', exitCode, detail: `${where}: expected one "hakit: …" line on stderr, got:\n${stderr.slice(0, 2000)}`}
    }
    return {verdict: 'ok', exitCode}
  }
}

function runParser(parse: (text: string) => unknown, content: Content): CaseResult {
  try {
    parse(typeof content === 'string' ? content : decodeText('input', content))
    return {verdict: 'ok', exitCode: 0}
  } catch (error) {
    if (error instanceof UserError) {
      if (!/^[^\n]*:\d+:\d+: [^\n]+$/.test(error.message)) return {verdict: 'bad-message', exitCode: 2, detail: `parse error without file:line:col: ${error.message}`}
      return {verdict: 'ok', exitCode: 2}
    }
    return {verdict: 'exception', exitCode: 1, detail: (error as Error)?.stack ?? String(error)}
  }
}

/** `['crm', 'configure', 'show', '--cib', f]` → id `crm:configure:show` and the rest. */
function commandId(config: Config, argv: string[]): {id: string; args: string[]} {
  for (let n = Math.min(3, argv.length); n > 0; n--) {
    const id = argv.slice(0, n).join(':')
    if (config.findCommand(id)) return {id, args: argv.slice(n)}
  }
  throw new Error(`no command for ${argv.join(' ')}`)
}

/** Counts of each verdict over a campaign. */
export function tally(results: CaseResult[]): Record<Verdict, number> {
  const counts: Record<Verdict, number> = {ok: 0, exception: 0, 'odd-exit': 0, 'bad-message': 0}
  for (const r of results) counts[r.verdict]++
  return counts
}
