/**
 * npm run bench: the service (its own processes: metrics on, and metrics off) under wrk, side by
 * side with a bare node:http ceiling measured before and after each of its measures. Writes
 * bench/results/<date>.json and the table in bench/README.md (a full run), or its own
 * bench/results/<date>-partial-….json (a partial run; the README is left alone).
 *
 * BENCH_SIZES=1000,100000  BENCH_STORES=sqlite,postgres  BENCH_SECONDS=5  BENCH_ROUNDS=3  BENCH_AUTH_PAIRS=8  BENCH_APPROVAL_PAIRS=4
 * BENCH_TRACE_ROUNDS=6  BENCH_TRACES_BASELINE=<commit> (today's build for the traces step: see traces-cost.ts)
 * BENCH_DATABASE_URL=postgres://…  (else an embedded PostgreSQL is started)
 */
import { type ChildProcess, execFileSync } from 'node:child_process'
import { cpus } from 'node:os'
import { join } from 'node:path'
import { backupDatabase } from '../src/db/sqlite-backup.js'
import { benchDatabases } from './databases.js'
import { CONNECTIONS, type GetLoad, type Measure, measureGet, measureWrites, median, pickReadGenerator, type WriteLoad } from './load.js'
import { BASE, benchOrgId } from './orgs.js'
import { saveResults } from './results-file.js'
import { readEveryOrg, seedBody, seedOrgs, serviceEnv } from './seed.js'
import { cpuSeconds, rssMb, startCeiling, startService, stop } from './service-process.js'
import { timeStartup } from './startup-time.js'
import { buildBaseline, TRACES_BASELINE, tracesCost, tracesTable } from './traces-cost.js'

const ROOT = join(import.meta.dirname, '..')
const SIZES = (process.env.BENCH_SIZES ?? '1000,100000').split(',').map(Number)
const STORES = (process.env.BENCH_STORES ?? 'sqlite,postgres').split(',')
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)
/** Pairs of short runs side by side: status without a credential, and with an API key (AUTH_READS=true). */
const AUTH_PAIRS = Number(process.env.BENCH_AUTH_PAIRS ?? 8)
const AUTH_SECONDS = 2
/** Pairs of short write runs side by side: APPROVALS=off (the default) and APPROVALS=production. */
const APPROVAL_PAIRS = Number(process.env.BENCH_APPROVAL_PAIRS ?? 4)
const WARMUP_SECONDS = 1
const COLD_SAMPLES = 31
const LIMIT = 20
/** The bootstrap token of the process that needs credentials to read (it makes the API key the reads carry). */
const BENCH_ADMIN_TOKEN = `bench-admin-${Date.now().toString(36)}-0123456789`

/** The list filters timed cold (one request right after a write), each on page 1 and its last page. */
const LIST_FILTERS: [string, string][] = [
  ['default (vipps_enabled=true)', ''],
  ['vipps_enabled=any', 'vipps_enabled=any'],
  ['vipps_enabled=false', 'vipps_enabled=false'],
  ['environment=production', 'environment=production'],
  ['environment=test&vipps_enabled=any', 'environment=test&vipps_enabled=any'],
  // 10 matches at every N (bench_org_000010 … 000019).
  ['q (10 matches)', 'q=bench_org_00001&vipps_enabled=any'],
  // Grows with N: client ids vipps-client-<base 36>, about half of them start with "1" at 100,000.
  ['q (broad: vipps-client-1)', 'q=vipps-client-1&vipps_enabled=any']
]

// Every service process this run starts: stopped at the end even when a step fails.
const started = new Set<ChildProcess>()
async function startTracked(env: Record<string, string>, cwd?: string) {
  const service = await startService(env, undefined, cwd)
  started.add(service.child)
  service.child.once('exit', () => started.delete(service.child))
  return service
}

interface Run extends Measure {
  ratio_to_ceiling?: number
}

/** A run of the side-by-side step, with the server's CPU time per request. */
interface SideMeasure extends Measure {
  cpu_us_per_request: number
}

const round2 = (x: number) => Math.round(x * 100) / 100

async function sameDataFor(databaseUrl: string, name: string): Promise<{ DATABASE_URL?: string }> {
  if (!databaseUrl.startsWith('sqlite:')) return {}
  const file = databaseUrl.slice('sqlite:'.length)
  const copy = `${file}.${name}.db`
  await backupDatabase(file, copy)
  return { DATABASE_URL: `sqlite:${copy}` }
}
const random = (n: number) => Math.floor(Math.random() * n)

