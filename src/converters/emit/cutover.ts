/**
 * The cut-over without an outage (issue 14, 2a and 2c): the steps that move a
 * running Heartbeat v1 cluster (`hakit run --legacy` or Heartbeat 3.0.6) to
 * Corosync + Pacemaker while every resource keeps running, and the way back.
 * Pacemaker comes up in maintenance mode, probes find the resources where v1
 * runs them, the v1 runtime is detached (it stops acting), maintenance mode
 * goes off (Pacemaker manages them in place) and the v1 daemons exit leaving
 * the resources running. The plan is data (steps with the exact commands for
 * this site) so the lab test runs the very commands MIGRATION.md prints.
 */
import {sections, value} from '../../formats/corosync/model.js'
import type {Bundle} from '../bundle.js'

export interface CutoverCommand {
  /** 'one' (any one node), 'every' (each node in turn), or a node name. */
  on: 'one' | 'every' | string
  run: string
}

export interface CutoverStep {
  id: string
  /** What to do and why, one paragraph of Markdown. */
  text: string
  commands: CutoverCommand[]
  /** What the admin must see before going on. */
  check?: string
}

export interface CutoverPlan {
  nodes: string[]
  /** Placement unit (group, primitive or clone id) → the node haresources gives it. */
  units: Array<{id: string; node: string}>
  steps: CutoverStep[]
  /** With a real Heartbeat 3.0.6: replaces steps `detach` and `stop-v1`. */
  heartbeatDetach: CutoverStep[]
  /** Rollback while Pacemaker is still in maintenance mode (before `maintenance-off`). */
  rollbackEarly: CutoverStep[]
  /** Rollback once Pacemaker manages the resources. */
  rollbackLate: CutoverStep[]
  /** To hakit's CRM runtime (`hakit run --crm`) on the same nodes and /etc/ha.d, one node at a time. */
  toCrm: CutoverStep[]
  /** From the CRM runtime back to `hakit run --legacy`. */
  crmRollback: CutoverStep[]
}

export interface CutoverSite {
  /** The legacy configuration directory on the nodes. */
  dir: string
  /** Where `hakit convert all … --apply` writes its bundle on the node it runs on. */
  out?: string
}

export const MAINTENANCE_ON = 'crm_attribute --type crm_config --name maintenance-mode --update true'
export const MAINTENANCE_OFF = 'crm_attribute --type crm_config --name maintenance-mode --update false'
/** Waits until the cluster has nothing left to do (probes included). */
export const WAIT_IDLE = 'crm_resource --wait --timeout=300s'

