import type {Finding} from '../core/findings.js'
import {parseIpaddrSpec, type Haresources, type HaresourcesResource} from '../formats/haresources/model.js'
import {report} from './rules.js'
import {closest, didYouMean} from './suggest.js'
import {availableScripts, findScript, OFFLINE, type SystemView} from './system.js'
import {nearMissScript} from '../converters/haresources/scripts/index.js'

/** File text quoted in a message, with invisible characters shown (a CRLF file's CR as `\r`). */
export function visible(text: string): string {
  return text.replace(/[\x00-\x1f\x7f]/g, (c) => ({'\r': '\\r', '\t': '\\t', '\n': '\\n'})[c] ?? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)
}

export interface HaresourcesLintContext {
  /** Node names declared in ha.cf (lowercase); omitted when no ha.cf is known. */
  haNodes?: string[]
  /** ha.cf file name, for messages. */
  haCfFile?: string
  system?: SystemView
}

const IP_SCRIPTS = new Set(['IPaddr', 'IPaddr2'])

export function isIpv4(text: string): boolean {
  const parts = text.split('.')
  return parts.length === 4 && parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)
}

function isNetmask(text: string): boolean {
  if (/^\d{1,2}$/.test(text)) return Number(text) <= 32
  if (!isIpv4(text)) return false
  const bits = text
    .split('.')
    .map((p) => Number(p).toString(2).padStart(8, '0'))
    .join('')
  return /^1*0*$/.test(bits)
}

/** Lints a haresources model; node names are checked against ha.cf when given, scripts against the system view. */
export function lintHaresources(model: Haresources, context: HaresourcesLintContext = {}): Finding[] {
  const findings: Finding[] = []
  const system = context.system ?? OFFLINE
  const scripts = system.offline ? [] : availableScripts(system)
  const checkedScripts = new Map<string, ReturnType<typeof findScript>>()
  const placeOf = new Map<string, HaresourcesResource>()
  const nics = (system.interfaces ?? []).filter((name) => name !== 'lo')
  const multiHomed = !system.offline && nics.length > 1

  if (model.groups.length === 0) {
    // as a missing haresources (lint all's all-missing-file): nothing for Heartbeat to manage
    findings.push(report('haresources-no-groups', {file: model.file, line: 1, column: 1}, 'no resource group (only blank or comment lines): Heartbeat runs but manages no resources'))
  }

  for (const group of model.groups) {
    if (context.haNodes && !context.haNodes.includes(group.node.toLowerCase())) {
      const hint = didYouMean(group.node, context.haNodes)
      findings.push(
        report(
          'haresources-node-undeclared',
          group.location,
          `node "${group.node}" is not declared in ${context.haCfFile ?? 'ha.cf'}${hint}: Heartbeat refuses to start ("Bad nodename"); add "node ${group.node.toLowerCase()}" there`,
        ),
      )
    }

    for (const resource of group.resources) {
      checkIpResource(resource, findings, multiHomed, nics.length)

      const identity = IP_SCRIPTS.has(resource.script) && resource.args[0] ? `ip ${parseIpaddrSpec(resource.args[0]).ip}` : resource.raw
      const earlier = placeOf.get(identity)
      if (earlier) {
        findings.push(
          report(
            'haresources-duplicate-resource',
            resource.location,
            `${identity.startsWith('ip ') ? `address ${identity.slice(3)}` : `"${resource.raw}"`} is already used on line ${earlier.location.line}: two groups (or steps) would start and stop the same thing`,
          ),
        )
      } else placeOf.set(identity, resource)

      if (system.offline) {
        // The script cannot be looked up, but a near-miss of a shipped script name is still a typo.
        const shipped = resource.args.length === 0 && isIpv4(resource.script.split('/')[0] ?? '') ? undefined : nearMissScript(resource.script)
        if (shipped) {
          findings.push(report('haresources-script-near-miss', resource.location, `"${visible(resource.script)}" is not a Heartbeat resource script (did you mean "${shipped}"?); not looked up on this machine (--offline): unless such an init script exists on the nodes, ResourceManager cannot start this group`))
        }
        continue
      }
      let found = checkedScripts.get(resource.script)
      if (!found) {
        found = findScript(system, resource.script)
        checkedScripts.set(resource.script, found)
      }
      if (found.state === 'missing') {
        const suggestion = closest(resource.script, scripts)
        findings.push(
          report(
            'haresources-script-missing',
            resource.location,
            `resource script "${visible(resource.script)}" not found in ${system.resourceDirs.join(' or ')}${suggestion ? ` (did you mean "${suggestion}"?)` : ''}: ResourceManager cannot start this group`,
          ),
        )
      } else if (found.state === 'not-executable') {
        findings.push(report('haresources-script-not-executable', resource.location, `${found.path} is not executable: ResourceManager skips it ("Cannot locate resource script")`))
      }
    }
  }
  return findings
}

function checkIpResource(resource: HaresourcesResource, findings: Finding[], multiHomed: boolean, interfaceCount: number): void {
  if (!IP_SCRIPTS.has(resource.script)) return
  if (resource.args.length !== 1) {
    findings.push(report('haresources-ipaddr-args', resource.location, `${resource.script} takes one argument, ip[/netmask[/nic[/broadcast]]]; got ${resource.args.length}`))
    if (resource.args.length === 0) return
  }
  const spec = parseIpaddrSpec(resource.args[0])
  const bad = (what: string) => findings.push(report('haresources-ip-invalid', resource.location, `${visible(resource.raw)}: ${what}`))
  const crNote = (text: string) => (text.includes('\r') ? ' (the \\r is a DOS line ending: convert the file with dos2unix)' : '')
  if (!isIpv4(spec.ip)) bad(`"${visible(spec.ip)}" is not an IPv4 address${crNote(spec.ip)}`)
  if (spec.netmask !== undefined && !isNetmask(spec.netmask)) bad(`"${visible(spec.netmask)}" is not a netmask (CIDR bits 0..32 or a dotted mask)${crNote(spec.netmask)}`)
  if (spec.broadcast !== undefined && !isIpv4(spec.broadcast)) bad(`"${visible(spec.broadcast)}" is not a broadcast address${crNote(spec.broadcast)}`)
  if (spec.trailingSlash) {
    findings.push(report('haresources-ip-trailing-slash', resource.location, `${resource.raw} ends with "/": IPaddr ignores it; drop it so other tools read the spec the same way`))
  }
  if (multiHomed && spec.nic === undefined) {
    findings.push(
      report('haresources-ipaddr-nic', resource.location, `${resource.raw} names no interface and this host has ${interfaceCount}: the interface is chosen from the routing table; add /nic to be explicit`),
    )
  }
}
