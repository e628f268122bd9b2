// Types of crm-loopback.mjs, for bench/crm-lab-idle.ts.
import type {ChildProcess} from 'node:child_process'

export interface LoopbackNode {
  name: string
  address: string
  dir: string
  proc: ChildProcess | undefined
}

export function loopbackCrmCluster(options: {prefix: string; key: string; timing: string[]; crm: string[]}): {work: string; nodes: LoopbackNode[]; cibFile: string}

export function startCrmNodes(nodes: LoopbackNode[], cibFile: string): void
