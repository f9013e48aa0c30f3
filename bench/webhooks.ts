/**
 * npm run bench:webhooks: what webhooks cost the API, and how soon they arrive.
 * - writes/s (creates through the API, 64 connections) with three webhook endpoints subscribed
 *   against none, on fresh databases, rounds in ABBA order; the ratio is what counts;
 * - delivery latency from commit (the create's response) to receipt, p50/p99, under a paced load.
 * Writes bench/results/webhooks-<date>.json and the section between the webhooks markers of bench/README.md.
 *
 * BENCH_STORES=sqlite,postgres  BENCH_SECONDS=8  BENCH_ROUNDS=4  BENCH_DATABASE_URL=postgres://…
 */
import { execFileSync, fork } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { join } from 'node:path'
import { type BenchDatabases, benchDatabases } from './databases.js'
import { BASE, benchOrg } from './orgs.js'
import { newResultsFile, replaceSection } from './results-file.js'
import { measureWrites, median, pickReadGenerator } from './load.js'
import { startService, stop } from './service-process.js'

const ROOT = join(import.meta.dirname, '..')
const STORES = (process.env.BENCH_STORES ?? 'sqlite,postgres').split(',')
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4)
const CONNECTIONS = 64
const ENDPOINTS = 3

/** The receivers, in their own process (bench/webhook-receivers.ts). */
async function startReceivers(count: number) {
  const child = fork(join(ROOT, 'bench', 'webhook-receivers.ts'), [String(count)], { execArgv: ['--import', 'tsx'], stdio: 'inherit' })
  const { urls } = await new Promise<{ urls: string[] }>((resolve) => child.once('message', resolve))
  return {
    urls,
    /** Deliveries the first endpoint has received so far. */
    count: async () => {
      child.send('count')
      const { count } = await new Promise<{ count: number }>((resolve) => child.once('message', resolve))
      return count
    },
    receipts: async () => {
      child.send('receipts')
      const { receipts } = await new Promise<{ receipts: Record<string, number> }>((resolve) => child.once('message', resolve))
      return new Map(Object.entries(receipts))
    },
    close: async () => {
      child.disconnect()
      await new Promise((resolve) => child.once('exit', resolve))
    }
  }
}

/** Creates at 64 connections: the rate (after a warm-up), and how many were made in all. */
async function createRate(generator: 'wrk' | 'autocannon', dir: string, port: number, tag: string): Promise<{ rate: number; created: number }> {
  const body = JSON.stringify({ ...benchOrg(0), org_id: `${tag}_{seq}` })
  const result = await measureWrites(generator, dir, port, `create-${tag}`, { method: 'POST', path: BASE, body, n: 1 }, SECONDS, 2)
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`creates failed: ${result.non2xx} non-2xx, ${result.errors} errors`)
  return { rate: result.rps, created: result.warmup_ok + result.ok }
}

async function register(port: number, url: string): Promise<void> {
  const res = await fetch(`http://127.0.0.1:${port}/api/v1/webhooks`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ url })
  })
  if (res.status !== 201) throw new Error(`registering a webhook failed: ${res.status} ${await res.text()}`)
}

const wallClock = () => performance.timeOrigin + performance.now()

/**
 * Creates at a steady moderate rate (4 writers, a create every 25 ms each: about 150/s, far more
 * than admins make): from the commit (the create's response) to the first endpoint's receipt.
 */
