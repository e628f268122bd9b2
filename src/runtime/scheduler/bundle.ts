/**
 * Bundles (Pacemaker 2.1.5 lib/pengine/bundle.c, lib/pacemaker/pcmk_sched_bundle.c): a <bundle>
 * runs `replicas` containers (ocf:heartbeat:docker, podman or rkt), each with an optional
 * IPaddr2 address (NAME-ip-ADDR) and, when it holds a primitive, an implicit
 * ocf:pacemaker:remote connection NAME-N that makes the container a guest node; the primitive
 * runs inside as a clone (NAME-clone, or NAME-master when promotable) with one instance per
 * replica, each instance allowed on its replica's guest node only.
 *
 * The bundle is one variant object: it places its containers like clone instances, then each
 * replica's IP, connection and child, and orders and colocates the parts.
 */
import type * as M from '../../formats/cib/model.js'
import {parseXmlTree, readXmlFragment, type XmlElement} from '../../formats/cib/xml.js'
import {pseudoAction} from './actions.js'
import {
  childTask, cloneUpdateOrderedActions, cmpInstance, distributeChildren, findCompatibleChild, instanceStatus, isBlocked, newPseudo, nodeListExclude, rscRole, stableSort,
  summaryActionFlags,
} from './clone.js'
import {newColocation, newOrdering, orderResourceActions} from './constraints.js'
import {applyLocation, assignResource, currentNode, logScores, sortNodes} from './placement.js'
import {buildClone, buildPrimitive, mergedMeta, newRsc, resourceParams} from './resources.js'
import {addScores, INFINITY, isTrue} from './scores.js'
import {failCount} from './unpack.js'
import {
  type Action, type BundleReplica, type Colocation, type Flags, type LocationRule, O, type Rsc, Role, type SNode, type VariantMethods, type WorkingSet,
} from './types.js'

const AGENTS = ['docker', 'rkt', 'podman'] as const
const DEFAULT_REMOTE_PORT = '3121'

/** What a <bundle> element configures. */
interface BundleConfig {
  id: string
  position: number
  agent: string
  image: string
  promotedMax: number
  nreplicas: number
  replicasPerHost: number
  runCommand?: string
  options?: string
  network?: string
  ipRangeStart?: string
  hostNetmask?: string
  hostInterface?: string
  controlPort?: string
  addHost: boolean
  ports: Array<{source: string; target: string}>
  mounts: Array<{source: string; target: string; options?: string; subdir: boolean}>
  primitive?: M.Primitive
  metaAttributes: M.NvSet[]
}

function minInt(text: string | undefined, min: number): number | undefined {
  if (text === undefined) return undefined
  const n = Number.parseInt(text, 10)
  return Number.isNaN(n) ? min : Math.max(n, min)
}

function readBundle(el: XmlElement, position: number): BundleConfig | undefined {
  const child = (name: string) => el.children.find((c) => c.name === name)
  const agentEl = AGENTS.map((a) => child(a)).find((c) => c !== undefined)
  if (!agentEl) return undefined
  const a = agentEl.attrs
  const promotedMax = minInt(a['promoted-max'] ?? a.masters, 0) ?? 0
  const nreplicas = a.replicas === undefined && promotedMax > 0 ? promotedMax : minInt(a.replicas, 1) ?? 1
  const cfg: BundleConfig = {
    id: el.attrs.id, position, agent: agentEl.name, image: a.image ?? '', promotedMax, nreplicas,
    replicasPerHost: minInt(a['replicas-per-host'], 1) ?? 1, runCommand: a['run-command'], options: a.options, network: a.network,
    addHost: true, ports: [], mounts: [], metaAttributes: [],
  }
  const net = child('network')
  if (net) {
    cfg.ipRangeStart = net.attrs['ip-range-start']
    cfg.hostNetmask = net.attrs['host-netmask']
    cfg.hostInterface = net.attrs['host-interface']
    cfg.controlPort = net.attrs['control-port']
    const addHost = net.attrs['add-host']
    if (addHost !== undefined && /^(false|no|off|n|0)$/i.test(addHost)) cfg.addHost = false
    for (const p of net.children.filter((c) => c.name !== '#comment')) {
      const source = p.attrs.port ?? p.attrs.range
      if (source) cfg.ports.push({source, target: (p.attrs.port !== undefined ? p.attrs['internal-port'] : undefined) ?? source})
    }
  }
  for (const m of child('storage')?.children.filter((c) => c.name !== '#comment') ?? []) {
    const subdir = m.attrs['source-dir'] === undefined
    const source = m.attrs['source-dir'] ?? m.attrs['source-dir-root']
    const target = m.attrs['target-dir']
    if (source && target) cfg.mounts.push({source, target, options: m.attrs.options, subdir})
  }
  const prim = child('primitive')
  if (prim) {
    const fragment = readXmlFragment(prim, 'cib')
    if (fragment.kind === 'resource' && fragment.resource.kind === 'primitive') cfg.primitive = fragment.resource
  }
  // the bundle's own meta attributes, read as those of a primitive
  const metaOnly = readXmlFragment({name: 'primitive', attrs: {id: cfg.id, class: 'ocf', provider: 'pacemaker', type: 'Dummy'}, children: el.children.filter((c) => c.name === 'meta_attributes')}, 'cib')
  if (metaOnly.kind === 'resource' && metaOnly.resource.kind === 'primitive') cfg.metaAttributes = metaOnly.resource.metaAttributes
  // a primitive needs an address to be reached at: an IP range or a control port (valid_network)
  if (cfg.primitive && !cfg.ipRangeStart && !cfg.controlPort) cfg.primitive = undefined
  if (!cfg.ipRangeStart && cfg.controlPort) cfg.replicasPerHost = 1
  return cfg
}

