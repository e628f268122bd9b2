import type {Severity} from '../../../core/findings.js'
import type {Params} from '../../cib-build.js'

export interface Agent {
  class: string
  provider?: string
  type: string
}

/** What one haresources token becomes. */
export type MappedResource =
  | {kind: 'primitive'; idBase: string; agent: Agent; params: Params}
  /** drbddisk / drbdupper: handled by the converter (promotable clone + constraints). */
  | {kind: 'drbd'; resource?: string; stacked: boolean}

export interface MapContext {
  /** The token as written (`IPaddr::10.0.0.1/24`). */
  token: string
  node: string
  /** 1-based ordinal of the haresources line. */
  line: number
  report(severity: Severity, id: string, message: string): void
}

/** One shipped v1 resource script (/etc/ha.d/resource.d/<script>). */
export interface ScriptMapper {
  script: string
  /** v1 grammar, for documentation and error messages. */
  usage: string
  map(args: string[], ctx: MapContext): MappedResource
}

export function ocf(type: string, provider = 'heartbeat'): Agent {
  return {class: 'ocf', provider, type}
}

/** Reports a wrong argument count the way heartbeat's wrapper would have failed. */
export function checkArgCount(args: string[], ctx: MapContext, usage: string, min: number, max: number): void {
  if (args.length < min || args.length > max) {
    const want = min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min}–${max}`
    ctx.report('error', 'convert-script-args', `${ctx.token}: expected ${want} argument(s) (${usage}); got ${args.length}. The v1 script would have failed.`)
  }
}

/** Adds a parameter only when the value is not empty. */
export function param(params: Params, name: string, value: string | undefined): void {
  if (value !== undefined && value !== '') params.push([name, value])
}

export function basename(path: string): string {
  return path.replace(/\/+$/, '').split('/').pop() ?? path
}
