/**
 * drbd.conf in the 0.7, 8.0–8.3, 8.4 and 9.x dialects: parse (with
 * includes), typed model, dialect detection, printers.
 */
import type {Finding} from '../../core/findings.js'
import type {DrbdFile, Node} from './ast.js'
import {detectDialect, type DialectReport} from './dialect.js'
import {loadDrbdConfig, loadDrbdText} from './load.js'
import {buildModel, type DrbdModel} from './model.js'
import {parseDrbdText} from './parse.js'

export interface DrbdConfig extends DrbdModel {
  /** Top-level nodes, includes expanded (what drbdadm sees). */
  nodes: Node[]
  /** Files read: the main one first. */
  files: DrbdFile[]
  dialect: DialectReport
}

export interface DrbdParseResult {
  model: DrbdConfig
  findings: Finding[]
}

function assemble(nodes: Node[], files: DrbdFile[]): DrbdConfig {
  return {...buildModel(nodes), nodes, files, dialect: detectDialect(nodes, files[0]?.file)}
}

/** Parses one text, without following includes. Never throws. */
export function parseDrbd(text: string, file = 'drbd.conf'): DrbdParseResult {
  const {file: parsed, findings} = parseDrbdText(text, file)
  return {model: assemble(parsed.nodes, [parsed]), findings}
}

/** Reads a drbd.conf and its includes. Throws UserError when the main file cannot be read. */
export async function loadDrbd(path: string): Promise<DrbdParseResult> {
  const {nodes, files, findings} = await loadDrbdConfig(path)
  return {model: assemble(nodes, files), findings}
}

/** Like parseDrbd, but follows includes relative to `file`. */
export async function parseDrbdWithIncludes(text: string, file: string): Promise<DrbdParseResult> {
  const {nodes, files, findings} = await loadDrbdText(text, file)
  return {model: assemble(nodes, files), findings}
}

export type {DrbdFile, Node, Section, Statement, Word, Skip, Loc} from './ast.js'
export type {DialectReport, Evidence} from './dialect.js'
export type {Dialect} from './keywords.js'
export type {DrbdAddress, DrbdDevice, DrbdHost, DrbdMetaDisk, DrbdModel, DrbdResource, DrbdVolume} from './model.js'
export {hostNames, isDualPrimary, isStacked, resourceDevices, resourceOption, statement, section, sections} from './model.js'
export {printDrbd, printDrbdFile} from './print.js'
export {printDrbd9Config, printDrbd9Resource, type Drbd9Output, type Drbd9Options} from './print-drbd9.js'