function bundleConfigs(cib: M.Cib): BundleConfig[] {
  const out: BundleConfig[] = []
  for (const s of cib.otherSections) {
    if ((s.parent ?? 'configuration') !== 'resources' || s.name !== 'bundle') continue
    const cfg = readBundle(parseXmlTree(s.xml, 'cib'), s.position ?? Number.MAX_SAFE_INTEGER)
    if (cfg) out.push(cfg)
  }
  return out
}

/** The guest nodes the bundles create (one per replica of a bundle with a primitive). */
export function bundleNodeNames(cib: M.Cib): string[] {
  return bundleConfigs(cib).filter((b) => b.primitive).flatMap((b) => Array.from({length: b.nreplicas}, (_, i) => `${b.id}-${i}`))
}

/** Guest nodes that bundles placed after this resource position create (and <nodes> does not configure). */
export function bundleNodesAfter(ws: WorkingSet, position: number): number {
  const configured = new Set(ws.cib.nodes.map((n) => n.uname))
  return bundleConfigs(ws.cib).filter((b) => b.primitive && b.position > position)
    .reduce((sum, b) => sum + Array.from({length: b.nreplicas}, (_, i) => `${b.id}-${i}`).filter((name) => !configured.has(name)).length, 0)
}

/**
 * next_ip: sscanf("%u.%u.%u.%u") of the last address (blanks before each number, a sign, text
 * after the fourth ignored, unsigned wrap-around), the next IPv4 address; IPv6 and anything else
 * has none (2.1.5 does not support IPv6 ranges).
 */
function nextIp(last: string): string | undefined {
  const m = /^\s*([+-]?\d+)\.\s*([+-]?\d+)\.\s*([+-]?\d+)\.\s*([+-]?\d+)/.exec(last)
  if (!m) return undefined
  const unsigned = (text: string) => {
    const v = BigInt(text)
    const max = 2n ** 64n - 1n // strtoul saturates; %u keeps the low 32 bits
    return Number(((v > max ? max : v < -max ? -max : v) % 2n ** 32n + 2n ** 32n) % 2n ** 32n)
  }
  const [o1, o2, o3, o4] = m.slice(1).map(unsigned)
  if (o3 > 253) return undefined
  return o4 > 253 ? `${o1}.${o2}.${(o3 + 1) >>> 0}.1` : `${o1}.${o2}.${o3}.${(o4 + 1) >>> 0}`
}

/** printf's "%s" of a NULL address */
const NULL_TEXT = '(null)'

const pair = (name: string, value: string): M.NvPair => ({name, value})

function op(name: string, interval: string, timeout?: string): M.Operation {
  return {name, interval, attributes: timeout ? {timeout} : {}, instanceAttributes: [], metaAttributes: []}
}

function implicitPrimitive(id: string, provider: string, type: string, params: M.NvPair[], meta: M.NvPair[], ops: M.Operation[]): M.Primitive {
  return {
    kind: 'primitive', id, class: 'ocf', provider, type,
    instanceAttributes: params.length > 0 ? [{id: `${id}-instance_attributes`, pairs: params}] : [],
    metaAttributes: meta.length > 0 ? [{id: `${id}-meta_attributes`, pairs: meta}] : [],
    utilization: [], operations: ops,
  }
}

