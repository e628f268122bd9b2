/**
 * `hakit crm status` without -1 on a terminal: crm_mon's live view. It
 * redraws when the cluster changes — the daemon's watch subscription, or a
 * change of the CIB file — never on a timer; lines that changed since the
 * previous frame are highlighted; the DC's transition in flight is shown as
 * a progress line. q or Ctrl-C ends it and restores the terminal.
 */
import {statSync, watch as watchFile} from 'node:fs'
import type {ChalkInstance} from 'chalk'
import type {Cib} from '../formats/cib/model.js'
import type {CrmWatchEvent} from '../runtime/crm/socket.js'
import type {WatchedCib} from '../runtime/crm/watched-cib.js'
import type {StatusOptions} from '../runtime/crm/status-view.js'
import {colorLevelFor, makeChalk} from './color.js'

/** One screen: the status lines (changed ones marked) and the progress line. */
export function frameLines(lines: string[], previous: string[] | undefined, width: number, mark: (line: string) => string): string[] {
  const before = new Set(previous ?? [])
  return lines.map((line) => {
    const shown = fit(line, width)
    // the clock line changes every frame: not a cluster change
    const changed = previous !== undefined && !before.has(line) && line.trim() !== '' && !line.startsWith('  * Last updated: ')
    return changed ? mark(shown) : shown
  })
}

/** Cuts a line to the terminal's width (tabs count as up to 8 columns). */
export function fit(line: string, width: number): string {
  let col = 0
  let out = ''
  for (const ch of line) {
    const w = ch === '\t' ? 8 - (col % 8) : 1
    if (col + w > width) return out.length < line.length ? `${out.slice(0, Math.max(0, out.length - 1))}…` : out
    col += w
    out += ch
  }
  return out
}

/**
 * What fits the screen's height, as a full-screen view must: the first lines, and when some are
 * cut, a last line saying how many and how many of those changed.
 */
export function fitHeight(shown: string[], lines: string[], previous: string[] | undefined, rows: number, width: number): string[] {
  if (shown.length <= rows) return shown
  const keep = Math.max(0, rows - 1)
  const before = new Set(previous ?? [])
  const cut = lines.slice(keep)
  const changed = previous === undefined ? 0 : cut.filter((l) => l.trim() !== '' && !before.has(l) && !l.startsWith('  * Last updated: ')).length
  return [...shown.slice(0, keep), fit(`… ${cut.length} more line${cut.length === 1 ? '' : 's'}${changed ? ` (${changed} changed)` : ''}: enlarge the terminal, or use -1`, width)]
}

export function progressLine(event: CrmWatchEvent | undefined, width: number): string {
  const t = event?.transition
  if (!t) return fit(`CIB ${event?.version ?? '?'}`, width)
  if (t.inFlight.length === 0) return fit(`CIB ${event!.version} - transition ${t.id}: complete, nothing in flight`, width)
  return fit(`CIB ${event!.version} - transition ${t.id}: ${t.inFlight.length} action${t.inFlight.length === 1 ? '' : 's'} in flight: ${t.inFlight.join(' ')}`, width)
}

export interface LiveSource {
  /** Starts calling onChange (once at once, then on every change); returns the stopper. */
  subscribe(onChange: (event?: CrmWatchEvent) => void, onEnd: (error?: Error) => void): Promise<() => void>
  read(): Promise<Cib>
  /** A read may catch the source half-written (a file being rewritten): skip that frame, the next change redraws. */
  readMayBePartial?: boolean
}

export function fileSource(path: string, read: () => Promise<Cib>): LiveSource {
  return {
    read,
    readMayBePartial: true,
    async subscribe(onChange) {
      onChange()
      // watch the directory: editors and atomic writers replace the file
      const {dirname, basename} = await import('node:path')
      const name = basename(path)
      // one change often comes as several events (write, rename): redraw once per new file version
      let last = ''
      const version = () => {
        try {
          const s = statSync(path)
          return `${s.ino}:${s.size}:${s.mtimeMs}`
        } catch {
          return ''
        }
      }
      last = version()
      const watcher = watchFile(dirname(path), (_event, file) => {
        if (file !== null && file !== name) return
        const now = version()
        if (now === last) return
        last = now
        onChange()
      })
      return () => watcher.close()
    },
  }
}

