/**
 * Checks of corosync.conf that `corosync -t` does not make: unknown sections
 * and keys (a typo passes corosync -t), plus the rules corosync 3 enforces at
 * start-up, so a file can be checked on a host without corosync.
 * Key lists: corosync.conf(5), votequorum(5) for corosync 3.1.
 */
import {finding, type Finding} from '../../core/findings.js'
import {sections, value, type CorosyncConf, type CorosyncItem, type CorosyncSection} from './model.js'

const ringKeys = Array.from({length: 8}, (_, i) => `ring${i}_addr`)

/** Allowed keys per section path; `null` entries are subsections. */
const schema: Record<string, string[]> = {
  '': ['totem', 'nodelist', 'quorum', 'logging', 'resources', 'system', 'nozzle', 'qb', 'uidgid'],
  totem: [
    'version', 'cluster_name', 'clear_node_high_bit', 'crypto_model', 'crypto_cipher', 'crypto_hash', 'keyfile', 'key',
    'link_mode', 'knet_compression_model', 'knet_compression_threshold', 'knet_compression_level', 'knet_pmtud_interval',
    'knet_mtu', 'netmtu', 'transport', 'ip_version', 'token', 'token_warning', 'token_retransmit', 'hold',
    'token_retransmits_before_loss_const', 'join', 'send_join', 'consensus', 'merge', 'downcheck', 'fail_recv_const',
    'seqno_unchanged_const', 'heartbeat_failures_allowed', 'max_network_delay', 'window_size', 'max_messages',
    'miss_count_const', 'block_unlisted_ips', 'cancel_token_hold_on_retransmit', 'token_coefficient', 'nodeid',
    'threads', 'secauth', 'rrp_mode', 'vsftype', 'config_version', 'interface',
  ],
  'totem.interface': [
    'linknumber', 'ringnumber', 'bindnetaddr', 'broadcast', 'mcastaddr', 'mcastport', 'ttl', 'knet_link_priority',
    'knet_ping_interval', 'knet_ping_timeout', 'knet_ping_precision', 'knet_pong_count', 'knet_transport',
  ],
  nodelist: ['node'],
  'nodelist.node': ['name', 'nodeid', 'quorum_votes', ...ringKeys],
  quorum: [
    'provider', 'expected_votes', 'two_node', 'wait_for_all', 'last_man_standing', 'last_man_standing_window',
    'auto_tie_breaker', 'auto_tie_breaker_node', 'allow_downscale', 'expected_votes_tracking', 'votes', 'device',
  ],
  logging: [
    'to_stderr', 'to_logfile', 'to_syslog', 'logfile', 'logfile_priority', 'syslog_facility', 'syslog_priority', 'debug',
    'timestamp', 'fileline', 'function_name', 'blackbox', 'logger_subsys',
  ],
  'logging.logger_subsys': ['subsys', 'debug', 'to_stderr', 'to_logfile', 'to_syslog', 'logfile', 'logfile_priority', 'syslog_facility', 'syslog_priority', 'timestamp'],
  resources: ['watchdog_device', 'system', 'process'],
  system: ['qb_ipc_type', 'sched_rr', 'priority', 'move_to_root_cgroup', 'allow_knet_handle_fallback', 'state_dir', 'run_dir'],
  nozzle: ['name', 'ipaddr', 'ipprefix', 'macaddr'],
  qb: ['ipc_type'],
  uidgid: ['uid', 'gid'],
}

const integerKeys = new Set([
  'version', 'token', 'token_warning', 'token_retransmit', 'hold', 'token_retransmits_before_loss_const', 'join',
  'send_join', 'consensus', 'merge', 'downcheck', 'fail_recv_const', 'seqno_unchanged_const', 'max_network_delay',
  'window_size', 'max_messages', 'miss_count_const', 'netmtu', 'linknumber', 'mcastport', 'nodeid', 'two_node',
  'wait_for_all', 'expected_votes', 'knet_link_priority', 'knet_ping_interval', 'knet_ping_timeout', 'knet_pong_count',
])

const cryptoHashes = ['none', 'md5', 'sha1', 'sha256', 'sha384', 'sha512']
const cryptoCiphers = ['none', 'aes256', 'aes192', 'aes128']

