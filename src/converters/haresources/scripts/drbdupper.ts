import {checkArgCount, type ScriptMapper} from './types.js'

/** drbdupper::res: a stacked DRBD resource. */
export const drbdupper: ScriptMapper = {
  script: 'drbdupper',
  usage: 'drbdupper::resource',
  map(args, ctx) {
    checkArgCount(args, ctx, this.usage, 1, 1)
    ctx.report('warning', 'convert-drbd-stacked', `${ctx.token}: stacked DRBD resource converted to its own promotable clone; review its ordering with the IP it listens on (drbdupper promoted the lower resource first).`)
    return {kind: 'drbd', resource: args[0], stacked: true}
  },
}