/** A viewer's API key, made through the API with the bootstrap token. */
async function createApiKey(port: number): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${port}/api/v1/api-keys`, {
    method: 'POST',
    headers: { authorization: `Bearer ${BENCH_ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'bench-reader', role: 'viewer' })
  })
  if (res.status !== 201) throw new Error(`creating the bench's API key failed: ${res.status} ${await res.text()}`)
  return ((await res.json()) as { key: string }).key
}

async function timeList(port: number, size: number, query: string): Promise<{ page_1_ms: number; last_page_ms: number; total: number; last_page: number }> {
  const url = (page: number) => `http://127.0.0.1:${port}${BASE}?${query}${query ? '&' : ''}page=${page}&limit=${LIMIT}`
  const first = (await (await fetch(url(1))).json()) as { pagination: { total: number } }
  const total = first.pagination.total
  const lastPage = Math.max(1, Math.ceil(total / LIMIT))
  const times = async (page: number) => {
    const ms: number[] = []
    for (let i = 0; i < COLD_SAMPLES; i++) {
      // A write first: no list cache can answer the next page.
      await fetch(`http://127.0.0.1:${port}${BASE}/${benchOrgId(random(size))}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ client_id: `vipps-client-${random(size).toString(36)}` })
      })
      const started = performance.now()
      const res = await fetch(url(page))
      await res.text()
      ms.push(performance.now() - started)
    }
    return round2(median(ms))
  }
  return { page_1_ms: await times(1), last_page_ms: await times(lastPage), total, last_page: lastPage }
}

/**
 * Four eyes (APPROVALS) beside the default (off), on the same data: creates of `test` orgs, which
 * are never held, so both sides write the same rows; with APPROVALS=production each write also
 * runs the write gate (the rule, and pending requests of the org made stale in its transaction).
 * With APPROVALS=off no gate is set and the write path is the one measured above. Pairs of short
 * runs, the order alternating; the ratio is per pair.
 */
async function approvalsSideBySide(
  generator: 'wrk' | 'autocannon',
  dir: string,
  store: string,
  size: number,
  env: Record<string, string>,
  databaseUrl: string,
  offPort: number
) {
  const gated = await startTracked({ ...env, ...(await sameDataFor(databaseUrl, 'approvals')), APPROVALS: 'production' })
  const tag = Date.now().toString(36)
  // benchOrg(0) is a test org: a create like it is never held.
  const load = (run: string): WriteLoad => ({ method: 'POST', path: BASE, body: JSON.stringify(seedBody(0)).replaceAll(benchOrgId(0), `ap_${tag}_${run}_{seq}`), n: size })
  const pairs: { off: Measure; production: Measure; ratio: number }[] = []
  try {
    for (let i = 0; i < APPROVAL_PAIRS; i++) {
      const measured: Partial<Record<'off' | 'production', Measure>> = {}
      for (const side of i % 2 === 0 ? (['off', 'production'] as const) : (['production', 'off'] as const)) {
        const port = side === 'off' ? offPort : gated.port
        measured[side] = await measureWrites(generator, dir, port, `approvals-${side}-${i}`, load(`${side}${i}`), AUTH_SECONDS, WARMUP_SECONDS)
      }
      const { off, production } = measured as Record<'off' | 'production', Measure>
      pairs.push({ off, production, ratio: round2(production.rps / off.rps) })
    }
  } finally {
    await stop(gated.child)
  }
  const ratios = pairs.map((p) => p.ratio)
  const side = (name: 'off' | 'production') => ({
    rps: median(pairs.map((p) => p[name].rps)),
    p50_ms: median(pairs.map((p) => p[name].p50_ms)),
    p99_ms: median(pairs.map((p) => p[name].p99_ms)),
    non2xx: pairs.reduce((n, p) => n + p[name].non2xx, 0)
  })
  const cost = { production_over_off: round2(median(ratios)), min: Math.min(...ratios), max: Math.max(...ratios), off: side('off'), production: side('production'), pairs }
  console.log(
    `  ${store} N=${size} creates (test orgs, never held) APPROVALS=production / off, ${pairs.length} pairs: ${cost.production_over_off} (pairs ${ratios.join(', ')}); ` +
      `off ${cost.off.rps}/s p50 ${round2(cost.off.p50_ms)} p99 ${round2(cost.off.p99_ms)} ms, production ${cost.production.rps}/s p50 ${round2(cost.production.p50_ms)} p99 ${round2(cost.production.p99_ms)} ms`
  )
  return cost
}

async function service(
  generator: 'wrk' | 'autocannon',
  dir: string,
  store: string,
  size: number,
  databaseUrl: string,
  ceiling: { child: ChildProcess; port: number },
  baselineDir: string
) {
  const env = serviceEnv(databaseUrl, size)
  const on = await startTracked(env)
  const rssStart = rssMb(on.pid)

  const seedPerSecond = await seedOrgs(on.port, size, `${store} N=${size}`)
  await readEveryOrg(on.port, size)
  const rssAfterReads = rssMb(on.pid)
  console.log(`  ${store} N=${size}: seeded at ${seedPerSecond}/s; RSS ${rssStart} MB at start, ${rssAfterReads} MB after every org created and read once`)

  // The same service with metrics off, on the same data (reads only while both run): on SQLite a
  // copy taken with the online backup API, since a SQLite file serves one process.
  const off = await startTracked({ ...env, ...(await sameDataFor(databaseUrl, 'metrics-off')), METRICS_ENABLED: 'false' })
  await readEveryOrg(off.port, size)
  // And the same service with reads that need a credential (AUTH_READS=true), read with an API key:
  // what checking a key costs the hot path, beside the same reads without one.
  const auth = await startTracked({ ...env, ...(await sameDataFor(databaseUrl, 'auth')), ADMIN_TOKENS: `bench:${BENCH_ADMIN_TOKEN}`, AUTH_READS: 'true' })
  const withKey = { authorization: `Bearer ${await createApiKey(auth.port)}` }
  await readEveryOrg(auth.port, size, withKey)

  const status: GetLoad = { pattern: `${BASE}/bench_org_%d/status`, n: size }
  const getOne: GetLoad = { pattern: `${BASE}/bench_org_%d`, n: size }
  const get = (port: number, load: GetLoad) => measureGet(generator, dir, port, load, SECONDS, WARMUP_SECONDS)
  // The machine is shared and noisy: within one round the ceiling itself has moved from 32,000 to
  // 52,000 req/s (2026-12-06). So every measure of the service is taken between two of the
  // ceiling, its ratio is to their mean, and the rounds alternate the services' order; the
  // medians of the ratios are reported.
  const services = [
    ['status', on.port, status],
    ['status_metrics_off', off.port, status],
    ['get_one', on.port, getOne],
    ['get_one_metrics_off', off.port, getOne]
  ] as const
  type Name = (typeof services)[number][0]
  const ceilings: Measure[] = []
  const rounds: Record<Name, Measure[]> = { status: [], status_metrics_off: [], get_one: [], get_one_metrics_off: [] }
  const ratios: Record<Name, number[]> = { status: [], status_metrics_off: [], get_one: [], get_one_metrics_off: [] }
  for (let round = 0; round < ROUNDS; round++) {
    let before = await get(ceiling.port, status)
    ceilings.push(before)
    const line = [`ceiling ${before.rps}`]
    for (const [name, port, load] of round % 2 === 0 ? services : [...services].reverse()) {
      const measure = await get(port, load)
      const after = await get(ceiling.port, status)
      ceilings.push(after)
      rounds[name].push(measure)
      ratios[name].push(measure.rps / ((before.rps + after.rps) / 2))
      line.push(`${name} ${measure.rps}`, `ceiling ${after.rps}`)
      before = after
    }
    console.log(`  ${store} N=${size} round ${round + 1}: ${line.join(', ')}`)
  }
  const rssOff = rssMb(off.pid)
  await stop(off.child)
  // Side by side: status reads without a credential (this build, reads public) and with an API key
  // (the same build with AUTH_READS=true), in pairs of short runs, the order alternating: whatever
  // the shared machine does meanwhile hits both runs of a pair alike. The ratio is per pair.
  const keyed: GetLoad = { ...status, headers: withKey }
  const sides = { none: { port: on.port, pid: on.pid, load: status }, key: { port: auth.port, pid: auth.pid, load: keyed } } as const
  // Each side warmed once; then every run is timed alone, with the server's CPU time around it:
  // CPU per request is what the shared machine disturbs least (its neighbours take time, not work).
  for (const side of Object.values(sides)) await measureGet(generator, dir, side.port, side.load, WARMUP_SECONDS, 0)
  const pairs: { none: SideMeasure; key: SideMeasure; ratio: number; cpu_ratio: number }[] = []
  for (let i = 0; i < AUTH_PAIRS; i++) {
    const measured: Partial<Record<'none' | 'key', SideMeasure>> = {}
    for (const name of i % 2 === 0 ? (['none', 'key'] as const) : (['key', 'none'] as const)) {
      const side = sides[name]
      const cpuBefore = cpuSeconds(side.pid)
      const m = await measureGet(generator, dir, side.port, side.load, AUTH_SECONDS, 0)
      const requests = m.ok + m.non2xx
      measured[name] = { ...m, cpu_us_per_request: round2(((cpuSeconds(side.pid) - cpuBefore) * 1e6) / Math.max(1, requests)) }
    }
    const { none, key } = measured as Record<'none' | 'key', SideMeasure>
    pairs.push({ none, key, ratio: round2(key.rps / none.rps), cpu_ratio: round2(none.cpu_us_per_request / key.cpu_us_per_request) })
  }
  await stop(auth.child)
  // Traces: hot status reads of today's build, this one with tracing off, and tracing on at 1.0 and 0.01.
  const traces = await tracesCost({
    start: (extra, cwd) => startTracked({ ...env, ...extra }, cwd),
    stop: (s) => stop(s.child),
    sameData: (name) => sameDataFor(databaseUrl, name),
    warm: (port) => readEveryOrg(port, size),
    get: (port, load, seconds, warmup) => measureGet(generator, dir, port, load, seconds, warmup),
    baselineDir,
    status,
    label: `${store} N=${size}`
  })
  const pick = (list: Measure[]): Measure => ({
    rps: median(list.map((m) => m.rps)),
    ok: list.reduce((s, m) => s + m.ok, 0),
    p50_ms: median(list.map((m) => m.p50_ms)),
    p99_ms: median(list.map((m) => m.p99_ms)),
    non2xx: list.reduce((s, m) => s + m.non2xx, 0),
    errors: list.reduce((s, m) => s + m.errors, 0)
  })
  const ceilingRun = pick(ceilings)
  // What a key costs the hot path: the median of the pairs' ratios, and their spread (how noisy the machine was).
  const ratiosOfPairs = pairs.map((p) => p.ratio)
  const cpuRatios = pairs.map((p) => p.cpu_ratio)
  const authCost = {
    key_over_none: round2(median(ratiosOfPairs)),
    min: Math.min(...ratiosOfPairs),
    max: Math.max(...ratiosOfPairs),
    cpu_key_over_none: round2(median(cpuRatios)),
    cpu_min: Math.min(...cpuRatios),
    cpu_max: Math.max(...cpuRatios),
    none: { ...pick(pairs.map((p) => p.none)), cpu_us_per_request: round2(median(pairs.map((p) => p.none.cpu_us_per_request))) },
    key: { ...pick(pairs.map((p) => p.key)), cpu_us_per_request: round2(median(pairs.map((p) => p.key.cpu_us_per_request))) },
    pairs
  }
  const runs: Record<string, Run> = {}
  for (const [name] of services) runs[name] = { ...pick(rounds[name]), ratio_to_ceiling: round2(median(ratios[name])) }
  // Metrics on over off: each side as its ratio to the ceilings around it, compared round by round.
  const onOverOff = (on: Name, off: Name) => round2(median(ratios[on].map((r, i) => r / ratios[off][i]!)))
  const metricsCost = {
    status_on_over_off: onOverOff('status', 'status_metrics_off'),
    get_one_on_over_off: onOverOff('get_one', 'get_one_metrics_off')
  }

  const pages = Math.ceil(size / LIMIT)
  const tag = Date.now().toString(36)
  const newOrg = JSON.stringify(seedBody(0)).replaceAll(benchOrgId(0), `new_${tag}_{seq}`)
  const writes: [string, WriteLoad][] = [
    ['update', { method: 'PUT', path: `${BASE}/{org}`, body: JSON.stringify({ client_id: 'vipps-client-{rand}' }), n: size }],
    ['create', { method: 'POST', path: BASE, body: newOrg, n: size }]
  ]
  // Warm list pages (the list cache answers until a write).
  runs.list_page_1 = await get(on.port, { pattern: `${BASE}?page=1&limit=${LIMIT}`, n: 1 })
  runs.list_last_page = await get(on.port, { pattern: `${BASE}?page=${pages}&limit=${LIMIT}&vipps_enabled=any`, n: 1 })
  // Each write load between two runs of the same load on the write ceiling (node:http reading and
  // parsing the same JSON body, answering 201): its ratio is to their mean, as the reads' are.
  for (const [name, load] of writes) {
    const ceilingLoad = { ...load, body: load.body.replaceAll('{seq}', 'c{seq}') }
    const before = await measureWrites(generator, dir, ceiling.port, `${name}-ceiling`, ceilingLoad, SECONDS, WARMUP_SECONDS)
    const measured = await measureWrites(generator, dir, on.port, name, load, SECONDS, WARMUP_SECONDS)
    const after = await measureWrites(generator, dir, ceiling.port, `${name}-ceiling`, ceilingLoad, SECONDS, WARMUP_SECONDS)
    runs[`${name}_write_ceiling`] = { ...pick([before, after]), ratio_to_ceiling: 1 }
    runs[name] = { ...measured, ratio_to_ceiling: round2(measured.rps / ((before.rps + after.rps) / 2)) }
    console.log(`  ${store} N=${size} ${name}: write ceiling ${before.rps}, ${name} ${measured.rps} (p50 ${measured.p50_ms} p99 ${measured.p99_ms} ms), write ceiling ${after.rps}`)
  }
  for (const run of Object.values(runs)) run.ratio_to_ceiling ??= round2(run.rps / ceilingRun.rps)
  const approvalsCost = await approvalsSideBySide(generator, dir, store, size, env, databaseUrl, on.port)

  const lists: Record<string, Awaited<ReturnType<typeof timeList>>> = {}
  for (const [name, query] of LIST_FILTERS) lists[name] = await timeList(on.port, size, query)
  const rssEnd = rssMb(on.pid)
  await stop(on.child)
  // A new instance on the database just measured: to its first answer, and to /readyz 200.
  const startup = await timeStartup(env)
  console.log(`  ${store} N=${size} start-up (median of 3): first answer ${startup.first_answer_ms} ms, ready ${startup.ready_ms} ms`)

  for (const [name, m] of Object.entries({ ceiling: ceilingRun, ...runs })) {
    console.log(`  ${store} N=${size} ${name}: ${m.rps} req/s, p99 ${m.p99_ms} ms${'ratio_to_ceiling' in m ? `, ratio ${m.ratio_to_ceiling}` : ''}`)
  }
  console.log(`  ${store} N=${size} metrics on/off: ${JSON.stringify(metricsCost)}; cold lists (median ms): ${JSON.stringify(lists)}`)
  console.log(
    `  ${store} N=${size} status with an API key (AUTH_READS=true) / without a credential, ${pairs.length} pairs: ${authCost.key_over_none} (pairs ${ratiosOfPairs.join(', ')}); ` +
      `none ${authCost.none.rps} req/s p50 ${authCost.none.p50_ms} p99 ${authCost.none.p99_ms} ms ${authCost.none.cpu_us_per_request} µs CPU, ` +
      `key ${authCost.key.rps} req/s p50 ${authCost.key.p50_ms} p99 ${authCost.key.p99_ms} ms ${authCost.key.cpu_us_per_request} µs CPU; ` +
      `by CPU per request ${authCost.cpu_key_over_none} (pairs ${cpuRatios.join(', ')})`
  )
  console.log(`  ${store} N=${size} traces:\n${tracesTable([{ n: size, store, cost: traces }])}`)
  return {
    seed_per_s: seedPerSecond,
    rss_mb: { start: rssStart, after_create_and_read_once: rssAfterReads, metrics_off_after_reads: rssOff, end: rssEnd },
    ceiling: ceilingRun,
    rounds,
    runs,
    metrics_cost: metricsCost,
    auth_cost: authCost,
    approvals_cost: approvalsCost,
    traces_cost: traces,
    lists,
    startup
  }
}

type StoreResult = Awaited<ReturnType<typeof service>>
interface Results {
  date: string
  machine: { cpus: number; cpu: string | undefined; node: string }
  settings: Record<string, unknown>
  sizes: { n: number; stores: Record<string, StoreResult> }[]
}

function table(results: Results): string {
  const lines = [
    '| N | store | scenario | req/s | ratio to ceiling | p50 ms | p99 ms | non-2xx |',
    '|---|---|---|---|---|---|---|---|'
  ]
  for (const size of results.sizes) {
    for (const [store, data] of Object.entries(size.stores)) {
      const c = data.ceiling
      lines.push(`| ${size.n} | node:http ceiling (${store} block) | status | ${c.rps} | 1.00 | ${c.p50_ms} | ${c.p99_ms} | ${c.non2xx} |`)
      lines.push(`| ${size.n} | ${store} | seed (create through the API, ${CONNECTIONS} conns) | ${data.seed_per_s} | | | | |`)
      for (const [name, m] of Object.entries(data.runs)) {
        const what = name.endsWith('_write_ceiling') ? `node:http write ceiling (${store} block) | ${name.replace('_write_ceiling', '')} body` : `${store} | ${name}`
        lines.push(`| ${size.n} | ${what} | ${m.rps} | ${m.ratio_to_ceiling?.toFixed(2) ?? ''} | ${m.p50_ms} | ${m.p99_ms} | ${m.non2xx} |`)
      }
    }
  }
  const memory = ['| N | store | RSS at start | after every org created and read once | metrics off, after reads | at the end |', '|---|---|---|---|---|---|']
  const cost = ['| N | store | status: metrics on / off | get one: metrics on / off |', '|---|---|---|---|']
  const access = [
    '| N | store | status, no credential: req/s (p50 / p99 ms), CPU µs a request | status, AUTH_READS=true and an API key: req/s (p50 / p99 ms), CPU µs a request | key / none: req/s (pairs: lowest – highest) | key / none: by CPU a request (lowest – highest) |',
    '|---|---|---|---|---|---|'
  ]
  const startup = ['| N | store | start to first answer | start to /readyz 200 |', '|---|---|---|---|']
  for (const size of results.sizes) {
    for (const [store, data] of Object.entries(size.stores)) {
      const r = data.rss_mb
      memory.push(`| ${size.n} | ${store} | ${r.start} MB | ${r.after_create_and_read_once} MB | ${r.metrics_off_after_reads} MB | ${r.end} MB |`)
      cost.push(`| ${size.n} | ${store} | ${data.metrics_cost.status_on_over_off.toFixed(2)} | ${data.metrics_cost.get_one_on_over_off.toFixed(2)} |`)
      const a = data.auth_cost
      access.push(
        `| ${size.n} | ${store} | ${a.none.rps} (${a.none.p50_ms} / ${a.none.p99_ms}), ${a.none.cpu_us_per_request} | ${a.key.rps} (${a.key.p50_ms} / ${a.key.p99_ms}), ${a.key.cpu_us_per_request} | ` +
          `${a.key_over_none.toFixed(2)} (${a.min.toFixed(2)} – ${a.max.toFixed(2)}) | ${a.cpu_key_over_none.toFixed(2)} (${a.cpu_min.toFixed(2)} – ${a.cpu_max.toFixed(2)}) |`
      )
      startup.push(`| ${size.n} | ${store} | ${data.startup.first_answer_ms} ms | ${data.startup.ready_ms} ms |`)
    }
  }
  const small = Math.min(...results.sizes.map((s) => s.n))
  const large = Math.max(...results.sizes.map((s) => s.n))
  const listLines = [
    `| store | filter | page 1 at ${small} | page 1 at ${large} | × | last page at ${small} | last page at ${large} | × |`,
    '|---|---|---|---|---|---|---|---|'
  ]
  const at = (n: number) => results.sizes.find((s) => s.n === n)!
  for (const store of Object.keys(at(small).stores)) {
    for (const [filter] of LIST_FILTERS) {
      const a = at(small).stores[store]?.lists[filter]
      const b = at(large).stores[store]?.lists[filter]
      if (!a || !b) continue
      const x = (p: number, q: number) => (p > 0 ? (q / p).toFixed(1) : '')
      listLines.push(
        `| ${store} | ${filter} | ${a.page_1_ms} ms | ${b.page_1_ms} ms | ${x(a.page_1_ms, b.page_1_ms)} | ${a.last_page_ms} ms (p. ${a.last_page}) | ${b.last_page_ms} ms (p. ${b.last_page}) | ${x(a.last_page_ms, b.last_page_ms)} |`
      )
    }
  }
  return [
    lines.join('\n'),
    '\nMemory (RSS of the metrics-on process):\n',
    memory.join('\n'),
    '\nCost of metrics (req/s with metrics on over req/s with them off, each as its ratio to the ceilings around it, median of the rounds):\n',
    cost.join('\n'),
    `\nCost of access (status reads of the same build with AUTH_READS=true and an API key, beside status reads without a credential: ${AUTH_PAIRS} pairs of ${AUTH_SECONDS} s runs, the order alternating, each side warmed once; req/s, p50, p99 and the server's CPU time a request are the medians of the pairs; by CPU: CPU a request without a credential over with a key):\n`,
    access.join('\n'),
    `\nCost of traces (status reads of today's build, commit ${String(results.settings.traces_baseline).slice(0, 12)}, main before traces, and of this build with tracing off, and on at 1.0 and 0.01 (parentbased_traceidratio, exported to an OTLP endpoint that drops them): each its own process on the same data, ${process.env.BENCH_TRACE_ROUNDS ?? 6} rounds of 3 s runs, the order turning; req/s, p50, p99 and CPU µs a request are medians of the rounds; the ratios are taken within each round: median (lowest – highest), then the same by CPU a request):\n`,
    tracesTable(results.sizes.flatMap((size) => Object.entries(size.stores).map(([store, data]) => ({ n: size.n, store, cost: data.traces_cost })))),
    '\nStart-up of a new instance on the database just measured (median of 3; `npm run bench:startup` sets it beside its baselines):\n',
    startup.join('\n'),
    `\nCold list pages (one request right after a write, so no list cache answers; limit ${LIMIT}; median of ${COLD_SAMPLES}; × = time at ${large} over time at ${small}):\n`,
    listLines.join('\n')
  ].join('\n')
}

async function main(generator: 'wrk' | 'autocannon'): Promise<Results> {
  execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' })
  const baseline = await buildBaseline()
  const databases = await benchDatabases(STORES, 'bench')
  console.log(`today's build for the traces step: ${baseline.ref.slice(0, 12)} (dependencies ${baseline.dependencies})`)
  const sizes = []
  try {
    for (const n of SIZES) {
      const ceiling = await startCeiling(n)
      const stores: Record<string, StoreResult> = {}
      try {
        for (const store of STORES) {
          // Dropped and checkpointed when done: its dirty pages are not written out during the next block.
          stores[store] = await databases.withFresh(store, (databaseUrl) => service(generator, databases.dir, store, n, databaseUrl, ceiling, baseline.dir))
        }
      } finally {
        await stop(ceiling.child)
      }
      sizes.push({ n, stores })
    }
  } finally {
    await Promise.all([...started].map((child) => stop(child)))
    await databases.close()
    await baseline.remove()
  }
  return {
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, cpu: cpus()[0]?.model, node: process.version },
    settings: {
      read_load_generator: generator === 'wrk' ? `wrk -t1 -c${CONNECTIONS}` : `autocannon -c ${CONNECTIONS} (wrk missing)`,
      write_load_generator: generator === 'wrk' ? `wrk -t1 -c${CONNECTIONS} (bodies made in Lua); the seed with autocannon` : `autocannon -c ${CONNECTIONS}`,
      connections: CONNECTIONS,
      seconds: SECONDS,
      warmup_seconds: WARMUP_SECONDS,
      rounds: ROUNDS,
      log_level: 'warn',
      postgres: databases.postgres,
      traces_baseline: TRACES_BASELINE
    },
    sizes
  }
}

const generator = pickReadGenerator()
const results = await main(generator)
const day = results.date.slice(0, 10)
const { file, readmeUpdated } = saveResults(
  join(ROOT, 'bench', 'results'),
  join(ROOT, 'bench', 'README.md'),
  day,
  { sizes: SIZES, stores: STORES },
  results,
  (written) =>
    `Latest full run: ${results.date} (${results.machine.cpus} × ${results.machine.cpu}, Node ${results.machine.node}; reads with ${results.settings.read_load_generator}, writes with ${results.settings.write_load_generator}; ${SECONDS} s after ${WARMUP_SECONDS} s warm-up; ${ROUNDS} rounds, each measure between two of the ceiling). Raw figures: \`bench/results/${written.split('/').pop()}\`.\n\n${table(results)}`
)
console.log(table(results))
console.log(`\nwritten: ${file}${readmeUpdated ? ' and the table in bench/README.md' : ' (a partial run: bench/README.md left as it is)'}`)
