/**
 * npm run bench: the service (its own process) under autocannon (this process), side by side
 * with a bare node:http ceiling measured in the same run. Writes bench/results/<date>.json and
 * the table in bench/README.md.
 *
 * BENCH_SIZES=1000,100000  BENCH_STORES=sqlite,postgres  BENCH_SECONDS=5  BENCH_DATABASE_URL=postgres://…
 */
import { type ChildProcess, execFileSync, fork } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import autocannon from 'autocannon'
import pg from 'pg'
import { freePort, startEmbeddedPostgres } from '../test/support/postgres.js'
import { benchOrg, benchOrgId } from './orgs.js'
import { waitReady } from '../test/support/server-process.js'
import { type BenchRequest, requestsFrom, rssMb, startService, stop } from './service-process.js'

const ROOT = join(import.meta.dirname, '..')
const BASE = '/api/v1/vipps-orgs'
const SIZES = (process.env.BENCH_SIZES ?? '1000,100000').split(',').map(Number)
const STORES = (process.env.BENCH_STORES ?? 'sqlite,postgres').split(',')
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5)
const WARMUP_SECONDS = 2
const CONNECTIONS = 64
const ROUNDS = 3

interface Measure {
  rps: number
  p50_ms: number
  p99_ms: number
  non2xx: number
  errors: number
  rss_mb: number
  ratio_to_ceiling?: number
}



async function load(port: number, next: () => BenchRequest, seconds: number, amount?: number) {
  const result = await autocannon({
    url: `http://127.0.0.1:${port}`,
    connections: CONNECTIONS,
    ...(amount ? { amount } : { duration: seconds }),
    requests: requestsFrom(next)
  })
  return result
}

async function measure(pid: number, port: number, next: () => BenchRequest): Promise<Measure> {
  await load(port, next, WARMUP_SECONDS)
  const result = await load(port, next, SECONDS)
  return {
    rps: Math.round(result.requests.average),
    p50_ms: result.latency.p50,
    p99_ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    rss_mb: rssMb(pid)
  }
}



const random = (n: number) => Math.floor(Math.random() * n)

async function startCeiling(size: number) {
  const port = await freePort()
  const child = fork(join(ROOT, 'bench', 'baseline-server.ts'), [String(size), String(port)], {
    execArgv: ['--import', 'tsx'],
    stdio: 'ignore'
  })
  if (!(await waitReady(`http://127.0.0.1:${port}`, `${BASE}/${benchOrgId(0)}/status`))) throw new Error('the ceiling did not start')
  return { child, port }
}

function median(values: Measure[]): Measure {
  const sorted = [...values].sort((a, b) => a.rps - b.rps)
  return sorted[Math.floor(sorted.length / 2)]!
}

async function newPostgresDatabase(adminUrl: string): Promise<string> {
  const name = `bench_${Date.now()}`
  const client = new pg.Client({ connectionString: adminUrl })
  await client.connect()
  await client.query(`CREATE DATABASE ${name}`)
  await client.end()
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  return url.toString()
}

