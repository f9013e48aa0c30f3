import { execFileSync, spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import autocannon from 'autocannon'
import { type BenchRequest, requestsFrom } from './service-process.js'

export const CONNECTIONS = 64

export interface Measure {
  rps: number
  /** Requests answered with 2xx in the measured seconds. */
  ok: number
  p50_ms: number
  p99_ms: number
  non2xx: number
  errors: number
}

/** A GET load: `%d` in `pattern`, if any, is a random integer in [0, n) per request, zero-padded to 6. */
export interface GetLoad {
  pattern: string
  n: number
  /** Sent with every request (a credential). */
  headers?: Record<string, string>
}

function hasWrk(): boolean {
  try {
    execFileSync('wrk', ['--version'], { stdio: 'ignore' })
    return true
  } catch (err) {
    // wrk --version exits 1 after printing its version; only "not found" means it is missing.
    return (err as NodeJS.ErrnoException).code !== 'ENOENT'
  }
}

/**
 * The load generator for reads: wrk (one thread, 64 connections), which at these rates costs the
 * shared machine far less than autocannon (that in Node is itself the bottleneck on two cores).
 * Missing wrk is installed when the bench runs as root with apt-get; otherwise autocannon, said.
 */
export function pickReadGenerator(): 'wrk' | 'autocannon' {
  if (hasWrk()) return 'wrk'
  if (process.getuid?.() === 0) {
    try {
      console.log('wrk is missing: apt-get install -y wrk')
      execFileSync('apt-get', ['install', '-y', 'wrk'], { stdio: 'inherit' })
      if (hasWrk()) return 'wrk'
    } catch {
      // fall through
    }
  }
  console.warn(
    'NOTE: wrk is not installed (Debian/Ubuntu: apt-get install wrk); reads are measured with autocannon, ' +
      'which on a 2-core machine is itself the bottleneck: ratios to the ceiling will read low.'
  )
  return 'autocannon'
}

const UNITS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000 }

function duration(text: string | undefined): number {
  const m = /([\d.]+)(us|ms|s|m)/.exec(text ?? '')
  return m ? Math.round(Number(m[1]) * UNITS[m[2]!]! * 100) / 100 : NaN
}

/** Reads wrk's report (run with --latency). */
export function parseWrk(out: string): Measure {
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? NaN)
  const p50 = duration(/^\s+50%\s+(\S+)/m.exec(out)?.[1])
  const p99 = duration(/^\s+99%\s+(\S+)/m.exec(out)?.[1])
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0)
  const requests = Number(/(\d+) requests in/.exec(out)?.[1] ?? 0)
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out)
  const errors = socket ? socket.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0
  return { rps: Math.round(rps), ok: requests - non2xx, p50_ms: p50, p99_ms: p99, non2xx, errors }
}

function wrkScript(dir: string, load: GetLoad): string {
  const headers = Object.entries(load.headers ?? {})
  const file = join(dir, `load-${Buffer.from(load.pattern).toString('hex').slice(0, 40)}-${load.n}${headers.length ? '-with-headers' : ''}.lua`)
  const [before, after] = load.pattern.split('%d')
  const path = after === undefined ? JSON.stringify(before) : `${JSON.stringify(before)} .. string.format("%06d", math.random(0, ${load.n - 1})) .. ${JSON.stringify(after)}`
  const table = `{ ${headers.map(([name, value]) => `[${JSON.stringify(name)}] = ${JSON.stringify(value)}`).join(', ')} }`
  writeFileSync(file, `math.randomseed(os.time())\nrequest = function()\n  return wrk.format("GET", ${path}, ${table})\nend\n`)
  return file
}

/**
 * Seconds before a request counts as an error: autocannon's default, for both generators. wrk's own
 * (2 s) failed the webhooks bench on SQLite, whose creates at 64 connections reach p99 1.3 s.
 */
const TIMEOUT_SECONDS = 10

function runWrk(port: number, script: string, seconds: number): Promise<Measure> {
  return new Promise((resolve, reject) => {
    const child = spawn('wrk', ['-t1', `-c${CONNECTIONS}`, `-d${seconds}s`, `--timeout`, `${TIMEOUT_SECONDS}s`, '--latency', '-s', script, `http://127.0.0.1:${port}`])
    let out = ''
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()))
    child.on('error', reject)
    child.on('exit', (code) => (code === 0 ? resolve(parseWrk(out)) : reject(new Error(`wrk exited ${code}: ${out}`))))
  })
}

