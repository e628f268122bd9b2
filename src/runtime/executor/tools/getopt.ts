/**
 * A small getopt_long for the agent-facing tools: `-x v`, `-xv`, `-abc`,
 * `--long v`, `--long=v`, `--` and optional long arguments (`--promotion[=RSC]`).
 */
export interface OptionSpec {
  /** Canonical name the parsed value is stored under. */
  name: string
  short?: string
  long?: string[]
  /** 'none': a flag; 'required': takes a value; 'optional': long form may carry =value. */
  arg: 'none' | 'required' | 'optional'
}

export interface Parsed {
  options: Map<string, string | true>
  /** Order the options were seen in (some tools act on the first command given). */
  order: string[]
  positional: string[]
}

export class UsageError extends Error {}

export function getopt(argv: string[], specs: OptionSpec[]): Parsed {
  const options = new Map<string, string | true>()
  const order: string[] = []
  const positional: string[] = []
  const set = (spec: OptionSpec, value: string | true) => {
    options.set(spec.name, value)
    order.push(spec.name)
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (arg === '--') {
      positional.push(...argv.slice(i + 1))
      break
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=')
      const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq)
      const spec = specs.find((s) => s.long?.includes(name))
      if (!spec) throw new UsageError(`unrecognized option '--${name}'`)
      if (spec.arg === 'none') {
        if (eq >= 0) throw new UsageError(`option '--${name}' doesn't allow an argument`)
        set(spec, true)
      } else if (eq >= 0) set(spec, arg.slice(eq + 1))
      else if (spec.arg === 'optional') set(spec, true)
      else {
        if (i + 1 >= argv.length) throw new UsageError(`option '--${name}' requires an argument`)
        set(spec, argv[++i])
      }
      continue
    }
    if (arg.startsWith('-') && arg.length > 1) {
      for (let k = 1; k < arg.length; k++) {
        const spec = specs.find((s) => s.short === arg[k])
        if (!spec) throw new UsageError(`invalid option -- '${arg[k]}'`)
        if (spec.arg === 'required') {
          const rest = arg.slice(k + 1)
          if (rest !== '') set(spec, rest)
          else {
            if (i + 1 >= argv.length) throw new UsageError(`option requires an argument -- '${arg[k]}'`)
            set(spec, argv[++i])
          }
          break
        }
        set(spec, true)
      }
      continue
    }
    positional.push(arg)
  }
  return {options, order, positional}
}
