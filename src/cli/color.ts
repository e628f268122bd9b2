import {Chalk, type ChalkInstance} from 'chalk'

/**
 * The one place that decides whether hakit colours its output:
 * FORCE_COLOR turns colour on, NO_COLOR (non-empty) or TERM=dumb turns it off,
 * otherwise colour only when the stream is a TTY.
 */
export function colorLevelFor(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv = process.env): 0 | 1 | 2 | 3 {
  const force = env.FORCE_COLOR
  if (force !== undefined && force !== '0' && force !== 'false') return force === '2' ? 2 : force === '3' ? 3 : 1
  if (env.NO_COLOR) return 0
  if (env.TERM === 'dumb') return 0
  return stream.isTTY ? 1 : 0
}

export function makeChalk(stream: NodeJS.WriteStream = process.stdout): ChalkInstance {
  return new Chalk({level: colorLevelFor(stream)})
}