/** create_container_resource: the container agent's parameters, run_opts as Pacemaker composes it */
function containerPrimitive(cfg: BundleConfig, offset: number, ipaddr: string | undefined, hostOptions: string, withChild: boolean): M.Primitive {
  const docker = cfg.agent !== 'rkt'
  const hostnameOpt = docker ? '-h ' : '--hostname='
  const envOpt = docker ? '-e ' : '--environment='
  let opts = cfg.agent === 'docker' ? ' --restart=no' : ''
  if (cfg.ipRangeStart) opts += ` ${hostnameOpt}${cfg.id}-${offset}`
  opts += ` ${envOpt}PCMK_stderr=1`
  if (cfg.network !== undefined) opts += ` --net=${cfg.network}`
  opts += ` ${envOpt}PCMK_remote_port=${cfg.controlPort ?? DEFAULT_REMOTE_PORT}`
  const subdirs: string[] = []
  let volume = 0
  for (const m of mountsOf(cfg, withChild)) {
    const source = m.subdir ? `${m.source}/${cfg.id}-${offset}` : m.source
    if (m.subdir) subdirs.push(source)
    if (docker) opts += ` -v ${source}:${m.target}${m.options !== undefined ? `:${m.options}` : ''}`
    else {
      opts += ` --volume vol${volume},kind=host,source=${source}${m.options !== undefined ? `,${m.options}` : ''} --mount volume=vol${volume},target=${m.target}`
      volume++
    }
  }
  for (const p of portsOf(cfg, withChild)) {
    if (docker) {
      if (ipaddr !== undefined) opts += ` -p ${ipaddr}:${p.source}:${p.target}`
      else if (cfg.network !== 'host') opts += ` -p ${p.source}:${p.target}`
    } else {
      opts += ipaddr !== undefined ? ` --port=${p.target}:${ipaddr}:${p.source}` : ` --port=${p.target}:${p.source}`
    }
  }
  if (cfg.options !== undefined) opts += ` ${cfg.options}`
  opts += ` ${hostOptions}`
  const params = [pair('image', cfg.image), pair('allow_pull', 'true'), pair('force_kill', 'false'), pair('reuse', 'false'), pair('run_opts', opts), pair('mount_points', subdirs.join(','))]
  if (withChild) params.push(pair('run_cmd', cfg.runCommand ?? '/usr/sbin/pacemaker-remoted'))
  else if (cfg.runCommand !== undefined) params.push(pair('run_cmd', cfg.runCommand))
  params.push(pair('monitor_cmd', '/bin/true'))
  return implicitPrimitive(`${cfg.id}-${cfg.agent}-${offset}`, 'heartbeat', cfg.agent, params, [], [op('monitor', '60s')])
}

/** The configured mounts, then (with a primitive inside) the authkey and the log directory. */
function mountsOf(cfg: BundleConfig, withChild: boolean): BundleConfig['mounts'] {
  if (!withChild) return cfg.mounts
  const out = [...cfg.mounts, {source: '/etc/pacemaker/authkey', target: '/etc/pacemaker/authkey', subdir: false}]
  if (!cfg.mounts.some((m) => m.target === '/var/log')) out.push({source: '/var/log/pacemaker/bundles', target: '/var/log', subdir: true})
  return out
}

/** The configured port mappings, then (with a primitive inside) the remote control port. */
function portsOf(cfg: BundleConfig, withChild: boolean): BundleConfig['ports'] {
  if (!withChild) return cfg.ports
  const port = cfg.controlPort ?? DEFAULT_REMOTE_PORT
  return [...cfg.ports, {source: port, target: port}]
}

