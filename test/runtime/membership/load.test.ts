import {test} from 'node:test'
import assert from 'node:assert/strict'
import {ChildProcess, spawn} from 'node:child_process'
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {projectRoot} from '../../helpers/cli.js'
import {loopbackConfig, randomPort, sleep} from './harness.js'
import {until} from './netns.js'

function startProbe(config: ReturnType<typeof loopbackConfig>): ChildProcess & {output: string[]} {
  const file = join(config.stateDir, 'probe.json')
  writeFileSync(file, JSON.stringify({...config, auth: {activeIndex: config.auth.activeIndex, keys: [...config.auth.keys]}}))
  const child = spawn(process.execPath, ['--import', 'tsx', join(projectRoot, 'src/runtime/messaging/cli-probe.ts'), file], {cwd: projectRoot, stdio: ['ignore', 'pipe', 'inherit']}) as ChildProcess & {output: string[]}
  child.output = []
  child.stdout!.on('data', (d: Buffer) => child.output.push(...d.toString().split('\n')))
  return child
}

test('keepalive 100 ms / deadtime 500 ms between two processes: no false death while the CPUs are saturated', {timeout: 180_000}, async () => {
  const port = randomPort()
  const overrides = {keepaliveMs: 100, deadtimeMs: 500, warntimeMs: 300, initdeadMs: 3000, startupDeadtimeBumpMs: 0}
  const probes = [0, 1].map((i) => startProbe(loopbackConfig(2, i, port, overrides)))
  const burners: ChildProcess[] = []
  try {
    assert.ok(await until(() => probes.every((p) => p.output.some((l) => /status active/.test(l) && !/Local/.test(l))), 20_000), probes.map((p) => p.output.join('\n')).join('\n--\n'))
    // six busy loops at the same priority on this 2-core machine, for 4 s
    for (let i = 0; i < 6; i++) burners.push(spawn(process.execPath, ['-e', 'const end = Date.now() + 4000; while (Date.now() < end) {}'], {stdio: 'ignore'}))
    await sleep(4500)
    for (const p of probes) assert.ok(!p.output.some((l) => /is dead/.test(l)), p.output.join('\n'))
    // and a real death is still seen after the load
    probes[1]!.kill('SIGKILL')
    assert.ok(await until(() => probes[0]!.output.some((l) => /node n2: is dead/.test(l)), 20_000))
  } finally {
    for (const b of burners) b.kill('SIGKILL')
    for (const p of probes) p.kill('SIGKILL')
  }
})
