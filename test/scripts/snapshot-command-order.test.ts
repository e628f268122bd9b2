/**
 * scripts/snapshot/command-order.cjs: the startup snapshot sorts oclif's commands without ICU's
 * collator where the order is known. It must order every pair of strings as localeCompare does
 * (same sign) in every locale: judged against ICU itself, in child processes started with the
 * locale variables under test (ICU reads them once, at its first use).
 */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {projectRoot} from '../helpers/cli.js'

const commandOrder = join(projectRoot, 'scripts', 'snapshot', 'command-order.cjs')
const ids = Object.keys(JSON.parse(readFileSync(join(projectRoot, 'oclif.manifest.json'), 'utf8')).commands)

// run in the child: how many pairs the comparator orders differently from localeCompare, and whether
// oclif's sort of the real command ids comes out the same
const check = `
const {localeOrder, byCommandId} = require(${JSON.stringify(commandOrder)})
const ids = ${JSON.stringify(ids)}
const alphabet = '_-:0123456789abcdefghijklmnopqrstuvwxyzAZ .éžß'
let seed = 7
const random = (n) => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n }
const word = () => Array.from({length: 1 + random(6)}, () => alphabet[random(alphabet.length)]).join('')
const pairs = [['ch', 'h'], ['ch', 'i'], ['y', 'j'], ['aa', 'b'], ['cs', 'd'], ['v', 'w'], ['op_defaults', 'op-defaults'], ['a:b', 'a0'], ['', 'a']]
for (let i = 0; i < 20000; i++) pairs.push([word(), word()])
for (const a of ids) for (const b of ids) pairs.push([a, b])
const compare = localeOrder()
const differ = pairs.filter(([a, b]) => Math.sign(compare(a, b)) !== Math.sign(a.localeCompare(b)))
const commands = ids.map((id) => ({id})).reverse()
const sameSort = JSON.stringify([...commands].sort(byCommandId())) === JSON.stringify([...commands].sort((a, b) => a.id.localeCompare(b.id)))
console.log(JSON.stringify({differ: differ.slice(0, 5), count: differ.length, sameSort, locale: new Intl.Collator().resolvedOptions().locale}))
`

const locales: Array<Record<string, string | undefined>> = [
  {}, {LANG: 'C'}, {LANG: 'C.UTF-8'}, {LANG: 'POSIX'}, {LANG: 'en_US.UTF-8'}, {LANG: 'en_GB'}, {LANG: 'en_US_POSIX'},
  {LANG: 'de_DE.UTF-8'}, {LANG: 'cs_CZ.UTF-8'}, {LANG: 'lt_LT.UTF-8'}, {LANG: 'da_DK.UTF-8'}, {LANG: 'hu_HU'},
  {LANG: 'en_US.UTF-8', LC_ALL: 'cs_CZ.UTF-8'}, {LANG: 'en_US.UTF-8', LC_MESSAGES: 'lt_LT'},
  {LANG: 'lt_LT', LC_ALL: 'C'}, {LANG: 'en_US.UTF-8', LC_COLLATE: 'cs_CZ.UTF-8'}, {LC_ALL: ''}, {LANG: 'en_US@euro'},
]

for (const locale of locales) {
  test(`command order: as localeCompare with ${JSON.stringify(locale)}`, () => {
    const env: NodeJS.ProcessEnv = {...process.env, LC_ALL: undefined, LC_MESSAGES: undefined, LANG: undefined, LC_COLLATE: undefined, ...locale}
    for (const name of Object.keys(env)) if (env[name] === undefined) delete env[name]
    const r = spawnSync(process.execPath, ['-e', check], {encoding: 'utf8', env, timeout: 120_000})
    assert.equal(r.status, 0, r.stderr)
    const result = JSON.parse(r.stdout)
    assert.deepEqual(result.differ, [], `${result.count} pairs ordered unlike localeCompare (ICU locale ${result.locale})`)
    assert.equal(result.sameSort, true)
  })
}

test('command order: the tailored locales do change the order (the check above can fail)', () => {
  const r = spawnSync(process.execPath, ['-e', `console.log(['h', 'ch'].sort((a, b) => a.localeCompare(b)).join())`], {encoding: 'utf8', env: {...process.env, LC_ALL: 'cs_CZ.UTF-8'}})
  assert.equal(r.stdout.trim(), 'h,ch')
})
