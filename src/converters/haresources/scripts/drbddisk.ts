import {checkArgCount, type ScriptMapper} from './types.js'

/** drbddisk[::res]: no OCF agent of its own; becomes an ocf:linbit:drbd promotable clone. */
export const drbddisk: ScriptMapper = {
  script: 'drbddisk',
  usage: 'drbddisk[::resource]',
  map(args, ctx) {
    checkArgCount(args, ctx, this.usage, 0, 1)
    return {kind: 'drbd', resource: args[0], stacked: false}
  },
}
