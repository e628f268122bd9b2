// Types of crm-timeline.mjs, for test/bench/crm-timeline.test.ts.

export const FAULTS: Record<string, string>

export interface TimelineStep {
  /** `OP RSC NODE`, with ` #N` for the N-th run of the same operation. */
  key: string
  /** ms from the fault to the run's start. */
  offset: number
  /** ms in the agent. */
  ran: number
  /** ms since the previous run ended (the fault for the first). */
  gap: number
  /** The agent's own probe.log stamp, ms from the fault (null: the agent does not stamp). */
  stampOffset: number | null
  ok: boolean
}

export interface TimelineSummary {
  /** Fault → the group's last member started again. */
  windowMs: number
  beforeFirstMs: number
  /** Standby only: when the DC saw the admin command's change (null elsewhere). */
  changeSeenMs: number | null
  /** The first agent run's start → the group's last member started again. */
  fromFirstMs: number
  /** The union of the agent runs. */
  agentsMs: number
  betweenMs: number
  runs: number
  /** CPU ms of the cluster daemons (both nodes) from the first run to the end, when the run has cpu.tsv. */
  daemonCpuMs: number | null
}

export interface RunTimeline {
  fault: string
  steps: TimelineStep[]
  summary: TimelineSummary
}

export interface MedianStep {
  key: string
  inRuns: number
  offset: number | null
  ran: number | null
  gap: number | null
  stampOffset: number | null
}

export interface MedianTimeline {
  fault: string
  runs: number
  steps: MedianStep[]
  summary: Record<keyof TimelineSummary, number | null>
}

export function runTimeline(outDir: string, impl: 'hakit' | 'pacemaker', scenario: string): RunTimeline | null

export function medianTimeline(timelines: Array<RunTimeline | null | undefined>): MedianTimeline | null

export function formatTimelines(scenario: string, byStack: Record<string, MedianTimeline | null>, totalRuns: number): string[]
