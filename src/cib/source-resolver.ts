/**
 * The shape of a registered CIB source kind, on its own so that providers
 * (src/converters/cib-source.ts) need not import the registry in
 * src/cib/sources.ts, which loads them: no import cycle between the two.
 */
import type {Cib} from '../formats/cib/model.js'

/**
 * A source kind that is not a plain file: it claims a path (usually a
 * directory) and turns it into a CIB. Resolvers are tried in order before
 * the path is read as a file.
 */
export interface CibSourceResolver {
  kind: string
  /** True when this resolver handles `spec` (called with the result of stat, or undefined when the path does not exist). */
  claims(spec: string, info: {isDirectory: boolean} | undefined): Promise<boolean> | boolean
  load(spec: string): Promise<Cib>
}