async function latency(port: number, receiptsOf: () => Promise<Map<string, number>>) {
  const committed = new Map<string, number>()
  await Promise.all(
    Array.from({ length: 4 }, async (_, w) => {
      for (let i = 0; i < 150; i++) {
        const orgId = `lat_${w}_${i}`
        const res = await fetch(`http://127.0.0.1:${port}${BASE}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ ...benchOrg(0), org_id: orgId })
        })
        committed.set(orgId, wallClock())
        if (res.status !== 201) throw new Error(`create failed: ${res.status}`)
        await res.arrayBuffer()
        await new Promise((resolve) => setTimeout(resolve, 25))
      }
    })
  )
  const deadline = Date.now() + 30_000
  let receipts = await receiptsOf()
  while ([...committed.keys()].some((id) => !receipts.has(id)) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100))
    receipts = await receiptsOf()
  }
  const delays = [...committed].map(([id, at]) => (receipts.get(id) ?? Number.NaN) - at).sort((a, b) => a - b)
  if (delays.some(Number.isNaN)) throw new Error('some deliveries did not arrive within 30 s')
  const at = (q: number) => Math.round(delays[Math.min(delays.length - 1, Math.floor(q * delays.length))]! * 10) / 10
  return { deliveries: delays.length, p50_ms: at(0.5), p99_ms: at(0.99), max_ms: Math.round(delays.at(-1)! * 10) / 10 }
}

async function measureStore(generator: 'wrk' | 'autocannon', store: string, databases: BenchDatabases) {
  const receivers = await startReceivers(ENDPOINTS)
  const rounds: { none: number; three: number; drain_s: number }[] = []
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const rates = { none: 0, three: 0, drain_s: 0 }
      // ABBA: none first in even rounds, three first in odd ones, so a drift of the machine over the run favours neither.
      for (const mode of round % 2 === 0 ? (['none', 'three'] as const) : (['three', 'none'] as const)) {
        await databases.withFresh(store, async (databaseUrl) => {
          const service = await startService({ DATABASE_URL: databaseUrl, WEBHOOK_ALLOW_PRIVATE_URLS: 'true' })
          try {
            if (mode === 'three') for (const url of receivers.urls) await register(service.port, url)
            const before = await receivers.count()
            const { rate, created } = await createRate(generator, databases.dir, service.port, `r${round}_${mode}`)
            rates[mode] = rate
            if (mode === 'three') {
              // Deliveries yield to the API while it is saturated: how long the backlog takes to arrive once the burst ends.
              const ended = performance.now()
              while ((await receivers.count()) - before < created) await new Promise((resolve) => setTimeout(resolve, 100))
              rates.drain_s = Math.round((performance.now() - ended) / 100) / 10
            }
          } finally {
            await stop(service.child)
          }
        })
      }
      console.log(
        `  ${store} round ${round + 1}: creates/s ${rates.none} without webhooks, ${rates.three} with ${ENDPOINTS} endpoints; ` +
          `every delivery in ${rates.drain_s} s after the burst`
      )
      rounds.push(rates)
    }
    const delivery = await databases.withFresh(store, async (databaseUrl) => {
      const service = await startService({ DATABASE_URL: databaseUrl, WEBHOOK_ALLOW_PRIVATE_URLS: 'true' })
      try {
        for (const url of receivers.urls) await register(service.port, url)
        return await latency(service.port, receivers.receipts)
      } finally {
        await stop(service.child)
      }
    })
    // The ratio of each round's pair (measured back to back), then their median.
    const ratio = Math.round(median(rounds.map((r) => r.three / r.none)) * 100) / 100
    console.log(`  ${store}: ratio ${ratio.toFixed(2)}; delivery latency p50 ${delivery.p50_ms} ms, p99 ${delivery.p99_ms} ms`)
    const creates = { none: Math.round(median(rounds.map((r) => r.none))), three_endpoints: Math.round(median(rounds.map((r) => r.three))) }
    return { rounds, creates_per_s: creates, ratio, drain_s: Math.round(median(rounds.map((r) => r.drain_s)) * 10) / 10, delivery }
  } finally {
    await receivers.close()
  }
}

async function main(generator: 'wrk' | 'autocannon') {
  execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' })
  const databases = await benchDatabases(STORES, 'webhooks')
  const stores: Record<string, Awaited<ReturnType<typeof measureStore>>> = {}
  try {
    for (const store of STORES) stores[store] = await measureStore(generator, store, databases)
  } finally {
    await databases.close()
  }
  return {
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, cpu: cpus()[0]?.model, node: process.version },
    settings: { connections: CONNECTIONS, seconds: SECONDS, rounds: ROUNDS, endpoints: ENDPOINTS, write_load_generator: generator },
    stores
  }
}

const results = await main(pickReadGenerator())
const file = newResultsFile(join(ROOT, 'bench', 'results'), `webhooks-${results.date.slice(0, 10)}${STORES.length < 2 ? `-${STORES.join('-')}` : ''}`)
writeFileSync(join(ROOT, 'bench', 'results', file), `${JSON.stringify(results, null, 2)}\n`)
const lines = [
  `Latest run: ${results.date} (${results.machine.cpus} × ${results.machine.cpu}, Node ${results.machine.node}; creates with ${results.settings.write_load_generator} at ${CONNECTIONS} connections, ${SECONDS} s after 2 s warm-up, ${ROUNDS} rounds in ABBA order, medians). Raw figures: \`bench/results/${file}\`.`,
  '',
  '| store | creates/s, no webhooks | creates/s, 3 endpoints | ratio | backlog delivered after the burst, s | delivery p50 ms | delivery p99 ms | max ms |',
  '|---|---|---|---|---|---|---|---|',
  ...Object.entries(results.stores).map(
    ([store, r]) =>
      `| ${store} | ${r.creates_per_s.none} | ${r.creates_per_s.three_endpoints} | ${r.ratio.toFixed(2)} | ${r.drain_s} | ${r.delivery.p50_ms} | ${r.delivery.p99_ms} | ${r.delivery.max_ms} |`
  )
]
if (STORES.length >= 2) {
  const readmePath = join(ROOT, 'bench', 'README.md')
  writeFileSync(readmePath, replaceSection(readFileSync(readmePath, 'utf8'), 'webhooks', lines.join('\n')))
}
console.log(lines.join('\n'))
