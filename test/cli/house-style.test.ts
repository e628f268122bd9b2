/**
 * The CLI house style, over every command in src/commands (walked, so a new
 * command is covered without touching this test): -h is --help, the help has
 * EXAMPLES and an EXIT CODES section; an unknown command is one line and exit
 * 127 with a did-you-mean, as a shell says "command not found".
 */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {existsSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {projectRoot, runCli} from '../helpers/cli.js'
import {commandIds} from '../helpers/commands.js'
import {editDistance, suggestCommand} from '../../src/cli/not-found.js'

const built = existsSync(join(projectRoot, 'dist', 'bundle'))
const skip = built ? false : 'dist/ is not built (npm run build)'

/** Each command line fails as a usage error: exit 2, exactly the expected line on stderr, nothing on stdout. */
function assertUsageErrors(cases: Array<[string[], string]>): void {
  for (const [argv, expected] of cases) {
    const r = runCli(argv)
    assert.equal(r.status, 2, argv.join(' '))
    assert.equal(r.stderr, expected)
    assert.equal(r.stdout, '')
  }
}

test('the commands dir is walked (a sanity check that this test covers something)', () => {
  const ids = commandIds().map((w) => w.join(' '))
  for (const id of ['lint hacf', 'convert all', 'crm resource move', 'crm status', 'run', 'status']) assert.ok(ids.includes(id), id)
})

test('every command: --help has EXAMPLES and EXIT CODES, and -h prints the same', {skip}, () => {
  const missing: string[] = []
  for (const words of commandIds()) {
    const long = runCli([...words, '--help'])
    const id = words.join(' ')
    assert.equal(long.status, 0, `${id} --help: ${long.stderr}`)
    if (!/^EXAMPLES$/m.test(long.stdout)) missing.push(`${id}: no EXAMPLES`)
    if (!/^\s*EXIT CODES$/m.test(long.stdout)) missing.push(`${id}: no EXIT CODES section`)
    const short = runCli([...words, '-h'])
    assert.equal(short.status, 0, `${id} -h: ${short.stderr}`)
    assert.equal(short.stdout, long.stdout, `${id}: -h differs from --help`)
  }
  assert.deepEqual(missing, [])
})

test('hakit -h and hakit crm -h are --help', {skip}, () => {
  for (const words of [[], ['crm'], ['crm', 'resource'], ['lint']]) {
    const long = runCli([...words, '--help'])
    const short = runCli([...words, '-h'])
    assert.equal(long.status, 0)
    assert.equal(short.status, 0, short.stderr)
    assert.equal(short.stdout, long.stdout, `hakit ${words.join(' ')} -h`)
    assert.match(long.stdout, /USAGE/)
  }
})

test('every topic has its own description in package.json, not the summary of a command (oclif\'s fallback)', {skip}, () => {
  type Topics = Record<string, {description?: string; subtopics?: Topics}>
  const described = new Set<string>()
  const walk = (topics: Topics | undefined, base: string[]) => {
    for (const [name, topic] of Object.entries(topics ?? {})) {
      if (topic.description) described.add([...base, name].join(' '))
      walk(topic.subtopics, [...base, name])
    }
  }
  walk(JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')).oclif.topics, [])
  const topics = new Set(commandIds().flatMap((words) => words.slice(0, -1).map((_, i) => words.slice(0, i + 1).join(' '))))
  assert.ok(topics.has('crm resource'), 'nested topics are covered')
  assert.deepEqual([...topics].filter((t) => !described.has(t)), [])
  // and the help shows it
  const help = runCli(['crm', 'resource', '--help'])
  assert.match(help.stdout, /^Control resources as crm resource does/)
})

test('an unknown command or subcommand: one line, a did-you-mean, exit 127', {skip}, () => {
  const cases: Array<[string[], RegExp]> = [
    [['lnt'], /^hakit: 'lnt' is not a hakit command\. Did you mean 'lint'\?/],
    [['crm', 'resourc'], /^hakit: 'crm resourc' is not a hakit command\. Did you mean 'crm resource'\?/],
    [['crm', 'resource', 'mvoe', 'web', 'n2'], /Did you mean 'crm resource move'\?/],
    [['conver', 'all'], /Did you mean 'convert all'\?/],
    [['crm_mn'], /Did you mean 'crm_mon'\?/],
  ]
  for (const [argv, expected] of cases) {
    const r = runCli(argv)
    assert.equal(r.status, 127, `${argv.join(' ')}: ${r.stderr}`)
    assert.match(r.stderr, expected)
    assert.equal(r.stderr.trimEnd().split('\n').length, 1, r.stderr)
    assert.equal(r.stdout, '')
  }
  const option = runCli(['--frobnicate'])
  assert.equal(option.status, 2)
  assert.equal(option.stderr, "hakit: unknown option '--frobnicate'. See 'hakit --help'.\n")
  const far = runCli(['qqqqqqqq'])
  assert.equal(far.status, 127)
  assert.doesNotMatch(far.stderr, /Did you mean/)
})

test('a word after a command that takes no more arguments is an unexpected argument (exit 2), not an unknown command', {skip}, () => {
  const cib = join(projectRoot, 'test', 'fixtures', 'cib', 'sample-crmsh.xml')
  const cases: Array<[string[], string]> = [
    [['crm', 'verify', cib], `hakit: crm verify: unexpected argument '${cib}'. To read it, give --cib ${cib}. See 'hakit crm verify --help'.\n`],
    [['crm', 'simulate', cib], `hakit: crm simulate: unexpected argument '${cib}'. To read it, give -x ${cib}. See 'hakit crm simulate --help'.\n`],
    [['crm_mon', 'web'], "hakit: crm_mon: unexpected argument 'web'. See 'hakit crm_mon --help'.\n"],
    [['cutover', 'crm', 'now'], "hakit: cutover: unexpected arguments 'crm' 'now'. See 'hakit cutover --help'.\n"],
  ]
  assertUsageErrors(cases)
  const json = runCli(['crm', 'verify', 'x', '--json'])
  assert.equal(json.status, 2)
  assert.deepEqual(JSON.parse(json.stdout).error, {message: "unexpected argument 'x'"})
})

test('help for an unknown command or topic answers as the unknown command does: did-you-mean, exit 127', {skip}, () => {
  for (const [argv, expected] of [
    [['help', 'lnt'], /^hakit: 'lnt' is not a hakit command\. Did you mean 'lint'\?/],
    [['lnt', '--help'], /^hakit: 'lnt' is not a hakit command\. Did you mean 'lint'\?/],
    [['help', 'crm', 'resourc'], /Did you mean 'crm resource'\?/],
    [['crm', 'resourc', '-h'], /Did you mean 'crm resource'\?/],
  ] as Array<[string[], RegExp]>) {
    const r = runCli(argv)
    assert.equal(r.status, 127, `${argv.join(' ')}: ${r.stderr}`)
    assert.match(r.stderr, expected)
    assert.equal(r.stderr.trimEnd().split('\n').length, 1, r.stderr)
    assert.equal(r.stdout, '')
  }
  // known commands and topics still get their help, through `help` as through --help
  for (const words of [['crm', 'resource', 'move'], ['crm'], ['lint', 'hacf']]) {
    const viaHelp = runCli(['help', ...words])
    assert.equal(viaHelp.status, 0, viaHelp.stderr)
    assert.equal(viaHelp.stdout, runCli([...words, '--help']).stdout)
  }
  const root = runCli(['help'])
  assert.equal(root.status, 0)
  assert.match(root.stdout, /^TOPICS$/m)
})

test('every command: a flag it does not know is one line naming the flag and the help, exit 2, nothing on stdout', {skip}, () => {
  // the crm configure statements take their words verbatim (crmsh's syntax, not flags); `status`
  // parses its words as cl_status does (its own "invalid sub-command" and exit code)
  const statements = ['clone', 'colocation', 'group', 'location', 'ms', 'op_defaults', 'order', 'primitive', 'property', 'rsc_defaults']
  const ownParsing = new Set(['status', ...statements.map((s) => `crm configure ${s}`)])
  const wrong: string[] = []
  for (const words of commandIds()) {
    const id = words.join(' ')
    if (ownParsing.has(id)) continue
    const r = runCli([...words, '--no-such-flag'])
    const expected = `hakit: ${id}: unknown flag --no-such-flag. See 'hakit ${id} --help'.\n`
    if (r.status !== 2 || r.stderr !== expected || r.stdout !== '') wrong.push(`${id}: exit ${r.status}, stderr ${JSON.stringify(r.stderr.slice(0, 200))}, stdout ${JSON.stringify(r.stdout.slice(0, 80))}`)
  }
  assert.deepEqual(wrong, [])
})

test('the other command-line mistakes oclif finds are one line too, with --json an error envelope', {skip}, () => {
  const cases: Array<[string[], string]> = [
    [['crm', 'resource', 'move'], "hakit: crm resource move: missing argument RESOURCE. See 'hakit crm resource move --help'.\n"],
    [['lint', 'hacf', 'a', 'b'], "hakit: lint hacf: unexpected argument 'b'. See 'hakit lint hacf --help'.\n"],
    [['convert', 'all', '.'], "hakit: convert all: missing required flag out. See 'hakit convert all --help'.\n"],
    [['convert', 'all', '--out'], "hakit: convert all: flag --out expects a value. See 'hakit convert all --help'.\n"],
    [['convert', 'all', '--out', 'o', '--init', 'rc'], "hakit: convert all: expected --init=rc to be one of: lsb, systemd, service. See 'hakit convert all --help'.\n"],
    [['lint', 'hacf', '--strict=yes', 'ha.cf'], "hakit: lint hacf: flag --strict takes no value (--strict=yes). See 'hakit lint hacf --help'.\n"],
    [['convert', 'all', '--out', 'o', '--location-score', 'high'], "hakit: convert all: --location-score: expected an integer but received: high. See 'hakit convert all --help'.\n"],
  ]
  assertUsageErrors(cases)
  const json = runCli(['lint', 'hacf', '--json', '--no-such-flag'])
  assert.equal(json.status, 2)
  const envelope = JSON.parse(json.stdout)
  assert.equal(envelope.ok, false)
  assert.equal(envelope.exitCode, 2)
  assert.equal(envelope.command, 'lint hacf')
  assert.equal(envelope.error.message, 'unknown flag --no-such-flag')
})

test('suggestCommand compares word by word at the typed depth', () => {
  const known = ['lint:hacf', 'lint:all', 'crm:resource:move', 'crm:resource:ban', 'crm:status', 'crm_mon'].map((id) => id.split(':'))
  assert.deepEqual(suggestCommand(['crm', 'resourc'], known), ['crm', 'resource'])
  assert.deepEqual(suggestCommand(['crm', 'resource', 'bna'], known), ['crm', 'resource', 'ban'])
  assert.deepEqual(suggestCommand(['lint', 'hcaf'], known), ['lint', 'hacf'])
  assert.equal(suggestCommand(['xyz'], known), undefined)
  assert.equal(editDistance('move', 'mvoe'), 1)
  assert.equal(editDistance('', 'abc'), 3)
})
