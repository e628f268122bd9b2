// The client probe of the cut-over lab (run inside the client namespace):
//   node prober.mjs URL OUTFILE INTERVAL_MS TIMEOUT_MS
// Sends a GET every INTERVAL_MS whatever the previous one is doing, each with
// TIMEOUT_MS to answer, and appends one line per probe, in launch order:
//   START_MS END_MS ok BODY      or      START_MS END_MS fail REASON
// Stops on SIGTERM once the probes in flight have ended.
import {appendFileSync} from 'node:fs'
import {request} from 'node:http'

const [url, out, intervalArg, timeoutArg] = process.argv.slice(2)
const interval = Number(intervalArg)
const timeout = Number(timeoutArg)
const results = new Map()
let next = 0
let written = 0
let stopping = false
let inFlight = 0

function flush() {
  while (results.has(written)) {
    appendFileSync(out, `${results.get(written)}\n`)
    results.delete(written++)
  }
  if (stopping && inFlight === 0) process.exit(0)
}

function probe() {
  const seq = next++
  const start = Date.now()
  inFlight++
  let done = false
  const finish = (status, detail) => {
    if (done) return
    done = true
    inFlight--
    results.set(seq, `${start} ${Date.now()} ${status} ${detail}`)
    flush()
  }
  const req = request(url, {timeout, agent: false}, (res) => {
    let body = ''
    res.setEncoding('utf8')
    res.on('data', (c) => (body += c))
    res.on('end', () => finish(res.statusCode === 200 ? 'ok' : 'fail', res.statusCode === 200 ? body.trim() || '?' : `http-${res.statusCode}`))
    res.on('error', (e) => finish('fail', e.code ?? 'error'))
  })
  req.on('timeout', () => {
    finish('fail', 'timeout')
    req.destroy()
  })
  req.on('error', (e) => finish('fail', e.code ?? 'error'))
  req.end()
}

const timer = setInterval(probe, interval)
probe()
process.on('SIGTERM', () => {
  stopping = true
  clearInterval(timer)
  flush()
})