async function service(store: string, size: number, databaseUrl: string, ceiling: { child: ChildProcess; port: number }) {
  const { child, pid, port } = await startService({
    DATABASE_URL: databaseUrl,
    // Room for every org, and no expiry during the run: the hot reads are measured warm.
    CACHE_MAX_ENTRIES: String(Math.max(size * 2, 1000)),
    CACHE_TTL_MS: '0'
  })

  let seeded = 0
  const seedStart = performance.now()
  const seed = await load(
    port,
    () => ({ method: 'POST', path: BASE, body: JSON.stringify(benchOrg(seeded++)) }),
    0,
    size
  )
  const seedSeconds = (performance.now() - seedStart) / 1000
  if (seed.non2xx > 0 || seed.errors > 0) throw new Error(`seeding ${store} failed: ${seed.non2xx} non-2xx`)
  // Warm the read cache: one status and one get of every org (the hot reads are measured warm).
  let warmed = 0
  await load(port, () => {
    const i = warmed++
    return { method: 'GET', path: i < size ? `${BASE}/${benchOrgId(i)}/status` : `${BASE}/${benchOrgId(i - size)}` }
  }, 0, 2 * size)
  const pages = Math.ceil(size / 20)
  let created = 0
  const tag = Date.now().toString(36)

  const status = () => ({ method: 'GET', path: `${BASE}/${benchOrgId(random(size))}/status` })
  const getOne = () => ({ method: 'GET', path: `${BASE}/${benchOrgId(random(size))}` })
  // The hot reads and the ceiling, interleaved in rounds (median of each): the machine is
  // shared and noisy, so what is compared is measured side by side.
  const rounds: Record<string, Measure[]> = { ceiling: [], status: [], get_one: [] }
  for (let round = 0; round < ROUNDS; round++) {
    rounds.ceiling!.push(await measure(ceiling.child.pid!, ceiling.port, status))
    rounds.status!.push(await measure(pid, port, status))
    rounds.get_one!.push(await measure(pid, port, getOne))
  }
  const ceilingStatus = median(rounds.ceiling!)
  const runs: Record<string, Measure> = {}
  for (const name of ['status', 'get_one']) {
    const m = median(rounds[name]!)
    runs[name] = { ...m, ratio_to_ceiling: Math.round((m.rps / ceilingStatus.rps) * 100) / 100 }
  }
  const scenarios: [string, () => BenchRequest][] = [
    ['list_page_1', () => ({ method: 'GET', path: `${BASE}?page=1&limit=20` })],
    ['list_deep_page', () => ({ method: 'GET', path: `${BASE}?page=${Math.max(1, Math.floor(pages * 0.9))}&limit=20&vipps_enabled=any` })],
    [
      'update',
      () => ({
        method: 'PUT',
        path: `${BASE}/${benchOrgId(random(size))}`,
        body: JSON.stringify({ client_id: `vipps-client-${random(1e9).toString(36)}` })
      })
    ],
    ['create', () => ({ method: 'POST', path: BASE, body: JSON.stringify(benchOrg(0)).replace(benchOrgId(0), `new_${tag}_${created++}`) })]
  ]
  for (const [name, next] of scenarios) runs[name] = await measure(pid, port, next)
  // A list page right after a write misses the list cache: what one cold page costs.
  const cold: Record<string, number> = {}
  for (const [name, page] of [['list_page_1', 1], ['list_deep_page', Math.max(1, Math.floor(pages * 0.9))]] as const) {
    const times: number[] = []
    for (let i = 0; i < 21; i++) {
      await fetch(`http://127.0.0.1:${port}${BASE}/${benchOrgId(random(size))}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ client_id: `cold-${i}` })
      })
      const started = performance.now()
      const res = await fetch(`http://127.0.0.1:${port}${BASE}?page=${page}&limit=20&vipps_enabled=any`)
      await res.text()
      times.push(performance.now() - started)
    }
    cold[`${name}_cold_ms`] = Math.round(times.sort((a, b) => a - b)[10]! * 100) / 100
  }
  for (const [name, m] of Object.entries({ ceiling: ceilingStatus, ...runs })) {
    console.log(`  ${store} N=${size} ${name}: ${m.rps} req/s, p99 ${m.p99_ms} ms, rss ${m.rss_mb} MB`)
  }
  await stop(child)
  console.log(`  ${store} N=${size} cold list pages (median ms): ${JSON.stringify(cold)}`)
  return { seed_per_s: Math.round(size / seedSeconds), ceiling: ceilingStatus, runs, cold }
}

function table(results: Awaited<ReturnType<typeof main>>): string {
  const lines = [
    '| N | store | scenario | req/s | ratio to ceiling | p50 ms | p99 ms | RSS MB | non-2xx |',
    '|---|---|---|---|---|---|---|---|---|'
  ]
  for (const size of results.sizes) {
    for (const [store, data] of Object.entries(size.stores)) {
      const c = data.ceiling
      lines.push(`| ${size.n} | node:http ceiling (${store} block) | status | ${c.rps} | 1.00 | ${c.p50_ms} | ${c.p99_ms} | ${c.rss_mb} | ${c.non2xx} |`)
      lines.push(`| ${size.n} | ${store} | seed (create, ${CONNECTIONS} conns) | ${data.seed_per_s} | | | | | |`)
      for (const [name, ms] of Object.entries(data.cold)) {
        lines.push(`| ${size.n} | ${store} | ${name.replace('_cold_ms', '')}, cold (one request after a write) | | | ${ms} | | | |`)
      }
      for (const [name, m] of Object.entries(data.runs)) {
        const ratio = m.ratio_to_ceiling === undefined ? '' : m.ratio_to_ceiling.toFixed(2)
        lines.push(`| ${size.n} | ${store} | ${name} | ${m.rps} | ${ratio} | ${m.p50_ms} | ${m.p99_ms} | ${m.rss_mb} | ${m.non2xx} |`)
      }
    }
  }
  return lines.join('\n')
}

async function main() {
  execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' })
  let embedded: Awaited<ReturnType<typeof startEmbeddedPostgres>> | undefined
  let adminUrl = process.env.BENCH_DATABASE_URL
  if (STORES.includes('postgres') && !adminUrl) {
    embedded = await startEmbeddedPostgres({ durable: true })
    adminUrl = embedded.url
  }
  const dir = mkdtempSync(join(tmpdir(), 'vipps-orgs-bench-'))
  const sizes = []
  try {
    for (const n of SIZES) {
      const ceiling = await startCeiling(n)
      const stores: Record<string, Awaited<ReturnType<typeof service>>> = {}
      try {
        for (const store of STORES) {
          const url = store === 'sqlite' ? `sqlite:${join(dir, `bench-${n}.db`)}` : await newPostgresDatabase(adminUrl!)
          stores[store] = await service(store, n, url, ceiling)
        }
      } finally {
        await stop(ceiling.child)
      }
      sizes.push({ n, stores })
    }
  } finally {
    await embedded?.destroy()
    rmSync(dir, { recursive: true, force: true })
  }
  return {
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, cpu: cpus()[0]?.model, node: process.version },
    settings: { connections: CONNECTIONS, seconds: SECONDS, warmup_seconds: WARMUP_SECONDS, rounds: ROUNDS, log_level: 'warn' },
    sizes
  }
}

const results = await main()
const day = results.date.slice(0, 10)
writeFileSync(join(ROOT, 'bench', 'results', `${day}.json`), `${JSON.stringify(results, null, 2)}\n`)
const readmePath = join(ROOT, 'bench', 'README.md')
const readme = readFileSync(readmePath, 'utf8')
const start = '<!-- results:start -->'
const end = '<!-- results:end -->'
const generated = `${start}\nLatest run: ${results.date} (${results.machine.cpus} × ${results.machine.cpu}, Node ${results.machine.node}; ${CONNECTIONS} connections, ${SECONDS} s after ${WARMUP_SECONDS} s warm-up). Raw figures: \`bench/results/${day}.json\`.\n\n${table(results)}\n${end}`
writeFileSync(readmePath, readme.replace(new RegExp(`${start}[\\s\\S]*${end}`), generated))
console.log(table(results))
