#!/usr/bin/env node
// `npm start`: a self-contained tour of hakit.
// 1. A two-node `hakit run --legacy` cluster on loopback serving HTTP on a
//    floating 127.0.N.100 address: status, power cut of the primary, takeover,
//    failback (scripts/demo-cluster.mjs; no root, host network untouched).
// 2. The bundled example cluster (test/fixtures/example-cluster): lint the
//    legacy files, convert them to Pacemaker, show and simulate the result.
// 3. The two loopback nodes of 1 again, now `hakit run --crm` on the converted
//    haresources: crm status, a power cut, crm resource move/clear, crm node
//    standby/online (scripts/demo-crm.mjs).
// Exit 1 when a cluster step did not happen (the client never saw the move).
// Each step runs the real CLI; nothing outside a temp directory is touched.
import {spawnSync} from 'node:child_process'
import {mkdtempSync, rmSync, existsSync, readFileSync, cpSync, chmodSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, dirname} from 'node:path'
import {fileURLToPath} from 'node:url'
import {runDemoCluster} from './demo-cluster.mjs'
import {runCrmDemo} from './demo-crm.mjs'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const work = mkdtempSync(join(tmpdir(), 'hakit-demo-'))
// git does not keep file modes: work on a copy whose authkeys is 0600, as Heartbeat demands.
const example = join(work, 'ha.d')
cpSync(join(root, 'test', 'fixtures', 'example-cluster'), example, {recursive: true})
chmodSync(join(example, 'authkeys'), 0o600)

function hakit(title, args) {
  console.log(`\n\x1b[1m$ hakit ${args.join(' ')}\x1b[0m   # ${title}`)
  const r = spawnSync(process.execPath, [join(root, 'bin', 'run.js'), ...args], {stdio: 'inherit', cwd: root})
  return r.status
}

function hakitHas(command) {
  const manifest = JSON.parse(readFileSync(join(root, 'oclif.manifest.json'), 'utf8'))
  return Object.hasOwn(manifest.commands, command)
}

try {
  console.log('\x1b[1m== 1. hakit run --legacy: a two-node Heartbeat v1 cluster on loopback ==\x1b[0m')
  const legacyOk = await runDemoCluster()
  console.log(`\n\x1b[1m== 2. Migrating a Heartbeat v1 + DRBD cluster: ${example} ==\x1b[0m`)
  for (const f of ['ha.cf', 'haresources']) {
    const p = join(example, f)
    if (existsSync(p)) console.log(`\n--- ${f} ---\n${readFileSync(p, 'utf8').trim()}`)
  }
  if (hakitHas('lint:all')) hakit('check the legacy files', ['lint', 'all', example])
  if (hakitHas('convert:all')) {
    const out = join(work, 'out')
    hakit('convert to Pacemaker + Corosync', ['convert', 'all', example, '--out', out])
    if (existsSync(join(out, 'cib.xml'))) {
      if (hakitHas('crm:configure:show')) hakit('the converted configuration', ['crm', 'configure', 'show', '--cib', join(out, 'cib.xml')])
      if (hakitHas('crm:simulate')) {
        hakit('what Pacemaker would do first when n1 and n2 join (DRBD starts; the group follows once DRBD sets its promotion scores)',
          ['crm', 'simulate', '--xml-file', join(out, 'cib.xml'), '--quorum', '1', '--node-up', 'n1', '--node-up', 'n2'])
      }
    }
  }
  console.log('\n\x1b[1m== 3. The same two nodes in CRM mode (hakit run --crm): the Pacemaker model ==\x1b[0m')
  const crmOk = await runCrmDemo()
  if (!legacyOk || !crmOk) {
    console.log('\ndemo: a cluster step did not happen (see "gave up" above)')
    process.exitCode = 1
  }
} finally {
  rmSync(work, {recursive: true, force: true})
}