export function checkCorosyncConf(conf: CorosyncConf, file = 'corosync.conf'): Finding[] {
  const findings: Finding[] = []
  const at = (item: {location?: {line: number; column: number}} | undefined) =>
    item?.location ? {file, line: item.location.line, column: item.location.column} : undefined
  const add = (id: string, severity: Finding['severity'], item: {location?: {line: number; column: number}} | undefined, message: string) =>
    findings.push(finding(id, severity, at(item), message))

  const walk = (items: CorosyncItem[], path: string) => {
    const allowed = schema[path]
    for (const item of items) {
      const name = item.kind === 'pair' ? item.key : item.name
      const childPath = path === '' ? name : `${path}.${name}`
      if (allowed && !allowed.includes(name)) {
        add('corosync-unknown-key', 'warning', item, `unknown ${item.kind === 'pair' ? 'key' : 'section'} '${childPath}' (corosync ignores it silently)`)
        continue
      }
      if (item.kind === 'section') {
        if (schema[childPath]) walk(item.items, childPath)
      } else if (integerKeys.has(item.key) && !/^[0-9]+$/.test(item.value)) {
        add('corosync-bad-value', 'error', item, `'${childPath}' must be a non-negative integer, got '${item.value}'`)
      }
    }
  }
  walk(conf.items, '')

  const totem = sections(conf, 'totem').at(-1)
  if (!totem) {
    add('corosync-no-totem', 'error', undefined, 'no totem section')
    return findings
  }
  const version = value(totem, 'version')
  if (version !== '2') add('corosync-totem-version', 'error', totem, `totem.version must be 2 (got ${version ?? 'none'})`)
  const transport = value(totem, 'transport') ?? 'knet'
  if (!['knet', 'udp', 'udpu'].includes(transport)) add('corosync-transport', 'error', totem, `unknown transport '${transport}'`)
  const cipher = value(totem, 'crypto_cipher') ?? 'none'
  const hash = value(totem, 'crypto_hash') ?? 'none'
  if (!cryptoCiphers.includes(cipher)) add('corosync-crypto', 'error', totem, `crypto_cipher '${cipher}' is not one of ${cryptoCiphers.join(', ')}`)
  if (!cryptoHashes.includes(hash)) add('corosync-crypto', 'error', totem, `crypto_hash '${hash}' is not one of ${cryptoHashes.join(', ')}`)
  if (cipher !== 'none' && hash === 'none') add('corosync-crypto', 'error', totem, 'crypto_cipher needs crypto_hash other than none')
  if (transport !== 'knet' && (cipher !== 'none' || hash !== 'none')) {
    add('corosync-crypto', 'error', totem, `crypto is only available with transport knet, not ${transport}`)
  }

  const nodes = sections(conf, 'nodelist').flatMap((nl) => sections(nl, 'node'))
  if (nodes.length === 0) add('corosync-no-nodelist', 'warning', totem, 'no nodelist: corosync 3 needs one for knet and udpu')
  checkNodes(nodes, transport, add)

  const quorum = sections(conf, 'quorum').at(-1)
  if (value(quorum, 'two_node') === '1' && nodes.length !== 2) {
    add('corosync-two-node', 'error', quorum, `two_node: 1 is for exactly two nodes; the nodelist has ${nodes.length}`)
  }
  if (quorum && value(quorum, 'provider') !== undefined && value(quorum, 'provider') !== 'corosync_votequorum') {
    add('corosync-quorum-provider', 'error', quorum, `unknown quorum provider '${value(quorum, 'provider')}'`)
  }
  return findings
}

function checkNodes(
  nodes: CorosyncSection[],
  transport: string,
  add: (id: string, severity: Finding['severity'], item: CorosyncSection | undefined, message: string) => void,
): void {
  const ids = new Map<string, CorosyncSection>()
  const names = new Set<string>()
  let ringCount: number | undefined
  for (const node of nodes) {
    const nodeid = value(node, 'nodeid')
    if (nodeid === undefined) {
      if (transport === 'knet') add('corosync-nodeid', 'error', node, 'knet requires an explicit nodeid on every node')
    } else if (nodeid === '0') {
      add('corosync-nodeid', 'error', node, 'nodeid 0 is reserved')
    } else if (ids.has(nodeid)) {
      add('corosync-nodeid', 'error', node, `duplicate nodeid ${nodeid}`)
    } else {
      ids.set(nodeid, node)
    }
    const name = value(node, 'name')
    if (name !== undefined) {
      if (names.has(name)) add('corosync-node-name', 'error', node, `duplicate node name ${name}`)
      names.add(name)
    }
    const rings = ringKeys.filter((k) => value(node, k) !== undefined)
    if (!rings.includes('ring0_addr')) add('corosync-ring-addr', 'error', node, 'node has no ring0_addr')
    if (ringCount === undefined) ringCount = rings.length
    else if (rings.length !== ringCount) add('corosync-ring-addr', 'error', node, `node has ${rings.length} link address(es), others have ${ringCount}`)
  }
}
