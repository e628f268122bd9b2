/**
 * cluster-glue STONITH plugins: the positional parameter order of
 * `stonith -t TYPE -n` (cluster-glue 1.0.12), used for ha.cf stonith_host
 * lines, and the fence-agents equivalent to suggest.
 */
export const stonithParams: Record<string, string[]> = {
  apcmaster: ['ipaddr', 'login', 'password'],
  apcmastersnmp: ['ipaddr', 'port', 'community'],
  apcsmart: ['ttydev', 'hostlist'],
  baytech: ['ipaddr', 'login', 'password'],
  bladehpi: ['entity_root'],
  cyclades: ['ipaddr', 'login', 'serialport'],
  drac3: ['host', 'login', 'password'],
  'external/drac5': ['hostname', 'ipaddr', 'userid'],
  'external/dracmc-telnet': ['nodename', 'cyclades_ip', 'cyclades_port', 'servername', 'username', 'password'],
  'external/hetzner': ['hostname', 'remote_ip'],
  'external/hmchttp': ['hostlist', 'hmc_ipaddr', 'user', 'password'],
  'external/ibmrsa': ['hostname', 'ipaddr', 'userid', 'passwd', 'type'],
  'external/ibmrsa-telnet': ['nodename', 'ip_address', 'username', 'password'],
  'external/ipmi': ['hostname', 'ipaddr', 'userid', 'passwd', 'interface'],
  'external/ippower9258': ['deviceip', 'username', 'password', 'hostlist'],
  'external/kdumpcheck': ['hostlist', 'identity_file'],
  'external/libvirt': ['hostlist', 'hypervisor_uri', 'reboot_method'],
  'external/nut': ['hostname', 'ups', 'username', 'password', 'poweron', 'poweroff', 'reset', 'statusvar', 'upscmd', 'upsc'],
  'external/rackpdu': ['hostlist', 'pduip', 'community'],
  'external/riloe': ['hostlist', 'ilo_hostname', 'ilo_user', 'ilo_password', 'ilo_can_reset', 'ilo_protocol', 'ilo_powerdown_method', 'ilo_proxyhost', 'ilo_proxyport'],
  'external/ssh': ['hostlist'],
  'external/vcenter': ['VI_SERVER', 'VI_PORTNUMBER', 'VI_PROTOCOL', 'VI_SERVICEPATH', 'VI_CREDSTORE', 'HOSTLIST', 'RESETPOWERON'],
  'external/vmware': ['device_host'],
  'external/xen0': ['hostlist', 'dom0'],
  'external/xen0-ha': ['hostlist', 'dom0_cluster_ip', 'timeout'],
  ibmhmc: ['ipaddr'],
  ipmilan: ['hostname', 'ipaddr', 'port', 'auth', 'priv', 'login', 'password', 'reset_method'],
  meatware: ['hostlist'],
  null: ['hostlist'],
  nw_rpc100s: ['ttydev', 'hostlist'],
  rcd_serial: ['hostlist', 'ttydev', 'dtr_rts', 'msduration'],
  rps10: ['serial_to_targets'],
  ssh: ['hostlist'],
  suicide: [],
  wti_mpc: ['ipaddr', 'port', 'community', 'mib-version'],
  wti_nps: ['ipaddr', 'password'],
}

/** Plugins that never power a node off. */
export const fakeFencing = new Set(['ssh', 'external/ssh', 'null', 'suicide', 'meatware'])

export const fenceAgentEquivalent: Record<string, string> = {
  'external/ipmi': 'fence_ipmilan',
  ipmilan: 'fence_ipmilan',
  'external/riloe': 'fence_ilo',
  apcmaster: 'fence_apc',
  apcsmart: 'fence_apc',
  apcmastersnmp: 'fence_apc_snmp',
  wti_nps: 'fence_wti',
  'external/libvirt': 'fence_virsh',
  'external/drac5': 'fence_drac5',
  'external/vcenter': 'fence_vmware_soap',
  'external/xen0': 'fence_xvm',
}
