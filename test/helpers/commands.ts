import {readdirSync, statSync} from 'node:fs'
import {join, relative} from 'node:path'
import {projectRoot} from './cli.js'

/** Every command id as its words (`['crm', 'resource', 'move']`), from the files under src/commands. */
export function commandIds(): string[][] {
  const dir = join(projectRoot, 'src', 'commands')
  const walk = (d: string): string[] => readdirSync(d).flatMap((n) => (statSync(join(d, n)).isDirectory() ? walk(join(d, n)) : n.endsWith('.ts') ? [join(d, n)] : []))
  return walk(dir).map((f) => relative(dir, f).replace(/\.ts$/, '').split('/')).sort()
}