/**
 * The running cluster: the daemon streams its CIB (whole, then each change as one operation),
 * so a redraw applies the change instead of reading the whole CIB; `read` (the whole CIB over
 * the socket) serves a daemon that does not stream, or a change that does not follow.
 */
export function socketSource(socket: string, read: () => Promise<Cib>): LiveSource {
  let watched: WatchedCib | undefined
  return {
    async read() {
      const held = watched?.current()
      if (held) return held
      // read whole: an older daemon's CIB is only shown (read-only); a streamed one is changed in place
      if (!watched?.streaming) return read()
      const own = structuredClone(await read())
      watched.reset(own)
      return watched.current() ?? own
    },
    async subscribe(onChange, onEnd) {
      const {watchCrm} = await import('../runtime/crm/socket.js')
      const {WatchedCib} = await import('../runtime/crm/watched-cib.js')
      const stream = (watched = new WatchedCib())
      return watchCrm(socket, (event) => {
        stream.accept(event)
        onChange(event)
      }, onEnd, true)
    },
  }
}

const ENTER = '\x1b[?1049h\x1b[?25l'
const LEAVE = '\x1b[?25h\x1b[?1049l'
const HOME_CLEAR = '\x1b[H\x1b[2J'

/** Runs the live view until q / Ctrl-C (resolves) or the source ends (rejects). */
export async function runLiveStatus(source: LiveSource, options: Omit<StatusOptions, 'now'>, out: NodeJS.WriteStream = process.stdout, input: NodeJS.ReadStream = process.stdin): Promise<void> {
  const {renderStatus} = await import('../runtime/crm/status-view.js')
  const chalk: ChalkInstance = makeChalk(out)
  // NO_COLOR: changed lines are marked with reverse video's plain cousin, a leading '>'
  const mark = colorLevelFor(out) > 0 ? (l: string) => chalk.inverse(l) : (l: string) => `>${l.slice(1)}`
  let previous: string[] | undefined
  let lastEvent: CrmWatchEvent | undefined
  let drawing = false
  let again = false
  let finish: (error?: Error) => void = () => {}
  const done = new Promise<void>((resolve, reject) => {
    finish = (error) => (error ? reject(error) : resolve())
  })

  const width = () => out.columns || Number(process.env.COLUMNS) || 80
  const height = () => out.rows || Number(process.env.LINES) || 24
  const draw = async (): Promise<void> => {
    if (drawing) {
      again = true
      return
    }
    drawing = true
    try {
      do {
        again = false
        let cib: Cib
        try {
          cib = await source.read()
        } catch (error) {
          if (source.readMayBePartial && previous !== undefined) continue
          throw error
        }
        const text = await renderStatus(cib, {...options, now: Date.now()})
        const a = cib.attributes
        if (!lastEvent?.transition) lastEvent = {version: `${a.admin_epoch ?? 0}.${a.epoch ?? 0}.${a.num_updates ?? 0}`}
        const lines = text.replace(/\n$/, '').split('\n')
        const shown = frameLines(lines, previous, width(), mark)
        const footer = ['', progressLine(lastEvent, width()), 'Press q or Ctrl-C to quit']
        out.write(HOME_CLEAR + [...fitHeight(shown, lines, previous, height() - footer.length, width()), ...footer].join('\n'))
        previous = lines
      } while (again)
    } catch (error) {
      finish(error as Error)
    } finally {
      drawing = false
    }
  }

  const restore = () => {
    if (input.isTTY) input.setRawMode(false)
    input.pause()
    out.write(LEAVE)
  }
  const onKey = (data: Buffer) => {
    const key = data.toString('utf8')
    if (key === 'q' || key === 'Q' || key === '\x03') finish()
  }
  out.write(ENTER)
  if (input.isTTY) input.setRawMode(true)
  input.on('data', onKey)
  input.resume()
  const onSignal = () => finish()
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)
  out.on('resize', () => void draw())
  let stop: (() => void) | undefined
  try {
    stop = await source.subscribe((event) => {
      if (event) lastEvent = event
      void draw()
    }, (error) => finish(error ?? new Error('the cluster connection closed')))
    await done
  } finally {
    stop?.()
    input.off('data', onKey)
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
    restore()
  }
}
