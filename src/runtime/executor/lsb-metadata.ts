/**
 * Meta-data for agents that have none of their own: LSB scripts (from the
 * `### BEGIN INIT INFO` block, as Pacemaker synthesizes it, reference §1.6)
 * and heartbeat-class v1 scripts.
 */
import {readFileSync} from 'node:fs'
import {escapeAttr} from '../../formats/cib/xml.js'

const escapeText = (v: string) => v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')

function initInfo(path: string): Map<string, string> {
  const info = new Map<string, string>()
  let text = ''
  try {
    text = readFileSync(path, 'utf8')
  } catch {
    return info
  }
  const block = /### BEGIN INIT INFO([^]*?)### END INIT INFO/.exec(text)?.[1] ?? ''
  let last: string | undefined
  for (const line of block.split('\n')) {
    const field = /^#\s*([A-Za-z-]+):\s*(.*)$/.exec(line)
    if (field) {
      last = field[1]
      info.set(last, field[2].trim())
    } else if (last && /^#(\t|  )/.test(line)) info.set(last, `${info.get(last)} ${line.slice(1).trim()}`)
  }
  return info
}

export function lsbMetadata(type: string, path: string): string {
  const info = initInfo(path)
  const shortdesc = info.get('Short-Description') ?? type
  const longdesc = info.get('Description') ?? ''
  const special = ['Provides', 'Required-Start', 'Required-Stop', 'Should-Start', 'Should-Stop', 'Default-Start', 'Default-Stop']
    .map((k) => `    <${k.toLowerCase()}>${escapeText(info.get(k) ?? '')}</${k.toLowerCase()}>\n`)
    .join('')
  return `<?xml version="1.0"?>
<!DOCTYPE resource-agent SYSTEM "ra-api-1.dtd">
<resource-agent name="${escapeAttr(type)}" version="0.1">
  <version>1.0</version>
  <longdesc lang="en">${escapeText(longdesc)}</longdesc>
  <shortdesc lang="en">${escapeText(shortdesc)}</shortdesc>
  <parameters/>
  <actions>
    <action name="meta-data" timeout="5s"/>
    <action name="start" timeout="15s"/>
    <action name="stop" timeout="15s"/>
    <action name="status" timeout="15s"/>
    <action name="restart" timeout="15s"/>
    <action name="force-reload" timeout="15s"/>
    <action name="monitor" timeout="15s" interval="15s"/>
  </actions>
  <special tag="LSB">
${special}  </special>
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
