#!/usr/bin/env node
// Man pages from the commands' help (oclif.manifest.json, written by the
// build): hakit(1) lists every command, hakit-TOPIC-COMMAND(1) has one
// command's synopsis, description (its EXIT CODES / ENVIRONMENT blocks become
// sections), options, arguments and examples. Installed by npm from man/
// (package.json "directories.man").
//
//   node scripts/man.mjs [OUTDIR]        (default man/; run by npm run build and npm run man)
import {mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const outDir = process.argv[2] ?? join(root, 'man')
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
const manifest = JSON.parse(readFileSync(join(root, 'oclif.manifest.json'), 'utf8'))
const bin = pkg.oclif.bin
const footer = `${bin} ${pkg.version}`

/** Text for roff: backslashes escaped, non-ASCII as \[uXXXX], a line starting with . or ' protected. */
function esc(text) {
  return text
    .replaceAll('\\', '\\e')
    .replaceAll(/[^\x00-\x7f]/gu, (c) => `\\[u${c.codePointAt(0).toString(16).toUpperCase().padStart(4, '0')}]`)
    .split('\n')
    .map((l) => (/^[.']/.test(l) ? `\\&${l}` : l))
    .join('\n')
}
const opt = (text) => esc(text).replaceAll('-', '\\-')
const spaced = (id) => id.replaceAll(':', ' ')
const pageName = (id) => `${bin}-${id.replaceAll(':', '-')}`
const render = (s, id) => s.replaceAll('<%= config.bin %>', bin).replaceAll('<%= command.id %>', spaced(id))

/**
 * The description as roff: paragraphs; an all-caps first line (EXIT CODES,
 * ENVIRONMENT) starts a section; indented lines keep their layout.
 */
function description(text) {
  const out = []
  for (const para of text.trim().split(/\n\s*\n/)) {
    const lines = para.split('\n')
    const heading = /^([A-Z][A-Z ]+[A-Z])(\s*\(.*\))?$/.exec(lines[0])
    if (heading) {
      out.push(`.SH ${heading[1] === 'EXIT CODES' ? 'EXIT STATUS' : heading[1]}`)
      if (heading[2]) out.push(esc(heading[2].trim()))
      lines.shift()
    } else {
      out.push('.PP')
    }
    if (lines.length === 0) continue
    if (lines.some((l) => /^\s/.test(l)) || lines.length > 1) out.push('.nf', esc(lines.join('\n')), '.fi')
    else out.push(esc(lines[0]))
  }
  return out
}

function flagLines(flags) {
  const out = []
  for (const [name, f] of Object.entries(flags)) {
    if (f.hidden) continue
    const value = f.type === 'option' ? ` \\fI${f.options ? f.options.join('|') : name.toUpperCase()}\\fR` : ''
    const forms = [f.char ? `\\fB\\-${opt(f.char)}\\fR` : '', `\\fB\\-\\-${opt(name)}\\fR`].filter(Boolean).join(', ')
    out.push('.TP', `${forms}${value}`)
    const extra = [f.default !== undefined && f.default !== false ? `default: ${f.default}` : '', f.multiple ? 'repeatable' : '', f.required ? 'required' : '']
      .filter(Boolean).join('; ')
    out.push(esc(`${f.description ?? ''}${extra ? ` (${extra})` : ''}`))
  }
  out.push('.TP', '\\fB\\-h\\fR, \\fB\\-\\-help\\fR', 'show the help')
  return out
}

function commandPage(id, c) {
  const args = Object.values(c.args ?? {})
  const synopsis = [`\\fB${bin} ${opt(spaced(id))}\\fR`, ...args.map((a) => (a.required ? `\\fI${a.name.toUpperCase()}\\fR` : `[\\fI${a.name.toUpperCase()}\\fR]`)), Object.keys(c.flags ?? {}).length ? '[\\fIOPTIONS\\fR]' : '']
  const lines = [
    `.TH ${pageName(id).toUpperCase()} 1 "" "${footer}" "hakit manual"`,
    '.SH NAME',
    `${pageName(id)} \\- ${esc(c.summary ?? '')}`,
    '.SH SYNOPSIS',
    synopsis.filter(Boolean).join(' '),
    '.SH DESCRIPTION',
    ...(c.summary && c.description ? ['.PP', esc(c.summary)] : []),
  ]
  // the sections found in the description (EXIT STATUS, ENVIRONMENT) go after OPTIONS, as man(7) orders them
  const desc = description(c.description ?? c.summary ?? '')
  const firstSection = desc.findIndex((l) => l.startsWith('.SH '))
  lines.push(...(firstSection < 0 ? desc : desc.slice(0, firstSection)))
  if (args.length) {
    lines.push('.SH ARGUMENTS')
    for (const a of args) lines.push('.TP', `\\fI${a.name.toUpperCase()}\\fR`, esc(`${a.description ?? ''}${a.default !== undefined ? ` (default: ${a.default})` : ''}${a.options ? ` (one of: ${a.options.join(', ')})` : ''}`))
  }
  lines.push('.SH OPTIONS', ...flagLines(c.flags ?? {}))
  if (firstSection >= 0) lines.push(...desc.slice(firstSection))
  if (c.aliases?.length) lines.push('.SH ALIASES', esc(c.aliases.map((a) => `${bin} ${spaced(a)}`).join(', ')))
  const examples = c.examples ?? []
  if (examples.length) {
    lines.push('.SH EXAMPLES')
    for (const e of examples) {
      const ex = typeof e === 'string' ? {command: e} : e
      if (ex.description) lines.push('.PP', esc(render(ex.description, id)))
      lines.push('.PP', '.RS 4', '.nf', esc(`$ ${render(ex.command, id)}`), '.fi', '.RE')
    }
  }
  lines.push('.SH SEE ALSO', `\\fB${bin}\\fR(1)`)
  return `${lines.join('\n')}\n`
}

function overviewPage(commands) {
  const lines = [
    `.TH ${bin.toUpperCase()} 1 "" "${footer}" "hakit manual"`,
    '.SH NAME',
    `${bin} \\- ${esc(pkg.description)}`,
    '.SH SYNOPSIS',
    `\\fB${bin}\\fR \\fICOMMAND\\fR [\\fIARGS\\fR] [\\fIOPTIONS\\fR]`,
    '.br',
    `\\fB${bin}\\fR [\\fICOMMAND\\fR] \\fB\\-\\-help\\fR | \\fB\\-h\\fR`,
    '.SH DESCRIPTION',
    'Lint and convert legacy Heartbeat v1 configuration to Pacemaker/Corosync, run a Heartbeat\\-compatible v1 runtime or a Pacemaker\\-style CRM runtime, and operate it as crm_mon and crmsh do. Each command has its own page, named after it: \\fBhakit\\-lint\\-hacf\\fR(1) for \\fBhakit lint hacf\\fR.',
    '.SH COMMANDS',
  ]
  for (const [id, c] of commands) lines.push('.TP', `\\fB${bin} ${opt(spaced(id))}\\fR`, esc(c.summary ?? ''))
  lines.push(
    '.SH JSON OUTPUT',
    'Every \\fB\\-\\-json\\fR prints one envelope: {"hakit": "json/1", "command", "ok", "exitCode", "result", "findings", "error"?}; see docs/json.md.',
    '.SH EXIT STATUS',
    'Each command lists its own in its page. An unknown command exits 127 (with the nearest known one suggested), as a shell does; an unknown or missing flag is a usage error (exit 2).',
    '.SH ENVIRONMENT',
    '.TP', '\\fBNO_COLOR\\fR', 'no colour', '.TP', '\\fBFORCE_COLOR\\fR', 'colour even when not on a terminal',
    '.TP', '\\fBCIB_file\\fR', 'the crm commands work on this CIB file instead of the running cluster',
    '.SH SEE ALSO',
    commands.map(([id]) => `\\fB${pageName(id)}\\fR(1)`).join(',\n'),
  )
  return `${lines.join('\n')}\n`
}

const commands = Object.entries(manifest.commands).filter(([, c]) => !c.hidden).sort(([a], [b]) => a.localeCompare(b))
mkdirSync(outDir, {recursive: true})
// pages of commands that no longer exist must not stay behind
for (const f of readdirSync(outDir)) if (f.endsWith('.1')) rmSync(join(outDir, f))
writeFileSync(join(outDir, `${bin}.1`), overviewPage(commands))
for (const [id, c] of commands) writeFileSync(join(outDir, `${pageName(id)}.1`), commandPage(id, c))
if (!process.env.HAKIT_QUIET_MAN) process.stderr.write(`man: ${commands.length + 1} pages in ${outDir}\n`)
