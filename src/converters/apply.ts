/**
 * `hakit convert all --apply`: load the converted configuration into a
 * running Pacemaker with cibadmin (which honours CIB_file, so the same code
 * works on a CIB file). The live CIB keeps its nodes, status, op_defaults and
 * other sections; cluster properties are merged (ours win); resources,
 * constraints and rsc_defaults are replaced by the converted ones — this is
 * for the cut-over of a cluster that does not run anything yet.
 *
 * Safety: the change goes in as ONE versioned patch (`crm_diff` between the
 * CIB we read and the CIB we want, then `cibadmin --patch`). Pacemaker applies
 * a versioned patch only to the exact CIB version it was made from, so a CIB
 * that changed after we read it (and after the user saw the difference) is
 * never overwritten, and a patch is applied whole or not at all. A pushed CIB
 * can therefore never be "older than the live one" (pcs#241): hakit always
 * starts from the live version and moves it one epoch forward.
 */
import {spawn} from 'node:child_process'
import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {UserError} from '../core/errors.js'
import type {Cib, NvSet} from '../formats/cib/model.js'
import {parseCibXml, parseXmlTree, printCibXml, printXmlTree, type XmlElement} from '../formats/cib/xml.js'
import {diffCibs, type CibDiff} from '../cib/diff.js'

interface RunResult {
  status: number | null
  stdout: string
  stderr: string
}

function run(cmd: string, args: string[]): Promise<RunResult> {
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

/** The last non-empty line of a tool's stderr: its error message. */
function lastLine(text: string): string {
  return text.trim().split('\n').filter((l) => l.trim()).pop() ?? ''
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

/** The configuration sections --apply writes; every other part of the live CIB is kept as it is. */
const REPLACED_SECTIONS = ['crm_config', 'resources', 'constraints', 'rsc_defaults']

/** `admin_epoch.epoch.num_updates` of a CIB document, as Pacemaker prints versions. */
export function cibVersion(root: XmlElement): string {
  return ['admin_epoch', 'epoch', 'num_updates'].map((k) => root.attrs[k] ?? '0').join('.')
}

/**
 * The live CIB document with the replaced sections taken from `merged`, and
 * its epoch one higher (a versioned patch needs a newer target version).
 */
export function targetDocument(liveXml: string, merged: Cib): string {
  const live = parseXmlTree(liveXml, 'live CIB')
  const wanted = parseXmlTree(printCibXml({...merged, status: []}), 'converted CIB')
  const liveConfig = live.children.find((c) => c.name === 'configuration')
  const wantedConfig = wanted.children.find((c) => c.name === 'configuration')
  if (!liveConfig || !wantedConfig) throw new UserError('the live CIB has no <configuration> section')
  const kept = liveConfig.children.filter((c) => !REPLACED_SECTIONS.includes(c.name))
  const replaced = wantedConfig.children.filter((c) => REPLACED_SECTIONS.includes(c.name))
  liveConfig.children = [...replaced.filter((c) => c.name === 'crm_config'), ...kept, ...replaced.filter((c) => c.name !== 'crm_config')]
  const epoch = Number.parseInt(live.attrs.epoch ?? '0', 10)
  live.attrs = {...live.attrs, epoch: String((Number.isFinite(epoch) ? epoch : 0) + 1)}
  return printXmlTree(live)
}

export interface ApplyResult {
  diff: CibDiff
  applied: boolean
  /** CIB version read (`admin_epoch.epoch.num_updates`), and after the change. */
  versionBefore: string
  versionAfter?: string
  /** Patches sent (more than one when the status section moved on in between). */
  attempts: number
}

export interface ApplyOptions {
  dryRun?: boolean
  /** Called with the difference before anything is pushed (to show what will change). */
  onDiff?: (diff: CibDiff) => void
  /** Tests only: runs after the live CIB was read and the difference computed, before anything is pushed. */
  beforePush?: () => Promise<void>
}

async function queryLive(): Promise<string> {
  const query = await run('cibadmin', ['--query'])
  if (query.status !== 0) throw new UserError(`cibadmin --query failed: ${lastLine(query.stderr) || `exit ${query.status}`} (is the cluster running, or CIB_file set?)`)
  return query.stdout
}

/** cibadmin's exit status for "Update was older than existing configuration" (CRM_EX_OLD). */
const EXIT_OLD = 103
/** Attempts when only the status section moved on under us (num_updates). */
const ATTEMPTS = 5

export async function applyCib(ours: Cib, options: ApplyOptions = {}): Promise<ApplyResult> {
  let liveXml = await queryLive()
  const live = parseCibXml(liveXml, 'live CIB')
  const merged = mergeIntoLive(live, ours)
  const diff = diffCibs(live, merged, {labels: ['live CIB', 'converted']})
  const readRoot = parseXmlTree(liveXml, 'live CIB')
  const versionBefore = cibVersion(readRoot)
  options.onDiff?.(diff)
  if (options.dryRun || diff.equal) return {diff, applied: false, versionBefore, attempts: 0}

  const dir = await mkdtemp(join(tmpdir(), 'hakit-apply-'))
  try {
    const liveFile = join(dir, 'live.xml')
    const targetFile = join(dir, 'target.xml')
    const patchFile = join(dir, 'patch.xml')
    // Check the whole result before touching the cluster: schema and configuration errors are shown as crm_verify words them.
    await writeFile(targetFile, targetDocument(liveXml, merged))
    const verify = await run('crm_verify', ['--xml-file', targetFile])
    if (verify.status !== 0) {
      throw new UserError(`not applying: crm_verify rejects the resulting CIB (nothing was changed):\n${verify.stderr.trim() || verify.stdout.trim()}`)
    }
    await options.beforePush?.()
    for (let attempt = 1; ; attempt++) {
      await writeFile(liveFile, liveXml)
      await writeFile(targetFile, targetDocument(liveXml, merged))
      const patch = await run('crm_diff', ['--original', liveFile, '--new', targetFile])
      // crm_diff: 0 = no difference, 1 = a patch on stdout, anything else = error
      if (patch.status !== 1) throw new UserError(`crm_diff failed: ${lastLine(patch.stderr) || `exit ${patch.status}`}`)
      await writeFile(patchFile, patch.stdout)
      const push = await run('cibadmin', ['--patch', '--xml-file', patchFile])
      if (push.status === 0) {
        const after = parseXmlTree(await queryLive(), 'live CIB')
        return {diff, applied: true, versionBefore, versionAfter: cibVersion(after), attempts: attempt}
      }
      if (push.status !== EXIT_OLD) throw new UserError(`cibadmin --patch failed, nothing was changed: ${lastLine(push.stderr) || `exit ${push.status}`}`)
      // The live CIB is no longer the one we read. If its configuration moved
      // (epoch), the user reviewed a difference that is no longer true: stop.
      // If only the status moved (num_updates), make the patch again.
      liveXml = await queryLive()
      const now = parseXmlTree(liveXml, 'live CIB')
      const sameConfiguration = ['admin_epoch', 'epoch'].every((k) => (now.attrs[k] ?? '0') === (readRoot.attrs[k] ?? '0'))
      if (!sameConfiguration) {
        throw new UserError(
          `not applying: the live CIB changed after hakit read it (version ${versionBefore} read, now ${cibVersion(now)}); nothing was changed — run again to review the new difference`,
        )
      }
      if (attempt >= ATTEMPTS) throw new UserError(`not applying: the live CIB status kept changing (${ATTEMPTS} attempts, now ${cibVersion(now)}); nothing was changed — try again`)
    }
  } finally {
    await rm(dir, {recursive: true, force: true})
  }
}
