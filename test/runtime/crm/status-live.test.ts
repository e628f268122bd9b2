/**
 * crm status's live view against two real `hakit run --crm` daemons on loopback, in a
 * pseudo-terminal (`script`): the view subscribes to the DC's socket (the watch request),
 * redraws when a `crm resource move` changes the cluster, marks the changed resource line and
 * shows the DC's transition. Also the one-shot XML and JSON of the live cluster. Asserts what
 * is shown, never times.
 */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {spawn} from 'node:child_process'
import {existsSync, mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {haveCommand, projectRoot, runCli} from '../../helpers/cli.js'
import {CrmLab} from './crm-lab.js'

const haveDummy = existsSync('/usr/lib/ocf/resource.d/pacemaker/Dummy')
const built = existsSync(join(projectRoot, 'dist', 'bundle'))
const skip = !haveDummy ? 'ocf:pacemaker:Dummy is not installed (pacemaker-resource-agents)'
  : !built ? 'dist/ is not built (npm run build)'
  : !haveCommand('script') ? 'script (util-linux) not installed: no pseudo-terminal' : false

const crm = ['node n1', 'node n2', 'primitive d1 ocf:pacemaker:Dummy op monitor interval=2s timeout=20s', 'property stonith-enabled=false', 'property dc-deadtime=5s'].join('\n') + '\n'

test('live view on the DC: a move redraws with the resource on its new node, marked; XML and JSON of the live cluster', {skip, timeout: 300_000}, async () => {
  const lab = new CrmLab({cib: crm})
  const dir = mkdtempSync(join(tmpdir(), `hakit-status-live-crm-${process.pid}-`))
  let child: ReturnType<typeof spawn> | undefined
  try {
    lab.start('n1')
    lab.start('n2')
    await lab.waitFor('d1 active once and a DC', async () => (lab.placement().get('d1') ?? []).length === 1 && !!(await lab.status('n1'))?.dc)
    const dc = (await lab.status('n1'))!.dc!
    const socket = lab.node(dc).socket

    // one-shot XML and JSON of the live cluster
    const xml = runCli(['crm_mon', '-1', '--output-as', 'xml', '--socket', socket], {env: {CIB_file: ''}})
    assert.equal(xml.status, 0, xml.stderr)
    assert.match(xml.stdout, new RegExp(`<current_dc present="true" [^>]*name="${dc}"`))
    assert.match(xml.stdout, /<resource id="d1" resource_agent="ocf:pacemaker:Dummy" role="Started" active="true"/)
    const json = runCli(['crm', 'status', '-1', '--json', '--socket', socket], {env: {CIB_file: ''}})
    assert.equal(json.status, 0, json.stderr)
    const data = JSON.parse(json.stdout).result as {nodes: {name: string; online: boolean}[]; resources: {id: string; nodes: {name: string}[]}[]}
    assert.deepEqual(data.nodes.map((n) => [n.name, n.online]), [['n1', true], ['n2', true]])
    assert.equal(data.resources.find((r) => r.id === 'd1')?.nodes.length, 1)

    const first = lab.placement().get('d1')![0]!
    const other = first === 'n1' ? 'n2' : 'n1'
    const log = join(dir, 'typescript')
    child = spawn('script', ['-qfc', `${process.execPath} ${join(projectRoot, 'bin', 'run.js')} crm status --socket ${socket}`, log], {
      env: {...process.env, CIB_file: '', NO_COLOR: '1', COLUMNS: '100', FORCE_COLOR: undefined},
      stdio: ['pipe', 'ignore', 'inherit'],
    })
    const screen = () => { try { return readFileSync(log, 'utf8') } catch { return '' } }
    const frames = () => screen().split('\x1b[H\x1b[2J').slice(1)
    const started = (node: string) => new RegExp(`^.\\s\\* d1\\s+\\(ocf:pacemaker:Dummy\\):\\s+Started ${node}\\r?$`, 'm')
    await lab.waitFor('the first frame with d1', () => frames().some((f) => started(first).test(f)))
    assert.match(frames()[0]!, /transition \d+:/, 'the DC shows its transition')

    const move = runCli(['crm', 'resource', 'move', 'd1', other, '--socket', socket], {env: {CIB_file: ''}})
    assert.equal(move.status, 0, move.stderr)
    await lab.waitFor(`a frame with d1 on ${other}`, () => frames().some((f) => started(other).test(f)))
    const moved = frames().find((f) => started(other).test(f))!
    assert.match(moved, new RegExp(`^>\\s\\* d1\\s+\\(ocf:pacemaker:Dummy\\):\\s+Started ${other}\\r?$`, 'm'), 'the changed line is marked')
    assert.ok(frames().length >= 3, 'redrawn on each change of the move (constraint, stop, start)')

    child.stdin!.write('q')
    const code = await new Promise<number | null>((resolve) => child!.on('exit', resolve))
    child = undefined
    assert.equal(code, 0)
    assert.ok(screen().includes('\x1b[?25h\x1b[?1049l'), 'the terminal is restored')
    runCli(['crm', 'resource', 'clear', 'd1', '--socket', socket], {env: {CIB_file: ''}})
  } finally {
    if (child?.pid) child.kill('SIGTERM')
    await lab.cleanup()
    rmSync(dir, {recursive: true, force: true})
  }
})
