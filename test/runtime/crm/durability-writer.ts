/**
 * Child process of durability.test.ts: loads the CIB store in DIR (as a
 * restarting daemon does), then writes ever newer CIBs into it and prints
 * "acked EPOCH" after each write returns — the point where the daemon
 * acknowledges a change. The test kills it with SIGKILL at a random moment.
 */
import {CibStore} from '../../../src/runtime/crm/cib-store.js'
import {durabilityCib} from './durability-cib.js'

const dir = process.argv[2]
// the test kills us mid-write; a closed pipe must not end us earlier
process.stdout.on('error', () => process.exit(0))
const store = new CibStore(dir)
const loaded = await store.load()
let epoch = Number(loaded.cib.attributes.epoch ?? 0)
process.stdout.write(`ready ${epoch}\n`)
for (;;) {
  epoch++
  await store.write(durabilityCib(epoch), new Date().toUTCString())
  process.stdout.write(`acked ${epoch}\n`)
}
