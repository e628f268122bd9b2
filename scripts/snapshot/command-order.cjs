// The order oclif sorts its commands in (@oclif/core/lib/config/plugin.js: `a.id.localeCompare(b.id)`),
// without ICU's collator when the result is known anyway. The first localeCompare of a process makes
// that collator: about 69 million instructions (~8 ms of CPU), a tenth of `hakit --version`, and
// a startup snapshot cannot keep it (ICU's objects live outside V8's heap). scripts/snapshot/build.mjs
// puts byCommandId() in place of that comparator in the snapshot's bundle only.
//
// When it is known: ids made only of lowercase ASCII letters, digits, '_', '-' and ':' under a locale
// that does not tailor those characters. ICU takes its default locale from LC_ALL, else LC_MESSAGES,
// else LANG; unset, C or POSIX mean en-US. In CLDR's root order (English's: English has no tailoring)
// these characters each have their own primary weight, '_' < '-' < ':' < digits < letters, so the
// comparison is the first differing character's, or the shorter string first. Other locales do
// tailor them (Czech sorts "ch" after "h", Lithuanian "y" after "i", Danish "aa" last), so anything
// else is left to localeCompare. test/scripts/snapshot-command-order.test.ts checks both against ICU.
'use strict'

const weights = '_-:0123456789abcdefghijklmnopqrstuvwxyz'
const weight = new Int8Array(128).fill(-1)
for (let i = 0; i < weights.length; i++) weight[weights.charCodeAt(i)] = i

const untailoredLocale = /^(?:C|POSIX|C\.[^@]*|en(?:_[A-Za-z]+)?(?:\.[^@]*)?)?$/

/** Whether ICU's default locale orders `weights` as CLDR's root does (read once per sort: env reads cost). */
function localeIsUntailored(env) {
  return ['LC_ALL', 'LC_MESSAGES', 'LANG'].every((name) => env[name] === undefined || untailoredLocale.test(env[name]))
}

/** a's order against b's by the weights above, or undefined when a character has none. */
function compareByWeight(a, b) {
  const common = Math.min(a.length, b.length)
  for (let i = 0; i < common; i++) {
    const x = a.charCodeAt(i)
    const y = b.charCodeAt(i)
    const wx = x < 128 ? weight[x] : -1
    const wy = y < 128 ? weight[y] : -1
    if (wx < 0 || wy < 0) return undefined
    if (wx !== wy) return wx - wy
  }
  for (let i = common; i < a.length; i++) if (a.charCodeAt(i) >= 128 || weight[a.charCodeAt(i)] < 0) return undefined
  for (let i = common; i < b.length; i++) if (b.charCodeAt(i) >= 128 || weight[b.charCodeAt(i)] < 0) return undefined
  return a.length - b.length
}

/** A comparator ordering strings as `a.localeCompare(b)` does (same sign), for this process's environment. */
function localeOrder(env = process.env) {
  if (!localeIsUntailored(env)) return (a, b) => a.localeCompare(b)
  return (a, b) => compareByWeight(a, b) ?? a.localeCompare(b)
}

/** The comparator for oclif's `commands.sort(...)`: by id, as `a.id.localeCompare(b.id)`. */
function byCommandId() {
  const compare = localeOrder()
  return (a, b) => compare(a.id, b.id)
}

module.exports = {byCommandId, localeOrder}
