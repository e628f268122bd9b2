import type {SourceLocation} from '../../core/findings.js'

/**
 * Input of the haresources converter: one line of haresources, already split
 * the way heartbeat's ResourceManager splits it (comments removed, `::`
 * separated arguments). The legacy parser's model is adapted to this.
 */
export interface HaresourcesLine {
  /** The node named in the first field, as written. */
  node: string
  resources: HaresourcesToken[]
  location?: SourceLocation
  /** Comment text that belonged to the line, carried into the CIB description. */
  comment?: string
}

export interface HaresourcesToken {
  /** Script name (`IPaddr`, `Filesystem`, `httpd`) or a bare IP address. */
  script: string
  args: string[]
  location?: SourceLocation
}

/** What the converter needs to know about one DRBD resource from drbd.conf. */
export interface DrbdResourceInfo {
  name: string
  /** Host names of the `on` sections (and floating sections). */
  hosts: string[]
  /** DRBD minors (/dev/drbdN) of the resource's volumes. */
  minors: number[]
  /** Replication address (without port) per host, when drbd.conf gives one. */
  addresses?: Record<string, string>
  dualPrimary?: boolean
  /** Stacked on another resource (`stacked-on-top-of`). */
  stackedOn?: string
  location?: SourceLocation
}

export type InitClass = 'lsb' | 'systemd' | 'service'
