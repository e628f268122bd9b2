import {readdirSync} from 'node:fs'
import {join} from 'node:path'
import {sharedDir} from '../../helpers/cli.js'

/** The CIBs of the public scheduler corpus, sorted. */
export function corpusCibFiles(): string[] {
  const root = join(sharedDir, 'corpus', 'scheduler')
  return readdirSync(root, {withFileTypes: true})
    .filter((d) => d.isDirectory())
    .flatMap((d) => readdirSync(join(root, d.name)).filter((f) => f.endsWith('.xml')).map((f) => join(root, d.name, f)))
    .sort()
}
