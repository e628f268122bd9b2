/**
 * Default operation timeouts the agents advertise in their meta-data
 * (resource-agents 4.12, drbd-utils 9.22, pacemaker 2.1.5 on Debian 12),
 * captured here so a conversion gives the same result on a host without the
 * agents installed. test/converters/agents.test.ts compares this table with
 * the live meta-data when the agents are present.
 */
export interface AgentOps {
  monitor: {interval: string; timeout: string}
  start: string
  stop: string
}

export const ocfAgentOps: Record<string, AgentOps> = {
  'heartbeat:AudibleAlarm': {monitor: {interval: '10s', timeout: '10s'}, start: '10s', stop: '10s'},
  'heartbeat:Delay': {monitor: {interval: '10s', timeout: '30s'}, start: '30s', stop: '30s'},
  'heartbeat:Filesystem': {monitor: {interval: '20s', timeout: '40s'}, start: '60s', stop: '60s'},
  'heartbeat:ICP': {monitor: {interval: '10s', timeout: '20s'}, start: '20s', stop: '20s'},
  'heartbeat:IPaddr2': {monitor: {interval: '10s', timeout: '20s'}, start: '20s', stop: '20s'},
  'heartbeat:IPsrcaddr': {monitor: {interval: '10s', timeout: '20s'}, start: '20s', stop: '20s'},
  'heartbeat:IPv6addr': {monitor: {interval: '15s', timeout: '15s'}, start: '15s', stop: '15s'},
  'heartbeat:LVM': {monitor: {interval: '10s', timeout: '30s'}, start: '30s', stop: '30s'},
  'heartbeat:LinuxSCSI': {monitor: {interval: '10s', timeout: '20s'}, start: '20s', stop: '20s'},
  'heartbeat:MailTo': {monitor: {interval: '10s', timeout: '10s'}, start: '10s', stop: '10s'},
  'heartbeat:Raid1': {monitor: {interval: '10s', timeout: '20s'}, start: '20s', stop: '20s'},
  'heartbeat:mdraid': {monitor: {interval: '10s', timeout: '20s'}, start: '20s', stop: '20s'},
  'heartbeat:SendArp': {monitor: {interval: '10s', timeout: '20s'}, start: '20s', stop: '20s'},
  'heartbeat:ServeRAID': {monitor: {interval: '10s', timeout: '20s'}, start: '40s', stop: '40s'},
  'heartbeat:WAS': {monitor: {interval: '10s', timeout: '30s'}, start: '300s', stop: '300s'},
  'heartbeat:WinPopup': {monitor: {interval: '10s', timeout: '10s'}, start: '30s', stop: '30s'},
  'heartbeat:Xinetd': {monitor: {interval: '10s', timeout: '10s'}, start: '20s', stop: '20s'},
  'heartbeat:apache': {monitor: {interval: '10s', timeout: '20s'}, start: '40s', stop: '60s'},
  'heartbeat:db2': {monitor: {interval: '20s', timeout: '60s'}, start: '120s', stop: '120s'},
  'heartbeat:ids': {monitor: {interval: '10s', timeout: '30s'}, start: '120s', stop: '120s'},
  'heartbeat:portblock': {monitor: {interval: '10s', timeout: '10s'}, start: '20s', stop: '20s'},
  'pacemaker:ping': {monitor: {interval: '10s', timeout: '60s'}, start: '60s', stop: '20s'},
}

/**
 * ocf:linbit:drbd. The agent advertises monitor 20s (Slave) and 10s (Master);
 * two monitors on one resource must differ in interval, and the DRBD user's
 * guide uses 29s/31s so neither coincides with another resource's monitor.
 */
export const drbdOps = {
  promotedMonitor: {interval: '29s', timeout: '20s'},
  unpromotedMonitor: {interval: '31s', timeout: '20s'},
  start: '240s',
  stop: '100s',
  promote: '90s',
  demote: '90s',
  notify: '90s',
}

/** init scripts advertise nothing; a conservative monitor (converting.md 1.2). */
export const serviceMonitor = {interval: '15s', timeout: '15s'}

/** Unknown OCF agents (the generic OCF:: wrapper) get Pacemaker's own default. */
export const fallbackOps: AgentOps = {monitor: {interval: '30s', timeout: '20s'}, start: '20s', stop: '20s'}
