import {spawnSync} from 'node:child_process'
import {fileURLToPath} from 'node:url'
import {dirname, join} from 'node:path'

export const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
export const sharedDir = join(projectRoot, '..', 'shared')
export const fixturesDir = join(projectRoot, 'test', 'fixtures')

export interface CliResult {
  status: number | null
  stdout: string
  stderr: string
}

/**
 * Runs the built CLI as a user would (bin/hakit, the command npm links: from the startup snapshot
 * when there is a current one, else bin/run.js), without colour unless asked.
 */
export function runCli(args: string[], options: {env?: NodeJS.ProcessEnv; input?: string; cwd?: string} = {}): CliResult {
  const result = spawnSync(join(projectRoot, 'bin', 'hakit'), args, {
    encoding: 'utf8',
    env: {...process.env, NO_COLOR: '1', FORCE_COLOR: undefined, ...options.env},
    input: options.input,
    cwd: options.cwd ?? projectRoot,
    timeout: 60_000,
  })
  return {status: result.status, stdout: result.stdout, stderr: result.stderr}
}

/** True when `cmd` is on PATH (used to skip tests whose judge tool is missing). */
export function haveCommand(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], {encoding: 'utf8'}).status === 0
}

export const isRoot = process.getuid?.() === 0
