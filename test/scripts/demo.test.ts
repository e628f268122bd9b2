/**
 * `npm start`'s demo (scripts/demo.mjs) runs to the end: the legacy cluster's
 * takeover and failback, the migration steps, then the same two loopback nodes
 * in CRM mode — crm status, a power cut, resource move/clear, node
 * standby/online — each step seen by the demo's HTTP client, in that order.
 * No root needed; asserts steps and their order, never durations.
 */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {spawn} from 'node:child_process'
import {existsSync} from 'node:fs'
import {join} from 'node:path'
import {projectRoot} from '../helpers/cli.js'

const built = existsSync(join(projectRoot, 'dist', 'bundle'))

function runDemo(): Promise<{code: number | null; output: string}> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(projectRoot, 'scripts', 'demo.mjs')], {cwd: projectRoot, env: {...process.env, NO_COLOR: '1'}, stdio: ['ignore', 'pipe', 'pipe']})
    let output = ''
    child.stdout.on('data', (d: Buffer) => (output += d.toString()))
    child.stderr.on('data', (d: Buffer) => (output += d.toString()))
    // a generous bound for a loaded machine; the demo's own waits give up long before
    const timer = setTimeout(() => child.kill('SIGKILL'), 300_000)
    child.on('exit', (code) => {
      clearTimeout(timer)
      resolve({code, output})
    })
  })
}

/** Index of each pattern in the output, each searched after the previous one. */
function inOrder(output: string, patterns: RegExp[]): void {
  let from = 0
  for (const p of patterns) {
    const m = p.exec(output.slice(from))
    assert.ok(m, `"${p.source}" after offset ${from} in:\n${output}`)
    from += m.index + m[0].length
  }
}

test('npm start: the legacy demo, the migration and the CRM demo run to the end', {skip: built ? false : 'dist/ is not built (npm run build)', timeout: 330_000}, async () => {
  const {code, output} = await runDemo()
  assert.equal(code, 0, output)
  assert.doesNotMatch(output, /gave up waiting/)
  inOrder(output, [
    /== 1\. hakit run --legacy/,
    /→ served by n1/,
    /power cut of n1/,
    /takeover: n2 serves \d+ ms after the power cut/,
    /failback: n1 serves again/,
    /== 2\. Migrating/,
    /\$ hakit convert all /,
    /== 3\. The same two nodes in CRM mode/,
    /\$ hakit convert haresources /,
    /→ served by n1/,
    /\$ hakit crm status -1/,
    /Online: \[ n1 n2 \]/,
    /svc_DemoHttp\s+\(heartbeat:DemoHttp\):\s+Started n1/,
    /\$ hakit crm configure show/,
    /primitive svc_DemoHttp heartbeat:DemoHttp/,
    /location loc_svc_DemoHttp_prefers_n1 svc_DemoHttp 100: n1/,
    /power cut of n1/,
    /recovery: n2 serves \d+ ms after the power cut/,
    /OFFLINE: \[ n1 \]/,
    /Started n2/,
    /n1 serves again/,
    /\$ hakit crm resource move svc_DemoHttp n2/,
    /INFO: Move constraint created for svc_DemoHttp to n2/,
    /moved: n2 serves/,
    /\$ hakit crm resource clear svc_DemoHttp/,
    /cleared: back on its preferred node n1/,
    /\$ hakit crm node standby n1/,
    /n1 in standby: n2 serves/,
    /\$ hakit crm node online n1/,
    /n1 online: n1 serves/,
    /Started n1/,
    /CRM demo done/,
  ])
  // every temp directory the demo named is gone
  for (const dir of new Set(output.match(/\/tmp\/hakit-demo[^/\s]*/g) ?? [])) assert.ok(!existsSync(dir), `${dir} left behind`)
})
