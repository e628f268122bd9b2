/**
 * crm status's live view in a pseudo-terminal (`script`): it draws, redraws when the CIB file
 * changes (not on a timer), marks the changed lines, fits narrow terminals, and q restores the
 * terminal. The pure helpers are tested directly.
 */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {spawn} from 'node:child_process'
import {copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {haveCommand, projectRoot, sharedDir} from '../helpers/cli.js'
import {fit, fitHeight, frameLines, progressLine} from '../../src/cli/crm-status-live.js'

test('fit cuts to the width, counting tabs to the next stop', () => {
  assert.equal(fit('abcdef', 4), 'abc…')
  assert.equal(fit('ab', 4), 'ab')
  assert.equal(fit('a\tb', 9), 'a\tb')
  assert.equal(fit('a\tb', 8), 'a…')
})

test('frameLines marks only lines that changed, never the clock', () => {
  const mark = (l: string) => `[${l}]`
  const before = ['Cluster Summary:', '  * Last updated: A', '  * p\tStarted n1']
  const after = ['Cluster Summary:', '  * Last updated: B', '  * p\tStarted n2']
  assert.deepEqual(frameLines(after, before, 80, mark), ['Cluster Summary:', '  * Last updated: B', '[  * p\tStarted n2]'])
  assert.deepEqual(frameLines(after, undefined, 80, mark), after, 'the first frame marks nothing')
})

test('fitHeight keeps what fits and says how many lines, and how many changed ones, are cut', () => {
  const lines = ['a', 'b', 'c', 'd', 'e']
  assert.deepEqual(fitHeight(lines, lines, undefined, 10, 80), lines)
  assert.deepEqual(fitHeight(lines, lines, ['a', 'b', 'c', 'd', 'x'], 3, 80), ['a', 'b', '… 3 more lines (1 changed): enlarge the terminal, or use -1'])
})

test('progressLine shows the transition in flight', () => {
  assert.match(progressLine({version: '0.5.2', transition: {id: 3, inFlight: ['p_start_0@n1', 'q_stop_0@n2']}}, 200), /transition 3: 2 actions in flight: p_start_0@n1 q_stop_0@n2/)
  assert.match(progressLine({version: '0.5.2', transition: {id: 3, inFlight: []}}, 200), /complete/)
})

const skip = haveCommand('script') ? false : 'script (util-linux) not installed: no pseudo-terminal'

test('live view in a pseudo-terminal: redraws on a CIB change, marks it, q restores the terminal', {skip, timeout: 120_000}, async () => {
  const dir = mkdtempSync(join(tmpdir(), `hakit-status-live-${process.pid}-`))
  try {
    const cib = join(dir, 'cib.xml')
    copyFileSync(join(sharedDir, 'corpus', 'scheduler', 'group', 'group1.xml'), cib)
    const log = join(dir, 'typescript')
    const child = spawn('script', ['-qfc', `${process.execPath} ${join(projectRoot, 'bin', 'run.js')} crm status`, log], {
      env: {...process.env, CIB_file: cib, NO_COLOR: '1', COLUMNS: '50', FORCE_COLOR: undefined},
      stdio: ['pipe', 'ignore', 'inherit'],
    })
    const screen = () => { try { return readFileSync(log, 'utf8') } catch { return '' } }
    const waitFor = async (what: string, ok: (s: string) => boolean) => {
      const deadline = Date.now() + 90_000
      while (!ok(screen())) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}:\n${screen()}`)
        await new Promise((r) => setTimeout(r, 100))
      }
    }
    const frames = (s: string) => s.split('\x1b[H\x1b[2J').slice(1)
    await waitFor('the first frame', (s) => frames(s).length >= 1 && s.includes('Press q'))
    // no change, no redraw: a second frame would mean a timer
    await new Promise((r) => setTimeout(r, 1500))
    assert.equal(frames(screen()).length, 1, 'redrawn without a change')
    // put the group's first member in standby-free "maintenance": the node list changes
    writeFileSync(cib, readFileSync(cib, 'utf8').replace(/<cluster_property_set id="([^"]+)">/, '<cluster_property_set id="$1"><nvpair id="ops-status-mm" name="maintenance-mode" value="true"/>'))
    await waitFor('a redraw after the change', (s) => frames(s).some((f) => f.includes('Resource management is DISABLED')))
    const changed = frames(screen()).find((f) => f.includes('Resource management is DISABLED'))!
    assert.match(changed, /^>.*Resource management is DISABLED/m, 'the new line is marked')
    assert.doesNotMatch(changed, /^>.*Last updated/m, 'the clock is not a change')
    for (const line of changed.split(/\r?\n/)) assert.ok(line.replace(/\t/g, '        ').length <= 50 + 8, `fits 50 columns: ${JSON.stringify(line)}`)
    child.stdin.write('q')
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve))
    assert.equal(code, 0)
    assert.ok(screen().includes('\x1b[?25h\x1b[?1049l'), 'the cursor and the main screen are restored')
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
})
