/**
 * The one JSON envelope every `--json` output uses (documented in docs/json.md):
 *
 *   {"hakit": "json/1", "command": "lint hacf", "ok": true, "exitCode": 0,
 *    "result": <the command's own shape>, "findings": [...]}
 *
 * and, when the command failed before it had a result (bad input, no daemon),
 * `"result": null` and `"error": {"message": "..."}`. `ok` is `exitCode === 0`.
 * A command calls emitJson once; it prints the envelope and sets the exit code,
 * so the two can never disagree.
 */
import type {Finding} from '../core/findings.js'
import {findingsToJson, type JsonFinding} from './render-findings.js'

/** Bumped only when an existing field changes meaning or goes away; new fields keep json/1. */
export const JSON_FORMAT = 'json/1'

export interface JsonEnvelope<R = unknown> {
  hakit: typeof JSON_FORMAT
  /** The command as typed, space-separated: `crm resource move`. */
  command: string
  ok: boolean
  exitCode: number
  result: R | null
  findings: JsonFinding[]
  error?: {message: string}
}

export interface JsonOutput<R> {
  /** oclif id (`crm:verify`) or the spaced form (`crm verify`). */
  command: string
  result: R | null
  findings?: readonly Finding[]
  exitCode?: number
  error?: string
}

/** Builds the envelope (pure: the JSON test and docs use it too). */
export function jsonEnvelope<R>(out: JsonOutput<R>): JsonEnvelope<R> {
  const exitCode = out.exitCode ?? 0
  const envelope: JsonEnvelope<R> = {
    hakit: JSON_FORMAT,
    command: commandName(out.command),
    ok: exitCode === 0,
    exitCode,
    result: out.result,
    findings: findingsToJson(out.findings ?? []),
  }
  if (out.error !== undefined) envelope.error = {message: out.error}
  return envelope
}

/** Prints the envelope on stdout (2-space indented) and sets process.exitCode to match. */
export function emitJson<R>(out: JsonOutput<R>): void {
  const envelope = jsonEnvelope(out)
  process.stdout.write(`${JSON.stringify(envelope, null, 2)}\n`)
  process.exitCode = envelope.exitCode
}

/** `crm:resource:move` → `crm resource move` (oclif ids use ':' whatever the topic separator). */
export function commandName(id: string): string {
  return id.replaceAll(':', ' ')
}