export function cutoverPlan(bundle: Bundle, site: CutoverSite): CutoverPlan {
  const nodelist = sections(sections(bundle.corosync, 'nodelist')[0] ?? {items: []}, 'node')
  const nodes = nodelist.map((n) => value(n, 'name') ?? '?')
  const units = bundle.units.map((u) => ({id: u.id, node: u.node}))
  const out = site.out ?? '/root/hakit-pacemaker'
  const locate = units.map((u) => ({on: 'one', run: `crm_resource --locate --resource ${u.id}`}))
  const where = units.map((u) => `\`${u.id}\` → \`${u.node}\``).join(', ')
  const drbd = bundle.cib.resources.filter((r) => r.kind === 'clone' && r.promotable).map((r) => r.id)
  const drbdProbe = drbd.length > 0
    ? ` DRBD (${drbd.map((id) => `\`${id}\``).join(', ')}): the probes find it on every node where the drbd service runs it, "Promoted" where v1 made it primary and "Unpromoted" elsewhere; \`crm_mon -1 -r\` must show exactly that (not tested in hakit's lab).`
    : ''

  const steps: CutoverStep[] = [
    {
      id: 'prepare',
      text: 'Do the first steps of "Cut-over steps" above, up to corosync.conf and the authkey on every node (review, packages, firewall, key; or pcs cluster setup), but leave the v1 daemons running: they keep serving until the end. Check that no Pacemaker CIB is left from earlier tries (`/var/lib/pacemaker/cib/cib.xml` absent on every node), so Pacemaker starts with no resource at all.',
      commands: [{on: 'every', run: 'test ! -e /var/lib/pacemaker/cib/cib.xml && echo "no old CIB"'}],
    },
    {
      id: 'start-pacemaker',
      text: 'Start Corosync and Pacemaker on every node. With no resource in the CIB they start and stop nothing.',
      commands: [{on: 'every', run: 'systemctl start corosync pacemaker'}, {on: 'one', run: 'crm_mon -1'}],
      check: `\`crm_mon -1\` shows ${nodes.join(' ') || 'every node'} online and a DC.`,
    },
    {
      id: 'maintenance-on',
      text: 'Put the whole cluster in maintenance mode BEFORE it knows any resource: from now on Pacemaker probes but starts, stops and monitors nothing.',
      commands: [{on: 'one', run: MAINTENANCE_ON}, {on: 'one', run: 'crm_attribute --type crm_config --name maintenance-mode --query'}],
      check: 'the query prints `value=true`.',
    },
    {
      id: 'load',
      text: `Load the converted configuration as one versioned patch: properties are merged, so maintenance-mode stays true; resources and constraints are replaced. It refuses while the conversion has error findings: fix them first. With crmsh instead, add \`maintenance-mode=true\` to the \`property\` line of crm.txt before \`crm configure load update crm.txt\`, so no load can drop it.`,
      commands: [{on: 'one', run: `hakit convert all ${site.dir} --out ${out} --apply`}],
    },
    {
      id: 'probe',
      text: `Wait for the probes: every resource is looked for on every node. Each group must be found running, complete, exactly where the v1 runtime runs it (${where || 'no groups'}, unless v1 moved it: \`hakit status\` or \`cl_status rscstatus\` on each node tells). \`crm_mon -1 -r\` must show every resource "Started NODE (unmanaged)" — a resource shown Stopped means its converted agent or parameters do not detect what v1 started: stop here (rollback below), fix the resource (\`crm configure edit\`), then \`crm_resource --refresh\`.${drbdProbe}`,
      commands: [{on: 'one', run: WAIT_IDLE}, ...locate, {on: 'one', run: 'crm_mon -1 -r'}],
      check: `each \`crm_resource --locate\` prints \`resource ID is running on: NODE\` (a group: once per member) with the node v1 runs it on, and no other node.`,
    },
    {
      id: 'detach',
      text: 'On every node, tell the v1 runtime to stop managing resources. `hakit detach` (for `hakit run --legacy`): the daemon keeps running but starts, stops and takes over nothing any more, and when it is stopped later it leaves every resource running and sends no shutdown notice. Detach EVERY node before stopping any daemon: a daemon that is not detached takes over the groups of a peer that left. With a real Heartbeat 3.0.6 there is no such command: see "Real Heartbeat" below and do its steps here instead.',
      commands: [{on: 'every', run: 'hakit detach'}, {on: 'every', run: 'hakit status'}],
      check: '`hakit status` on each node shows a `DETACHED` line.',
    },
    {
      id: 'maintenance-off',
      text: 'Hand the resources to Pacemaker. It finds them running where its probes saw them and leaves them there: no start, no stop; it only starts the recurring monitors.',
      commands: [{on: 'one', run: MAINTENANCE_OFF}, {on: 'one', run: WAIT_IDLE}, ...locate, {on: 'one', run: 'crm_mon -1 -r -o'}],
      check: 'every resource is "Started NODE" on the same node as before, not "(unmanaged)"; the operations list (`-o`) shows monitors only, no start or stop.',
    },
    {
      id: 'stop-v1',
      text: 'Stop the detached v1 daemons on every node and keep them from starting at boot; the resources keep running under Pacemaker.',
      commands: [{on: 'every', run: 'systemctl stop hakit-legacy'}, {on: 'every', run: 'systemctl disable hakit-legacy'}, {on: 'one', run: 'crm_mon -1 -r'}],
      check: '`crm_mon -1 -r` unchanged; the service still answers.',
    },
    {
      id: 'finish',
      text: `Start Corosync and Pacemaker at boot, close Heartbeat's 694/udp, and disable at boot (do not stop them: they run the resources now managed by Pacemaker) the init services Pacemaker now manages${drbd.length > 0 ? ', the drbd service included' : ''}.`,
      commands: [{on: 'every', run: 'systemctl enable corosync pacemaker'}, ...(drbd.length > 0 ? [{on: 'every', run: 'systemctl disable drbd'}] : [])],
    },
  ]

  const heartbeatDetach: CutoverStep[] = [
    {
      id: 'heartbeat-disable',
      text: 'Keep Heartbeat from starting at boot (a rebooted node must not bring it back).',
      commands: [{on: 'every', run: 'systemctl disable heartbeat'}],
    },
    {
      id: 'heartbeat-freeze',
      text: `Freeze every node's Heartbeat, all nodes at once, well within deadtime (e.g. in parallel from one shell: ${parallelFreeze(nodes)}). A frozen Heartbeat sends nothing and decides nothing; the freeze lets you check, before the kill that cannot be undone, that every heartbeat process on every node is stopped. Do not resume a frozen Heartbeat (\`pkill -CONT\`) once deadtime has passed: every node then declares the others dead and takes their groups (measured: split brain and restarts, about 20 s of lost service). To go back, kill anyway and start Heartbeat again (rollback below).`,
      commands: [{on: 'every', run: 'pkill -STOP -x heartbeat'}, {on: 'every', run: 'ps -o pid=,stat=,args= -C heartbeat'}],
      check: 'every heartbeat process is listed with state `T` (stopped), on every node.',
    },
    {
      id: 'heartbeat-kill',
      text: 'Kill them. The resources Heartbeat started are other processes and keep running.',
      commands: [{on: 'every', run: 'pkill -KILL -x heartbeat; rm -f /run/heartbeat.pid'}],
      check: '`pidof heartbeat` prints nothing; the service still answers.',
    },
  ]

  const rollbackEarly: CutoverStep[] = [
    {
      id: 'rollback-early-pacemaker',
      text: 'While maintenance-mode is still true (up to step "detach" included), Pacemaker has not touched anything: stop it on every node (in maintenance mode it stops no resource on the way out) and remove its CIB so a later try starts clean.',
      commands: [{on: 'every', run: 'systemctl stop pacemaker corosync'}, {on: 'every', run: 'rm -f /var/lib/pacemaker/cib/cib.xml*'}],
    },
    {
      id: 'rollback-early-attach',
      text: 'If `hakit detach` already ran: on every node `hakit attach`. The daemon asks its peers what they hold, as at start-up, keeps the groups running here and manages them again; nothing is restarted. A v1 daemon that was already stopped: start it first (`systemctl start hakit-legacy`: at start-up it adopts the groups it finds running), then attach the others — an attached node takes over the groups of a peer it sees dead. (Real Heartbeat after the freeze: do not resume it; kill it as in **heartbeat-kill** if not done yet, then `systemctl start heartbeat` on every node: it runs `status` before `start` and starts nothing that runs.)',
      commands: [{on: 'every', run: 'hakit attach'}, {on: 'every', run: 'hakit status'}],
      check: '`hakit status` on each node shows the groups held where they run and no DETACHED line.',
    },
  ]

  const rollbackLate: CutoverStep[] = [
    {
      id: 'rollback-late-place',
      text: `Once Pacemaker manages the resources: first make each group run on its haresources node (${where || 'no groups'}), the node a starting v1 cluster gives it; move any that is elsewhere, then drop the move constraint.`,
      commands: [...locate, {on: 'one', run: 'crm_resource --move --resource ID --node NODE && crm_resource --wait && crm_resource --clear --resource ID'}],
    },
    {
      id: 'rollback-late-maintenance',
      text: 'Freeze Pacemaker: from now on it neither stops nor restarts anything.',
      commands: [{on: 'one', run: MAINTENANCE_ON}, {on: 'one', run: WAIT_IDLE}, {on: 'one', run: 'crm_mon -1 -r'}],
      check: 'every resource "Started NODE (unmanaged)".',
    },
    {
      id: 'rollback-late-v1',
      text: 'Start the v1 runtime on every node (real Heartbeat: `systemctl enable --now heartbeat`). `hakit run --legacy` probes each group at start-up and keeps the ones it finds running (no restart). A real Heartbeat runs `status` before `start` and does not start what runs already.',
      commands: [{on: 'every', run: 'systemctl enable --now hakit-legacy'}, {on: 'every', run: 'hakit status'}],
      check: '`hakit status` (real Heartbeat: `cl_status rscstatus`) shows each group held by the node it runs on.',
    },
    {
      id: 'rollback-late-pacemaker',
      text: 'Stop Pacemaker and Corosync on every node (in maintenance mode they stop no resource) and keep them from starting at boot.',
      commands: [{on: 'every', run: 'systemctl stop pacemaker corosync'}, {on: 'every', run: 'systemctl disable corosync pacemaker'}],
    },
  ]
  const dirFlag = site.dir === '/etc/ha.d' ? '' : ` --config-dir ${site.dir}`
  const toCrm: CutoverStep[] = [
    {
      id: 'crm-detach',
      text: 'On every node, tell the legacy daemon to stop managing resources (`hakit detach`): it keeps running and keeps answering its peers, but starts, stops and takes over nothing any more. Detach EVERY node before switching any: a node that still manages takes over the groups of a node that switches.',
      commands: [{on: 'every', run: 'hakit detach'}, {on: 'every', run: 'hakit status'}],
      check: '`hakit status` on each node shows a `DETACHED` line.',
    },
    ...nodes.map((node): CutoverStep => {
      const here = units.filter((u) => u.node === node).map((u) => `\`${u.id}\``)
      return {
        id: `crm-switch-${node}`,
        text: `On ${node}: \`hakit cutover --to crm\` writes the CRM daemon's first CIB (haresources converted, maintenance-mode=true), stops the detached legacy daemon (the resources keep running), starts the CRM daemon (\`systemctl start hakit-crm\`) and waits until it has joined a cluster with a DC and probed every resource here. The CRM daemon counts only nodes that run it as members: a node still running the legacy daemon is not recovered, fenced or probed. It refuses while this node or a live peer still manages resources (not detached). One node at a time: wait for the command to finish before the next node.`,
        commands: [{on: node, run: `hakit cutover --to crm${dirFlag}`}],
        check: `the last line lists, as running on ${node}, what v1 runs there (${here.length > 0 ? `the resources of ${here.join(', ')}` : 'nothing, unless v1 moved a group here'})${drbd.length > 0 ? `; DRBD (${drbd.map((id) => `\`${id}\``).join(', ')}): \`hakit crm status -r\` shows it Promoted where v1 made it primary and Unpromoted elsewhere (the lab tests this with ocf:pacemaker:Stateful in place of drbd; give an edited conversion with \`--cib FILE\` when a resource script does not convert one to one)` : ''}.`,
      }
    }),
    {
      id: 'crm-finish',
      text: 'When every node runs the CRM daemon: `hakit cutover --check` lists where every resource runs and whether switching maintenance off would start, stop or move anything (it asks the scheduler); `--finish` does the same checks and only then sets maintenance-mode=false. The CRM cluster then manages the resources where they run: nothing is restarted, only the recurring monitors start. If the check refuses (for example a group that runs away from its haresources node while auto_failback is on would move back), fix that first or roll back.',
      commands: [{on: 'one', run: 'hakit cutover --check'}, {on: 'one', run: 'hakit cutover --finish'}, {on: 'one', run: 'hakit crm status -r'}],
      check: '`hakit crm status -r` shows every resource Started on the node it ran on, not unmanaged.',
    },
    {
      id: 'crm-boot',
      text: 'Make the switch survive a reboot.',
      commands: [{on: 'every', run: 'systemctl disable hakit-legacy && systemctl enable hakit-crm'}],
    },
  ]
  const crmRollback: CutoverStep[] = [
    {
      id: 'crm-rollback-switch',
      text: 'On each node in turn: `hakit cutover --to legacy` sets maintenance-mode=true (the CRM cluster starts and stops nothing any more), stops the CRM daemon (in maintenance it stops nothing on the way out) and starts the legacy daemon DETACHED: it holds the groups it finds running here and takes over nothing, not even from a peer that still runs the CRM daemon.',
      commands: [{on: 'every', run: `hakit cutover --to legacy${dirFlag}`}],
      check: 'each run ends with `the legacy daemon runs detached and holds …` naming the groups that run there.',
    },
    {
      id: 'crm-rollback-attach',
      text: 'When every node runs the legacy daemon: `hakit attach` on every node. Each asks its peers what they hold, keeps what runs here and manages again. Then keep the legacy runtime at boot, and move the CRM\'s CIB aside so that a later cut-over starts from haresources again.',
      commands: [{on: 'every', run: 'hakit attach'}, {on: 'every', run: 'hakit status'}, {on: 'every', run: 'systemctl disable hakit-crm && systemctl enable hakit-legacy'}, {on: 'every', run: 'mv /var/lib/hakit/cib /var/lib/hakit/cib.rolled-back'}],
      check: '`hakit status` on each node shows the groups held where they run and no DETACHED line.',
    },
  ]
  return {nodes, units, steps, heartbeatDetach, rollbackEarly, rollbackLate, toCrm, crmRollback}
}

function parallelFreeze(nodes: string[]): string {
  return `${(nodes.length > 0 ? nodes : ['NODE']).map((n) => `\`ssh root@${n} pkill -STOP -x heartbeat &\``).join(' ')} \`wait\``
}

/** The commands of a step as they are run: 'every' expands to one entry per node. */
export function stepCommands(plan: CutoverPlan, step: CutoverStep): Array<{node: string | undefined; run: string}> {
  return step.commands.flatMap((c) => (c.on === 'every' ? plan.nodes.map((node) => ({node, run: c.run})) : [{node: c.on === 'one' ? undefined : c.on, run: c.run}]))
}

/** MIGRATION.md's sections for the cut-over without an outage and the rollback. */
export function cutoverSection(bundle: Bundle, site: CutoverSite): string[] {
  const plan = cutoverPlan(bundle, site)
  const out: string[] = []
  const where = (on: string) => (on === 'one' ? 'on one node' : on === 'every' ? `on every node (${plan.nodes.join(', ')})` : `on ${on}`)
  const render = (steps: CutoverStep[], first = 1) =>
    steps.forEach((step, i) => {
      out.push(`${first + i}. **${step.id}** — ${step.text}`, '')
      for (const c of step.commands) out.push(`   - ${where(c.on)}: \`${c.run}\``)
      if (step.check) out.push('', `   Check: ${step.check}`)
      out.push('')
    })

  out.push('## Cut-over without an outage', '',
    'The services keep running through the whole move: Pacemaker takes over the resources where the v1 runtime',
    'runs them, without stopping or restarting anything. Measured in hakit\'s namespace lab (test/cutover):',
    'an HTTP client probing the virtual IP every 50 ms saw no failed request. Every command below is for this site.', '')
  render(plan.steps)
  out.push('### Real Heartbeat 3.0.6 (instead of `hakit detach`)', '',
    'Heartbeat has no way to leave without releasing its resources: SIGTERM, `heartbeat -k` and the init script',
    'all give every group up (an outage) and make the peer take over. What leaves the resources running is',
    'killing every heartbeat process with SIGKILL (Heartbeat\'s own ResourceManager does that after a failed stop),',
    'on all nodes within deadtime of each other, or a surviving Heartbeat declares the killed node dead and starts',
    'its groups a second time; the freeze (SIGSTOP) first has the same deadline. Do these instead of step',
    '**detach**, then go on with **maintenance-off** and skip **stop-v1**:', '')
  render(plan.heartbeatDetach)
  out.push('Not with a `watchdog` line in ha.cf: the watchdog reboots a node whose Heartbeat is frozen or killed',
    '(remove the line and restart Heartbeat first — an outage of its own — or take a maintenance window).',
    'There is no way back to a running Heartbeat from the freeze other than kill and start again (see Rollback).', '')
  out.push('### To hakit\'s CRM runtime instead (`hakit run --crm`, same nodes, same /etc/ha.d)', '',
    'No Corosync or Pacemaker packages: each node switches from `hakit run --legacy` to `hakit run --crm` in turn,',
    'the resources keep running (measured in the lab: no failed probe, the web server keeps its PID). Instead of all',
    'the steps above:', '')
  render(plan.toCrm)
  out.push('Rollback to `hakit run --legacy`, also without an outage:', '')
  render(plan.crmRollback)
  out.push('## Rollback', '',
    '### Before maintenance mode is switched off (steps start-pacemaker to detach)', '')
  render(plan.rollbackEarly)
  out.push('### After maintenance mode is switched off (Pacemaker manages the resources)', '')
  render(plan.rollbackLate)
  return out
}
