/**
 * `hakit convert all --apply`: load the converted configuration into a
 * running Pacemaker with cibadmin (which honours CIB_file, so the same code
 * works on a CIB file). The live CIB keeps its nodes, status, op_defaults and
 * other sections; cluster properties are merged (ours win); resources,
 * constraints and rsc_defaults are replaced by the converted ones — this is
 * for the cut-over of a cluster that does not run anything yet.
 */
import {spawn} from 'node:child_process'
import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {UserError} from '../core/errors.js'
import type {Cib, NvSet} from '../formats/cib/model.js'
import {parseCibXml, printCibXml} from '../formats/cib/xml.js'
import {diffCibs, type CibDiff} from '../runtime/cib/diff.js'

function run(cmd: string, args: string[]): Promise<{status: number | null; stdout: string; stderr: string}> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {stdio: ['ignore', 'pipe', 'pipe']})
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    child.on('error', (e) => reject(new UserError(`${cmd}: ${e.message} (is pacemaker-cli-utils installed?)`)))
    child.on('close', (status) => resolve({status, stdout, stderr}))
  })
}

/** The live configuration with ours laid over it (see the module comment). */
export function mergeIntoLive(live: Cib, ours: Cib): Cib {
  const crmConfig: NvSet[] = live.crmConfig.map((s) => ({...s, pairs: [...s.pairs]}))
  for (const set of ours.crmConfig) {
    const target = crmConfig.find((s) => s.id === set.id)
    if (!target) {
      crmConfig.push(set)
      continue
    }
    for (const p of set.pairs) {
      const i = target.pairs.findIndex((x) => x.name === p.name)
      if (i >= 0) target.pairs[i] = {...target.pairs[i]!, value: p.value}
      else target.pairs.push(p)
    }
  }
  return {...live, crmConfig, resources: ours.resources, constraints: ours.constraints, rscDefaults: ours.rscDefaults}
}

export interface ApplyResult {
  diff: CibDiff
  applied: boolean
}

export async function applyCib(ours: Cib, options: {dryRun?: boolean} = {}): Promise<ApplyResult> {
  const query = await run('cibadmin', ['--query'])
  if (query.status !== 0) throw new UserError(`cibadmin --query failed: ${query.stderr.trim() || `exit ${query.status}`} (is the cluster running, or CIB_file set?)`)
  const live = parseCibXml(query.stdout, 'live CIB')
  const merged = mergeIntoLive(live, ours)
  const diff = diffCibs(live, merged, {labels: ['live CIB', 'converted']})
  if (options.dryRun || diff.equal) return {diff, applied: false}
  const xml = printCibXml({...merged, status: []})
  const configuration = /<configuration>[^]*<\/configuration>/.exec(xml)?.[0]
  if (!configuration) throw new Error('printed CIB has no configuration section')
  const dir = await mkdtemp(join(tmpdir(), 'hakit-apply-'))
  try {
    const file = join(dir, 'configuration.xml')
    await writeFile(file, configuration)
    const replace = await run('cibadmin', ['--replace', '--scope', 'configuration', '--xml-file', file])
    if (replace.status !== 0) throw new UserError(`cibadmin --replace failed: ${replace.stderr.trim() || `exit ${replace.status}`}`)
  } finally {
    await rm(dir, {recursive: true, force: true})
  }
  return {diff, applied: true}
}
