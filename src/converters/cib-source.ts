/**
 * A legacy /etc/ha.d directory as a CIB source for `hakit diff crm`
 * (src/cib/sources.ts registry): the directory is converted on the
 * fly, so `hakit diff crm /etc/ha.d live` compares what the conversion would
 * give with the cluster. Registering it is left to the diff command's owner.
 */
import {existsSync} from 'node:fs'
import {join} from 'node:path'
import type {Cib} from '../formats/cib/model.js'
import type {CibSourceResolver} from '../cib/source-resolver.js'
import {convertBundle} from './bundle.js'
import {legacyPaths, loadLegacy} from './load.js'

export async function convertHaDirToCib(dir: string): Promise<Cib> {
  return convertBundle(await loadLegacy(await legacyPaths(dir))).cib
}

export const heartbeatCibSource: CibSourceResolver = {
  kind: 'heartbeat',
  claims: (path, info) => !!info?.isDirectory && (existsSync(join(path, 'haresources')) || existsSync(join(path, 'ha.cf'))),
  load: convertHaDirToCib,
}
