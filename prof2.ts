import {cib as gen} from '/tmp/redraw/gen.mjs'
const {parseCibXml} = await import('./src/formats/cib/xml.ts')
const {unpackForStatus, renderStatusFrom} = await import('./src/runtime/crm/status-view.ts')
const xml = gen(1000, 1)
for (let i = 0; i < 60; i++) {
  const c = parseCibXml(xml, 'x')
  const ws = await unpackForStatus(c, Date.now())
  await renderStatusFrom(c, ws, {now: Date.now()})
}