export async function autocannonLoad(port: number, next: () => BenchRequest, seconds: number, amount?: number, timeoutSeconds = TIMEOUT_SECONDS) {
  return autocannon({
    url: `http://127.0.0.1:${port}`,
    connections: CONNECTIONS,
    timeout: timeoutSeconds,
    ...(amount ? { amount } : { duration: seconds }),
    requests: requestsFrom(next)
  })
}

function fromAutocannon(result: autocannon.Result): Measure {
  return {
    rps: Math.round(result.requests.average),
    ok: result['2xx'],
    p50_ms: result.latency.p50,
    p99_ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts
  }
}

const random = (n: number) => Math.floor(Math.random() * n)

/** A GET load with the chosen generator: a warm-up (none if 0 s), then the measured seconds. */
export async function measureGet(
  generator: 'wrk' | 'autocannon',
  dir: string,
  port: number,
  load: GetLoad,
  seconds: number,
  warmupSeconds: number
): Promise<Measure> {
  if (generator === 'wrk') {
    const script = wrkScript(dir, load)
    if (warmupSeconds > 0) await runWrk(port, script, warmupSeconds)
    return runWrk(port, script, seconds)
  }
  const [before, after] = load.pattern.split('%d')
  const next = () => ({
    method: 'GET',
    path: after === undefined ? before! : `${before}${String(random(load.n)).padStart(6, '0')}${after}`,
    ...(load.headers ? { headers: load.headers } : {})
  })
  if (warmupSeconds > 0) await autocannonLoad(port, next, warmupSeconds)
  return fromAutocannon(await autocannonLoad(port, next, seconds))
}

/**
 * A write load. In `path` and `body`, `{seq}` is a number new for every request (from 1, per run
 * of the generator: prefix it with a tag), `{org}` the org_id of a random one of the `n` seeded
 * orgs, and `{rand}` a random number.
 */
export interface WriteLoad {
  method: 'POST' | 'PUT'
  path: string
  body: string
  n: number
}

/** The template as a Lua expression (wrk) and as a function (autocannon): the same requests either way. */
function luaOf(template: string): string {
  const parts = template.split(/(\{seq\}|\{org\}|\{rand\})/).filter((part) => part !== '')
  return parts.map((part) => (part === '{seq}' ? 'seq' : part === '{org}' ? 'org' : part === '{rand}' ? 'tostring(math.random(1, 1000000000))' : JSON.stringify(part))).join(' .. ')
}

function fill(template: string, seq: number, n: number): string {
  const org = `bench_org_${String(random(n)).padStart(6, '0')}`
  return template.replace(/\{seq\}/g, String(seq)).replace(/\{org\}/g, org).replace(/\{rand\}/g, () => String(random(1e9)))
}

function writeScript(dir: string, name: string, load: WriteLoad): string {
  const file = join(dir, `write-${name}.lua`)
  writeFileSync(
    file,
    [
      'math.randomseed(os.time())',
      'local counter = 0',
      'request = function()',
      '  counter = counter + 1',
      '  local seq = tostring(counter)',
      `  local org = string.format("bench_org_%06d", math.random(0, ${load.n - 1}))`,
      `  return wrk.format(${JSON.stringify(load.method)}, ${luaOf(load.path)}, { ["content-type"] = "application/json" }, ${luaOf(load.body)})`,
      'end',
      ''
    ].join('\n')
  )
  return file
}

/**
 * Writes with the chosen generator. wrk makes each body in Lua (a new org_id per create): at
 * 1,500 writes a second autocannon, on the same two cores, took a third of the CPU the service
 * needed and held the figures down.
 */
export async function measureWrites(
  generator: 'wrk' | 'autocannon',
  dir: string,
  port: number,
  name: string,
  load: WriteLoad,
  seconds: number,
  warmupSeconds: number
): Promise<Measure & { warmup_ok: number }> {
  if (generator === 'wrk') {
    // Warm-up and measurement are one script each, so a create's {seq} never repeats.
    const warm = writeScript(dir, `${name}-warmup`, { ...load, path: load.path.replace('{seq}', 'w{seq}'), body: load.body.replace(/\{seq\}/g, 'w{seq}') })
    const warmed = await runWrk(port, warm, warmupSeconds)
    const measured = await runWrk(port, writeScript(dir, name, load), seconds)
    return { ...measured, warmup_ok: warmed.ok }
  }
  let seq = 0
  const next = (): BenchRequest => {
    seq++
    return { method: load.method, path: fill(load.path, seq, load.n), body: fill(load.body, seq, load.n) }
  }
  const warmed = fromAutocannon(await autocannonLoad(port, next, warmupSeconds))
  return { ...fromAutocannon(await autocannonLoad(port, next, seconds)), warmup_ok: warmed.ok }
}

/** The median (of an even count, the mean of the two middle values). */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}
