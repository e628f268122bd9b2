/**
 * Meta-data as Pacemaker presents it when it is not simply the agent's
 * output: synthesized for LSB scripts (from the `### BEGIN INIT INFO`
 * block, byte for byte, reference §1.6) and heartbeat-class v1 scripts;
 * amended for fence agents (start/stop added, action/plug/port not
 * required — Pacemaker supplies them).
 */
import {readFileSync} from 'node:fs'
import {escapeAttr, parseXmlTree, printXmlTree} from '../../formats/cib/xml.js'

const escapeText = (v: string) => v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')

/** xmlEncodeEntitiesReentrant() with no document: &, <, >, CR and non-ASCII characters as entities. */
function encodeEntities(text: string): string {
  let out = ''
  for (const ch of text) {
    const code = ch.codePointAt(0)!
    if (ch === '&') out += '&amp;'
    else if (ch === '<') out += '&lt;'
    else if (ch === '>') out += '&gt;'
    else if (ch === '\r') out += '&#13;'
    else if (code >= 0x80) out += `&#x${code.toString(16).toUpperCase()};`
    else out += ch
  }
  return out
}

const FIELDS = ['Provides', 'Required-Start', 'Required-Stop', 'Should-Start', 'Should-Stop', 'Default-Start', 'Default-Stop', 'Short-Description'] as const

/**
 * The header fields as Pacemaker's services__get_lsb_metadata() reads them:
 * the raw rest of each `# Field:` line (leading blanks and newline kept),
 * the Description with its `#  ` / `#\t` continuation lines.
 */
function initInfo(path: string): Map<string, string> {
  const info = new Map<string, string>()
  let text = ''
  try {
    text = readFileSync(path, 'utf8')
  } catch {
    return info
  }
  const lines = text.split(/(?<=\n)/)
  let inHeader = false
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]
    if (line.startsWith('### BEGIN INIT INFO')) {
      inHeader = true
      continue
    }
    if (!inHeader) continue
    const field = FIELDS.find((f) => line.startsWith(`# ${f}:`))
    if (field) {
      if (!info.has(field)) {
        info.set(field, encodeEntities(line.slice(`# ${field}:`.length)))
        continue
      }
    } else if (!info.has('Description') && line.startsWith('# Description:')) {
      let desc = line.slice('# Description:'.length)
      let consumed = true
      for (i++; i < lines.length; i++) {
        if (lines[i].startsWith('#  ') || lines[i].startsWith('#\t')) desc += lines[i].slice(1)
        else {
          consumed = false
          break
        }
      }
      info.set('Description', encodeEntities(desc))
      if (consumed) continue
      line = lines[i]
    }
    if (line === undefined || line.startsWith('### END INIT INFO') || !line.startsWith('#')) break
  }
  return info
}

/** Pacemaker's synthesized LSB meta-data, byte for byte (lib/services/services_lsb.c). */
export function lsbMetadata(type: string, path: string): string {
  const info = initInfo(path)
  const v = (f: string) => info.get(f) ?? ''
  return `<?xml version='1.0'?>
<!DOCTYPE resource-agent SYSTEM 'ra-api-1.dtd'>
<resource-agent name='${type}' version='0.1'>
  <version>1.0</version>
  <longdesc lang='en'>
${info.get('Description') ?? type}  </longdesc>
  <shortdesc lang='en'>${info.get('Short-Description') ?? type}</shortdesc>
  <parameters>
  </parameters>
  <actions>
    <action name='meta-data'    timeout='5' />
    <action name='start'        timeout='15' />
    <action name='stop'         timeout='15' />
    <action name='status'       timeout='15' />
    <action name='restart'      timeout='15' />
    <action name='force-reload' timeout='15' />
    <action name='monitor'      timeout='15' interval='15' />
  </actions>
  <special tag='LSB'>
    <Provides>${v('Provides')}</Provides>
    <Required-Start>${v('Required-Start')}</Required-Start>
    <Required-Stop>${v('Required-Stop')}</Required-Stop>
    <Should-Start>${v('Should-Start')}</Should-Start>
    <Should-Stop>${v('Should-Stop')}</Should-Stop>
    <Default-Start>${v('Default-Start')}</Default-Start>
    <Default-Stop>${v('Default-Stop')}</Default-Stop>
  </special>
</resource-agent>
`
}

/** v1 resource.d scripts take positional arguments: parameters named 1, 2, ... */
export function heartbeatMetadata(type: string): string {
  return `<?xml version="1.0"?>
<resource-agent name="${escapeAttr(type)}" version="0.1">
  <version>1.0</version>
  <longdesc lang="en">Heartbeat v1 resource script ${escapeText(type)}: run as "${escapeText(type)} [ARG1 ARG2 ...] start|stop|status" (status is read from its output).</longdesc>
  <shortdesc lang="en">${escapeText(type)} resource script (Heartbeat v1)</shortdesc>
  <parameters>
    <parameter name="1" unique="1"><longdesc lang="en">First argument</longdesc><shortdesc lang="en">argument 1</shortdesc><content type="string"/></parameter>
    <parameter name="2" unique="1"><longdesc lang="en">Second argument</longdesc><shortdesc lang="en">argument 2</shortdesc><content type="string"/></parameter>
    <parameter name="3" unique="1"><longdesc lang="en">Third argument</longdesc><shortdesc lang="en">argument 3</shortdesc><content type="string"/></parameter>
  </parameters>
  <actions>
    <action name="start" timeout="20s"/>
    <action name="stop" timeout="20s"/>
    <action name="status" timeout="20s"/>
    <action name="monitor" timeout="20s" interval="10s"/>
    <action name="meta-data" timeout="5s"/>
  </actions>
</resource-agent>
`
}

/** stonith__rhcs_get_metadata(): the fence agent's XML re-serialized with Pacemaker's amendments. */
export function fenceMetadata(xml: string, source: string): string {
  const root = parseXmlTree(xml, source)
  const agent = root.name === 'resource-agent' ? root : (root.children.find((c) => c.name === 'resource-agent') ?? root)
  const actions = agent.children.find((c) => c.name === 'actions')
  if (actions && !actions.children.some((a) => a.name === 'action' && a.attrs.name === 'stop')) {
    actions.children.push({name: 'action', attrs: {name: 'stop', timeout: '20s'}, children: []}, {name: 'action', attrs: {name: 'start', timeout: '20s'}, children: []})
  }
  for (const p of agent.children.find((c) => c.name === 'parameters')?.children ?? []) {
    if (['action', 'plug', 'port'].includes(p.attrs.name ?? '') && p.attrs.required !== undefined) p.attrs.required = '0'
  }
  return printXmlTree(agent)
}
