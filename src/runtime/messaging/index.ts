/** Public API of the messaging + membership layer (see docs/messaging.md). */
export {HeartbeatCluster} from '../membership/cluster.js'
export type {ClusterStats, LinkState, LinkStatus, MessageInfo, NodeStatus, NodeType, RejectReason} from '../membership/cluster.js'
export type {Logger, LogLevel, MediumConfig, MessagingConfig, PingGroupConfig} from './config.js'
export type {AuthConfig, AuthKey, AuthMethod} from './auth.js'
export {HbMessage, hex, parseHex, parseDecimal} from './message.js'
export {decodePacket, encodeClassic, encodeNetstringBody, CodecError} from './codec.js'
export {crc32Posix, digest, openPacket, signNetstring, signClassic} from './auth.js'
export {authConfigFrom, messagingConfigFrom, type LegacyMessagingOptions} from './from-legacy.js'
