/**
 * The same steps on real Pacemaker 2.1.5 (test/helpers/pacemaker-lab.ts) and
 * on two real `hakit run --crm` daemons in network namespaces (netns-lab.ts);
 * after every step both must have settled in the same placements. Pacemaker's
 * are read with crm_mon, hakit's with the real crm_simulate on the live CIB
 * (which must plan nothing). Pacemaker runs first; without its lab (not root,
 * packages missing) hakit's steps are still checked against `done`.
 */
import assert from 'node:assert/strict'
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {parseCrm} from '../../../src/formats/crm/parse.js'
import {parseCibXml, printCibXml} from '../../../src/formats/cib/xml.js'
import {pacemakerLabUnavailable, startPacemakerLab, type PacemakerLab} from '../../helpers/pacemaker-lab.js'
import {NetnsCrmLab, simulateLive} from './netns-lab.js'
import {crmSimulatePlacements, sorted} from './settled.js'

/** Pacemaker's side runs when its lab can. */
export const pacemakerSkip = pacemakerLabUnavailable()
/** test/helpers/pacemaker-lab.ts: n1 10.78.0.1, n2 10.78.0.2 on hb0. */
export const PACEMAKER_NET = '10.78.0'

export type Placements = Array<[string, string[]]>
export const where = (p: Placements, rsc: string): string[] => new Map(p).get(rsc) ?? []
export const nodeOf = (p: Placements, rsc: string): string | undefined => where(p, rsc)[0]?.split(':')[0]

export interface Step {
  name: string
  /** The placements this step must end in (on both stacks). */
  done: (p: Placements) => boolean
  hakit?: (lab: NetnsCrmLab, before: Placements) => Promise<void> | void
  pacemaker?: (lab: PacemakerLab, before: Placements) => Promise<void> | void
}

/** What to do on each stack before its cluster gets the configuration (hakit: before the daemons start). */
export interface Prepare {
  /** Extra environment of hakit's daemons (e.g. HAKIT_FENCE_AGENT_DIR). */
  hakitEnv?: Record<string, string>
  hakit?: (lab: NetnsCrmLab) => void
  pacemaker?: (lab: PacemakerLab) => void
}

/** The configuration into a running Pacemaker: properties merged, resources/constraints replaced, rsc_defaults created. */
function loadIntoPacemaker(lab: PacemakerLab, crm: string): void {
  // crm syntax or CIB XML; the Pacemaker 1.0 properties its own DC wrote (dc-version,
  // cluster-infrastructure=Heartbeat) are not configuration
  const parsed = crm.trimStart().startsWith('<') ? parseCibXml(crm, 'seed.xml') : parseCrm(crm, 'seed.crm')
  const xml = printCibXml({...parsed, nodes: []}).replace(/\s*<nvpair [^>]*name="(dc-version|cluster-infrastructure)"[^>]*\/>/g, '')
  const section = (name: string) => new RegExp(`<${name}>[\\s\\S]*?</${name}>|<${name}/>`).exec(xml)?.[0]
  const n1 = lab.nodes[0]!
  const run = (argv: string[]) => {
    const r = lab.exec(n1, argv)
    assert.equal(r.status, 0, `${argv.join(' ')}: ${r.stderr}`)
  }
  run(['cibadmin', '-M', '-o', 'crm_config', '-X', section('crm_config')!])
  run(['cibadmin', '--replace', '-o', 'resources', '-X', section('resources')!])
  run(['cibadmin', '--replace', '-o', 'constraints', '-X', section('constraints') ?? '<constraints/>'])
  const defaults = section('rsc_defaults')
  if (defaults) run(['cibadmin', '-C', '-o', 'configuration', '-X', defaults])
}

export async function runSideBySide(t: {diagnostic: (m: string) => void}, crm: (net: string) => string, steps: Step[], prepare: Prepare = {}): Promise<void> {
  const real: Placements[] = []
  if (!pacemakerSkip) {
    const lab = await startPacemakerLab(2)
    try {
      prepare.pacemaker?.(lab)
      loadIntoPacemaker(lab, crm(PACEMAKER_NET))
      let live = lab.nodes[0]!
      const placements = (): Placements => sorted(crmSimulatePlacements(`Current cluster status:\n${lab.exec(live, ['crm_mon', '-1', '-r']).stdout}\nTranscript end\n`))
      let before: Placements = []
      for (const step of steps) {
        await step.pacemaker?.(lab, before)
        // a powered-off node cannot be asked: read the survivor
        if (lab.exec(live, ['true']).status !== 0) live = lab.nodes.find((n) => lab.exec(n, ['true']).status === 0)!
        let last = ''
        await lab.waitFor(`${step.name} (Pacemaker)`, 180_000, () => {
          const out = lab.exec(live, ['crm_mon', '-1', '-r']).stdout
          last = out
          return !/\b(Starting|Stopping|Promoting|Demoting|FAILED|UNCLEAN)\b/.test(out) && step.done(placements())
        }).catch((e: Error) => {
          throw new Error(`${e.message}\n${last}`)
        })
        await new Promise((r) => setTimeout(r, 6_000))
        before = placements()
        assert.ok(step.done(before), `${step.name} (Pacemaker) still holds after settling: ${JSON.stringify(before)}`)
        real.push(before)
      }
      t.diagnostic(`real Pacemaker: ${JSON.stringify(real)}`)
    } finally {
      lab.stop()
    }
  }

  const lab = new NetnsCrmLab({nodes: ['n1', 'n2'], cib: '', ...(prepare.hakitEnv ? {env: prepare.hakitEnv} : {})})
  try {
    const cibText = crm(lab.net)
    writeFileSync(join(lab.work, 'cluster.cib'), cibText)
    const vips = [...cibText.matchAll(/(?:ip="|name="ip" value=")([\d.]+)"/g)].map((m) => m[1]!)
    prepare.hakit?.(lab)
    lab.start('n1')
    lab.start('n2')
    let live = 'n1'
    let before: Placements = []
    for (const [i, step] of steps.entries()) {
      await step.hakit?.(lab, before)
      if (!lab.running(live)) live = ['n1', 'n2'].find((n) => lab.running(n))!
      let last = ''
      const read = async (): Promise<Placements | undefined> => {
        const s = await simulateLive(lab, live).catch(() => undefined)
        if (!s) return undefined
        last = `${JSON.stringify(sorted(s.placements))} pending: ${s.summary.join('; ')}\n${s.nodes}`
        return s.summary.length === 0 && !/UNCLEAN/.test(s.nodes) ? sorted(s.placements) : undefined
      }
      await lab.waitFor(`${step.name} (hakit)`, async () => {
        const first = await read()
        if (!first || !step.done(first)) return false
        await new Promise((r) => setTimeout(r, 3_000))
        const again = await read()
        return again !== undefined && JSON.stringify(again) === JSON.stringify(first)
      }, 180_000, () => last)
      await new Promise((r) => setTimeout(r, 4_000))
      before = (await read())!
      assert.ok(before && step.done(before), `${step.name} (hakit) still holds after settling: ${last}`)
      // nothing active twice, and each address where the CIB says
      for (const vip of vips) assert.ok(lab.holders(vip).length <= 1, `${vip} held once at most: ${lab.holders(vip).join()}`)
      if (real[i]) assert.deepEqual(before, real[i], `${step.name}: the same placements as real Pacemaker`)
    }
    t.diagnostic(`hakit ran every step${real.length ? ', placements equal to real Pacemaker\'s' : ' (Pacemaker lab unavailable: ' + pacemakerSkip + ')'}`)
  } finally {
    lab.teardown()
  }
}