/** create_ip_resource: made for every replica once a range is set, even one left without an address (its id then says "(null)") */
function ipPrimitive(cfg: BundleConfig, ipaddr: string | undefined): M.Primitive {
  const params = ipaddr !== undefined ? [pair('ip', ipaddr)] : []
  if (cfg.hostInterface !== undefined) params.push(pair('nic', cfg.hostInterface))
  params.push(pair('cidr_netmask', cfg.hostNetmask ?? '32'))
  // crm_xml_sanitize_id replaces only ':' and '#'
  return implicitPrimitive(`${cfg.id}-ip-${ipaddr ?? NULL_TEXT}`.replace(/[:#]/g, '.'), 'heartbeat', 'IPaddr2', params, [], [op('monitor', '60s')])
}

/** pe_create_remote_xml: the connection to the guest node inside a container */
function remotePrimitive(cfg: BundleConfig, offset: number, containerId: string, ipaddr: string | undefined): M.Primitive {
  const params = [pair('addr', ipaddr ?? '#uname'), pair('port', cfg.controlPort ?? DEFAULT_REMOTE_PORT)]
  return implicitPrimitive(`${cfg.id}-${offset}`, 'pacemaker', 'remote', params, [pair('internal_rsc', 'true'), pair('container', containerId)], [op('monitor', '30s', '30s')])
}

/** The child clone's meta attributes (pe__unpack_bundle). */
function childClone(cfg: BundleConfig, prim: M.Primitive): M.Clone {
  const kind = cfg.promotedMax > 0 ? 'master' : 'clone'
  const pairs = [pair('ordered', 'true'), pair('clone-max', String(cfg.nreplicas)), pair('clone-node-max', String(cfg.replicasPerHost)),
    pair('globally-unique', cfg.replicasPerHost > 1 ? 'true' : 'false')]
  if (cfg.promotedMax > 0) pairs.push(pair('promotable', 'true'), pair('promoted-max', String(cfg.promotedMax)))
  return {kind: 'clone', id: `${cfg.id}-${kind}`, promotable: cfg.promotedMax > 0, metaAttributes: [{id: `${cfg.id}-${kind}-meta`, pairs}], instanceAttributes: [], child: prim, legacyMaster: false}
}

function buildBundle(ws: WorkingSet, cfg: BundleConfig): Rsc {
  const bundle = newRsc(ws, cfg.id, 'bundle', mergedMeta(ws, cfg.metaAttributes))
  bundle.unique = cfg.replicasPerHost > 1
  bundle.interleave = isTrue(bundle.meta.get('interleave'))
  const data: NonNullable<Rsc['bundle']> = {agent: cfg.agent, image: cfg.image, replicasPerHost: cfg.replicasPerHost, nreplicas: cfg.nreplicas, promotedMax: cfg.promotedMax, replicas: []}
  bundle.bundle = data
  // addresses first: every container's options name every replica's address
  const addresses: Array<string | undefined> = []
  let hostOptions = ''
  let last: string | undefined
  let clone: Rsc | undefined
  if (cfg.primitive) {
    clone = buildClone(ws, childClone(cfg, cfg.primitive), bundle, cfg.position)
    data.child = clone
  }
  const count = clone ? clone.children.length : cfg.nreplicas
  for (let i = 0; i < count; i++) {
    let ip: string | undefined
    if (cfg.ipRangeStart) {
      ip = last === undefined ? cfg.ipRangeStart : nextIp(last)
      last = ip
      const text = ip ?? NULL_TEXT
      if (cfg.agent !== 'rkt') hostOptions += cfg.addHost ? ` --add-host=${cfg.id}-${i}:${text}` : ` --hosts-entry=${text}=${cfg.id}-${i}`
      else hostOptions += ` --hosts-entry=${text}=${cfg.id}-${i}`
    }
    addresses.push(ip)
  }
  for (let i = 0; i < count; i++) {
    const ipaddr = addresses[i]
    const child = clone?.children[i]
    const container = buildPrimitive(ws, containerPrimitive(cfg, i, ipaddr, hostOptions, child !== undefined), bundle)
    bundle.children.push(container)
    const replica: BundleReplica = {offset: i, container, ...(ipaddr !== undefined ? {ipaddr} : {})}
    if (cfg.ipRangeStart) {
      replica.ip = buildPrimitive(ws, ipPrimitive(cfg, ipaddr), bundle)
      bundle.children.push(replica.ip)
    }
    if (child) {
      replica.child = child
      child.exclusiveDiscover = true
      if (child.notify || child.children.some((c) => c.notify)) clone!.notify = true
      replica.remote = buildPrimitive(ws, remotePrimitive(cfg, i, container.id, ipaddr), bundle)
      bundle.children.push(replica.remote)
      // utilization configured on the primitive belongs to the container
      if (child.utilization) { container.utilization = child.utilization; child.utilization = new Map() }
      if (ipaddr !== undefined) child.meta.set('external-ip', ipaddr)
    }
    data.replicas.push(replica)
  }
  if (clone) {
    bundle.children.push(clone)
    // the child's container-attribute-target applies to the bundle and the clone too
    const target = clone.children.at(-1)?.meta.get('container-attribute-target')
    if (target !== undefined) { bundle.meta.set('container-attribute-target', target); clone.meta.set('container-attribute-target', target) }
  }
  return bundle
}

/** Builds every bundle and puts it at its place among the configured top-level resources. */
export function buildBundles(ws: WorkingSet, top: Rsc[]): void {
  const configs = bundleConfigs(ws.cib).sort((a, b) => a.position - b.position)
  let inserted = 0
  for (const cfg of configs) {
    const bundle = buildBundle(ws, cfg)
    top.splice(Math.min(cfg.position + inserted, top.length), 0, bundle)
    inserted++
    for (const replica of bundle.bundle!.replicas) linkGuestNode(ws, replica)
  }
}

/** The replica's guest node: reached through the replica's connection, running nothing but the replica's child. */
function linkGuestNode(ws: WorkingSet, replica: BundleReplica): void {
  const remote = replica.remote
  if (!remote) return
  const node = ws.nodeByName.get(remote.id)
  if (!node) return
  replica.node = node
  node.bundleOwner = remote.parent
  node.bundleNodeConfigured = ws.cib.nodes.some((n) => n.uname === node.uname)
  node.remote = true
  node.guest = true
  node.bundleReplica = true
  node.remoteRsc = remote
  node.attrs.set('#kind', 'container')
  remote.isRemoteConnection = true
  remote.allowRemoteRemotes = true
  remote.container = replica.container
}

/**
 * Allowed nodes once every resource has its defaults: no resource may run on a replica's guest
 * node but the replica's child (score 500, discovered there only); the child clone and the
 * connection may not.
 */
export function bundleAllowedNodes(ws: WorkingSet): void {
  for (const bundle of ws.resources) {
    if (!bundle.bundle) continue
    for (const replica of bundle.bundle.replicas) {
      if (!replica.child || !replica.node) continue
      const node = replica.node
      replica.child.allowed = new Map([[node, 500]])
      ;(replica.child.discoverMode ??= new Map()).set(node, 2)
      replica.child.parent!.allowed.set(node, -INFINITY)
    }
  }
}

/**
 * A node's score in a resource's allowed nodes once the resources are unpacked (undefined: not
 * there at all): the node's own weight, except where bundles are concerned. Pacemaker creates the node while it unpacks its
 * bundle (create_remote_resource: weight -INFINITY, never discovered), and the symmetric default
 * (pe__unpack_resource, resource_node_score) skips never-discovered nodes and exclusive
 * resources; so what holds the node depends on what was unpacked before it existed:
 *   - a node <nodes> configures exists from the start: what is unpacked before its bundle gets
 *     it (score 0), and disallow_node then sets -INFINITY in the top-level resources already
 *     unpacked — not in the bundle's own containers and IPs, whose copies keep 0;
 *   - the bundle's child clone gets each of its guest nodes at -INFINITY, each instance only its
 *     own guest node (bundleAllowedNodes); a connection bans every remote or guest node it holds;
 *   - resources created later (orphans, instances found in the history) never get one.
 * Guest connections in an asymmetric cluster take every node existing at their unpack
 * ("remote_connection_default", which does not skip never-discovered nodes).
 */
export function defaultNodeScore(ws: WorkingSet, rsc: Rsc, node: SNode, late: boolean): number | undefined {
  const owner = node.bundleOwner
  if (!owner?.bundle) {
    // a bundle's connection bans the remote and guest nodes it holds when created (create_remote_resource)
    const bundleConnection = rsc.parent?.bundle?.replicas.some((r) => r.remote === rsc) === true
    return bundleConnection && node.remote ? -INFINITY : node.weight ?? 0
  }
  const symmetric = ws.options.symmetric
  if (late) return symmetric ? undefined : -INFINITY
  const configured = node.bundleNodeConfigured === true
  let top = rsc
  while (top.parent) top = top.parent
  const position = (r: Rsc) => ws.configOrder.indexOf(r)
  const createdAfter = position(owner) > position(top) // the node's bundle is unpacked after rsc's top-level resource
  const replicas = top.bundle?.replicas ?? []
  const remoteIndex = replicas.findIndex((r) => r.remote === rsc)
  if (!symmetric) {
    // only guest connections are here; a bundle's own connection i sees its nodes 0..i
    if (remoteIndex >= 0 && top === owner) return configured || replicas.findIndex((r) => r.node === node) <= remoteIndex ? -INFINITY : undefined
    return configured || !createdAfter ? -INFINITY : undefined
  }
  if (!top.bundle || top !== owner) {
    // a bundle's instances keep only their own guest node
    const instance = top.bundle && rsc !== top.bundle.child && rsc.parent !== undefined && rsc.parent !== top
    return configured && createdAfter && !instance ? -INFINITY : undefined
  }
  // rsc is part of the node's own bundle
  if (!configured) return rsc === top.bundle.child ? -INFINITY : undefined
  const k = replicas.findIndex((r) => r.node === node)
  if (rsc === top.bundle.child) return -INFINITY
  const i = replicas.findIndex((r) => r.container === rsc || r.ip === rsc)
  if (i >= 0) return k >= i ? 0 : undefined
  if (remoteIndex >= 0) return k > remoteIndex ? -INFINITY : undefined
  return undefined
}

// ------------------------------------------------------------ assignment --

/** pcmk__threshold_reached */
function thresholdReached(ws: WorkingSet, rsc: Rsc, node: SNode): boolean {
  if (rsc.migrationThreshold === 0 || rsc.failureIgnored) return false
  let fc = failCount(ws, rsc, node)
  for (const filler of rsc.fillers ?? []) fc = addScores(fc, failCount(ws, filler, node))
  return fc > 0 && rsc.migrationThreshold - fc <= 0
}

/**
 * pcmk__bundle_allocate: containers like clone instances, then each replica's IP, connection and
 * child, then the child clone. Pacemaker does not check whether the bundle is placed already:
 * a placed bundle assigned again (as the primary of another colocation) logs its scores again
 * and sets its children's weights again; the rest is a no-op on parts already placed.
 */
function bundleAssign(ws: WorkingSet, rsc: Rsc, prefer: SNode | null): SNode | null {
  const data = rsc.bundle!
  if (rsc.allocating) return null
  const placed = !rsc.provisional
  rsc.allocating = true
  if (ws.showScores) logScores(ws, rsc, 'pcmk__bundle_allocate')
  if (!placed) {
    const nodes = sortNodes([...rsc.allowed.entries()], null).map(([n]) => n)
    const containers = stableSort(data.replicas.map((r) => r.container), cmpInstance)
    distributeChildren(ws, rsc, nodes, data.nreplicas, data.replicasPerHost, containers)
  }
  for (const replica of data.replicas) {
    if (!placed) {
      replica.ip?.fns.assign(replica.ip, prefer)
      const host = replica.container.allocatedTo
      if (replica.remote && host?.remote && host.remoteRsc) {
        // a nested connection must run where the host's own connection runs
        newColocation(ws, 'child-remote-with-docker-remote', undefined, INFINITY, replica.remote, host.remoteRsc, undefined, undefined, true)
      }
      replica.remote?.fns.assign(replica.remote, prefer)
    }
    const child = replica.child
    if (child && replica.node) {
      for (const n of [...child.allowed.keys()]) {
        if (n !== replica.node) child.allowed.set(n, -INFINITY)
        else if (!thresholdReached(ws, child, n)) child.allowed.set(n, INFINITY)
      }
      if (!placed) {
        const clone = child.parent!
        clone.allocating = true
        child.fns.assign(child, replica.node)
        clone.allocating = false
      }
    }
  }
  const clone = data.child
  if (clone) {
    const guestNodes = new Set(data.replicas.map((r) => r.node))
    for (const n of [...clone.allowed.keys()]) clone.allowed.set(n, guestNodes.has(n) ? 0 : -INFINITY)
    if (!placed) clone.fns.assign(clone, prefer)
  }
  rsc.allocating = false
  rsc.provisional = false
  return null
}

// ------------------------------------------------------------ actions -----

/** pcmk__bundle_create_actions */
function bundleCreateActions(ws: WorkingSet, rsc: Rsc): void {
  const data = rsc.bundle!
  for (const replica of data.replicas) {
    replica.ip?.fns.createActions(replica.ip)
    replica.container.fns.createActions(replica.container)
    replica.remote?.fns.createActions(replica.remote)
  }
  // clone_create_pseudo_actions over the containers (no notifications)
  const st = {stopping: false, starting: false, active: false}
  let allowDependentMigrations = true
  for (const replica of data.replicas) {
    const s = {stopping: false, starting: false, active: false}
    instanceStatus(replica.container, s)
    if (s.stopping && s.starting) allowDependentMigrations = false
    st.stopping ||= s.stopping
    st.starting ||= s.starting
    st.active ||= s.active
  }
  newPseudo(ws, rsc, 'start', !st.starting, true)
  const started = newPseudo(ws, rsc, 'running', !st.starting, false)
  // the graph's "complete" points keep firing after an abort (synapse priority INFINITY)
  started.priority = INFINITY
  if (st.active || st.starting) started.runnable = true
  const stop = newPseudo(ws, rsc, 'stop', !st.stopping, true)
  if (allowDependentMigrations) stop.migrateRunnable = true
  newPseudo(ws, rsc, 'stopped', !st.stopping, true).priority = INFINITY
  const clone = data.child
  if (clone) {
    clone.fns.createActions(clone)
    if (clone.promotable) {
      pseudoAction(ws, rsc, 'promote', true)
      pseudoAction(ws, rsc, 'promoted', true).priority = INFINITY
      pseudoAction(ws, rsc, 'demote', true)
      pseudoAction(ws, rsc, 'demoted', true).priority = INFINITY
    }
  }
}

/** pcmk__bundle_internal_constraints */
function bundleInternalConstraints(ws: WorkingSet, rsc: Rsc): void {
  const data = rsc.bundle!
  const order = (first: Rsc, ft: string, then: Rsc, tt: string, type: number) => orderResourceActions(ws, first, ft, then, tt, type)
  const clone = data.child
  if (clone) {
    order(rsc, 'start', clone, 'start', O.impliesFirstPrinted)
    order(rsc, 'stop', clone, 'stop', O.impliesFirstPrinted)
    if (clone.children.length > 0) {
      order(clone, 'running', rsc, 'running', O.impliesThenPrinted)
      order(clone, 'stopped', rsc, 'stopped', O.impliesThenPrinted)
    } else {
      order(clone, 'start', rsc, 'running', O.impliesThenPrinted)
      order(clone, 'stop', rsc, 'stopped', O.impliesThenPrinted)
    }
  }
  for (const replica of data.replicas) {
    const container = replica.container
    container.fns.internalConstraints(container)
    order(rsc, 'start', container, 'start', O.runnableLeft | O.impliesFirstPrinted)
    if (replica.child) order(rsc, 'stop', replica.child, 'stop', O.impliesFirstPrinted)
    order(rsc, 'stop', container, 'stop', O.impliesFirstPrinted)
    order(container, 'start', rsc, 'running', O.impliesThenPrinted)
    order(container, 'stop', rsc, 'stopped', O.impliesThenPrinted)
    if (replica.ip) {
      replica.ip.fns.internalConstraints(replica.ip)
      order(replica.ip, 'start', container, 'start', O.runnableLeft | O.preserve)
      order(container, 'stop', replica.ip, 'stop', O.impliesFirst | O.preserve)
      newColocation(ws, 'ip-with-docker', undefined, INFINITY, replica.ip, container, undefined, undefined, true)
    }
    // the connection is ordered and colocated with its container as a resource in a container
    replica.remote?.fns.internalConstraints(replica.remote)
  }
  if (clone) {
    clone.fns.internalConstraints(clone)
    if (clone.promotable) {
      // pcmk__promotable_restart_ordering
      order(rsc, 'stopped', rsc, 'start', O.optional)
      order(rsc, 'stopped', rsc, 'promote', O.optional)
      order(rsc, 'demoted', rsc, 'stop', O.optional)
      order(rsc, 'demoted', rsc, 'start', O.optional)
      order(rsc, 'demoted', rsc, 'promote', O.optional)
      order(rsc, 'running', rsc, 'promote', O.optional)
      order(rsc, 'demote', rsc, 'demoted', O.optional)
      order(clone, 'demoted', rsc, 'demoted', O.impliesThenPrinted)
      order(rsc, 'demote', clone, 'demote', O.impliesFirstPrinted)
      order(clone, 'promoted', rsc, 'promoted', O.impliesThenPrinted)
      order(rsc, 'promote', clone, 'promote', O.impliesFirstPrinted)
    }
  }
}

/** pcmk__bundle_action_flags: role changes and notifications follow the child's instances, the rest the containers */
function bundleActionFlags(action: Action, node: SNode | null): Flags {
  const rsc = action.rsc!
  const data = rsc.bundle!
  if (data.child) {
    const clone = data.child
    const roleOrNotify = ['notify', 'notified', 'promote', 'promoted', 'demote', 'demoted'].includes(action.task)
    if (roleOrNotify) return summaryActionFlags(action, clone.children, node, childTask(rsc, action.task, action.uuid))
  }
  return summaryActionFlags(action, data.replicas.map((r) => r.container), node, childTask(rsc, action.task, action.uuid))
}

// ------------------------------------------------------------ colocation --

/** pcmk__bundle_apply_coloc_score: the bundle is only ever the primary (its colocations go to its containers) */
function bundleApplyColocScore(ws: WorkingSet, dependent: Rsc, primary: Rsc, c: Colocation, forDependent: boolean): void {
  if (forDependent) return
  if (primary.provisional) return
  const data = primary.bundle!
  if (c.dependent.variant === 'clone' || c.dependent.variant === 'bundle') {
    // compatible_replica: the container on the dependent's (assigned or best) node
    const pair = findCompatibleChild(dependent, primary, Role.Unknown, false)
    if (pair) dependent.fns.applyColocScore(dependent, pair, c, true)
    // no replica to pair with: the dependent is stopped ("Cannot pair")
    else if (c.score >= INFINITY) assignResource(ws, dependent, null, true)
    return
  }
  const chosen: SNode[] = []
  for (const replica of data.replicas) {
    if (c.score < INFINITY) {
      replica.container.fns.applyColocScore(dependent, replica.container, c, false)
      continue
    }
    const node = replica.container.allocatedTo
    if (!node || isBlocked(replica.container)) continue
    if (c.primaryRole >= Role.Promoted && (!replica.child || rscRole(replica.child, false) < Role.Promoted)) continue
    chosen.push(node)
  }
  // only the nodes of the chosen containers stay
  if (c.score >= INFINITY) nodeListExclude(dependent.allowed, chosen.map((node) => ({node, weight: 0})), false)
}

/** pcmk__bundle_rsc_location: the bundle, its containers and IPs; role-specific ones also the child */
function bundleApplyLocation(rsc: Rsc, loc: LocationRule): void {
  applyLocation(rsc, loc)
  for (const replica of rsc.bundle!.replicas) {
    replica.container.fns.applyLocation(replica.container, loc)
    replica.ip?.fns.applyLocation(replica.ip, loc)
  }
  const clone = rsc.bundle!.child
  if (clone && (loc.role === Role.Unpromoted || loc.role === Role.Promoted)) clone.fns.applyLocation(clone, loc)
}

// ------------------------------------------------------------ probes ------

/** pcmk__bundle_create_probe: the parts of each replica, the child only on its own guest node */
export function bundleCreateProbe(ws: WorkingSet, rsc: Rsc, node: SNode, probe: (r: Rsc) => boolean): boolean {
  const data = rsc.bundle!
  let any = false
  for (const replica of data.replicas) {
    if (replica.ip && probe(replica.ip)) any = true
    if (replica.child && replica.node === node && probe(replica.child)) any = true
    if (probe(replica.container)) {
      any = true
      // one replica per host: no container starts before the others are known not to run there
      if (data.replicasPerHost === 1) {
        for (const other of data.replicas) {
          if (other === replica) continue
          newOrdering(ws, {rsc: replica.container, action: probeAction(replica.container, node)}, {rsc: other.container, task: 'start'}, O.optional | O.sameNode)
        }
      }
    }
    if (replica.remote && probe(replica.remote)) {
      const remoteProbe = probeAction(replica.remote, node)
      if (remoteProbe) {
        any = true
        // the connection is probed once it is known where its container runs
        newOrdering(ws, {rsc: replica.container, task: 'start'}, {rsc: replica.remote, action: remoteProbe}, O.probe)
      }
    }
  }
  return any
}

function probeAction(rsc: Rsc, node: SNode): Action | undefined {
  return rsc.actions.find((a) => a.task === 'monitor' && a.intervalMs === 0 && a.node === node)
}

// ------------------------------------------------------------ addresses ---

/** pe__bundle_needs_remote_name: a bundle's connection whose address is the magic "#uname" */
export function needsBundleRemoteName(ws: WorkingSet, rsc: Rsc): boolean {
  if (!rsc.isRemoteConnection || rsc.parent?.variant !== 'bundle') return false
  return (resourceParams(ws, rsc, null).get('addr') ?? '').toLowerCase() === '#uname'
}

/** pe__add_bundle_remote_name: the node its container will run on (or runs on now) */
export function bundleRemoteName(rsc: Rsc): string | undefined {
  if (!rsc.isRemoteConnection || rsc.parent?.variant !== 'bundle' || !rsc.container) return undefined
  const addr = rsc.prim?.instanceAttributes[0]?.pairs.find((p) => p.name === 'addr')?.value
  if (addr?.toLowerCase() !== '#uname') return undefined
  return (rsc.container.allocatedTo ?? currentNode(rsc.container))?.uname
}

// ------------------------------------------------------------ status ------

/**
 * pe__bundle_text: "Container bundle[ set]: NAME [IMAGE]" and a line per replica, named after its
 * connection (or container) and address, showing the child (or container) where the container is.
 * `describe(rsc, container)` gives the "(agent):\t state" part.
 */
export function bundleStatusLines(rsc: Rsc, indent: string, describe: (shown: Rsc, container: Rsc) => string): string[] {
  const data = rsc.bundle!
  const flags = `${rsc.unique ? ' (unique)' : ''}${(rsc.unpacked?.managed ?? rsc.managed) ? '' : ' (unmanaged)'}`
  const lines = [`${indent}* Container bundle${data.nreplicas > 1 ? ' set' : ''}: ${rsc.id} [${data.image}]${flags}:`]
  for (const replica of data.replicas) {
    const name = `${(replica.remote ?? replica.container).id}${replica.ipaddr !== undefined ? ` (${replica.ipaddr})` : ''}`
    lines.push(`${indent}  * ${name}\t${describe(replica.child ?? replica.container, replica.container)}`)
  }
  return lines
}

// ------------------------------------------------------------ summary -----

/** pcmk__output_bundle_actions: per replica, its IP, container, connection and child. */
export function bundleSummaryOrder(rsc: Rsc): Rsc[] {
  return rsc.bundle!.replicas.flatMap((r) => [r.ip, r.container, r.remote, r.child].filter((x): x is Rsc => x !== undefined))
}

export function makeBundleMethods(ws: () => WorkingSet): VariantMethods {
  return {
    assign: (rsc, prefer) => bundleAssign(ws(), rsc, prefer),
    createActions: (rsc) => bundleCreateActions(ws(), rsc),
    internalConstraints: (rsc) => bundleInternalConstraints(ws(), rsc),
    applyColocScore: (d, p, c, f) => bundleApplyColocScore(ws(), d, p, c, f),
    applyLocation: bundleApplyLocation,
    actionFlags: bundleActionFlags,
    updateOrderedActions: (first, then, node, flags, filter, type) => cloneUpdateOrderedActions(ws(), first, then, node, flags, filter, type),
  }
}

