/**
 * corosync.conf as a tree: sections (`totem { … }`) holding `key: value`
 * pairs and subsections, in file order, with source positions when parsed.
 */
import type {SourceLocation} from '../../core/findings.js'

export interface CorosyncPair {
  kind: 'pair'
  key: string
  value: string
  location?: SourceLocation
}

export interface CorosyncSection {
  kind: 'section'
  name: string
  items: CorosyncItem[]
  location?: SourceLocation
  /** Comment lines printed just above the section (generated files only). */
  comments?: string[]
}

export type CorosyncItem = CorosyncPair | CorosyncSection

/** The whole file: the top level is an unnamed section. */
export interface CorosyncConf {
  items: CorosyncItem[]
  /** Comment lines printed at the top of the file. */
  header?: string[]
}

export function section(name: string, items: CorosyncItem[] = [], comments?: string[]): CorosyncSection {
  return comments && comments.length > 0 ? {kind: 'section', name, items, comments} : {kind: 'section', name, items}
}

export function pair(key: string, value: string | number): CorosyncPair {
  return {kind: 'pair', key, value: String(value)}
}

/** Subsections of `parent` called `name`. */
export function sections(parent: {items: CorosyncItem[]}, name: string): CorosyncSection[] {
  return parent.items.filter((i): i is CorosyncSection => i.kind === 'section' && i.name === name)
}

/** The last value of `key` directly in `parent` (corosync lets a later key win). */
export function value(parent: {items: CorosyncItem[]} | undefined, key: string): string | undefined {
  if (!parent) return undefined
  let found: string | undefined
  for (const i of parent.items) if (i.kind === 'pair' && i.key === key) found = i.value
  return found
}
