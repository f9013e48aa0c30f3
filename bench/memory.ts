/**
 * npm run bench:memory: which node flags `npm start` should pass. For each candidate set of flags,
 * on each store, a fresh process on a fresh database: RSS and V8's heap after N orgs are created
 * through the API (64 connections) and each status and config is read once (issue 14's memory
 * target), and again after 10 s idle; then what the flags cost: status reads (ratio to a bare
 * node:http ceiling, alternating rounds) and creates per second of the same process.
 * Writes bench/results/memory-<date>.json and the section between the memory markers of bench/README.md.
 *
 * BENCH_MEMORY_N=100000  BENCH_STORES=sqlite,postgres  BENCH_DATABASE_URL=postgres://…
 * BENCH_NODE_FLAGS='--max-semi-space-size=2;;--optimize-for-size'  (sets separated by ";"; an empty one: node's defaults)
 */
import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { join } from 'node:path'
import { benchDatabases } from './databases.js'
import { type Measure, measureGet, measureWrites, median, pickReadGenerator } from './load.js'
import { newResultsFile, replaceSection } from './results-file.js'
import { readEveryOrg, seedBody, seedOrgs, serviceEnv } from './seed.js'
import { rssMb, startCeiling, startFlags, startService, stop } from './service-process.js'
import { BASE, benchOrgId } from './orgs.js'

const ROOT = join(import.meta.dirname, '..')
const N = Number(process.env.BENCH_MEMORY_N ?? 100_000)
const STORES = (process.env.BENCH_STORES ?? 'sqlite,postgres').split(',')
// Default: npm start's flags, node's defaults, and the flags npm start passed before (2026-12-05).
const CANDIDATES = process.env.BENCH_NODE_FLAGS
  ? process.env.BENCH_NODE_FLAGS.split(';').map((set) => set.split(/\s+/).filter(Boolean))
  : [startFlags(), [], ['--max-semi-space-size=2'], ['--optimize-for-size']]
const SECONDS = 5
const ROUNDS = 2

const mb = (bytes: number) => Math.round(bytes / 2 ** 20)
const round2 = (x: number) => Math.round(x * 100) / 100

/** V8's heap (committed and used) and the external memory, from the process's own /metrics. */
async function heapOf(port: number) {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()
  const value = (name: string) => Number(new RegExp(`^${name} (\\S+)`, 'm').exec(text)?.[1] ?? Number.NaN)
  return {
    heap_committed_mb: mb(value('nodejs_heap_size_total_bytes')),
    heap_used_mb: mb(value('nodejs_heap_size_used_bytes')),
    external_mb: mb(value('nodejs_external_memory_bytes'))
  }
}

async function candidate(generator: 'wrk' | 'autocannon', dir: string, store: string, databaseUrl: string, flags: string[], ceilingPort: number) {
  const label = `${store} ${flags.join(' ') || '(node defaults)'}`
  const service = await startService(serviceEnv(databaseUrl, N), flags)
  try {
    const rssStart = rssMb(service.pid)
    const seedPerSecond = await seedOrgs(service.port, N, label)
    await readEveryOrg(service.port, N)
    const after = { rss_mb: rssMb(service.pid), ...(await heapOf(service.port)) }
    await new Promise((resolve) => setTimeout(resolve, 10_000))
    const idle = { rss_mb: rssMb(service.pid), ...(await heapOf(service.port)) }
    console.log(`  ${label}: seeded at ${seedPerSecond}/s; RSS ${rssStart} MB at start, ${after.rss_mb} MB after, ${idle.rss_mb} MB after 10 s idle`)

    const load = { pattern: `${BASE}/bench_org_%d/status`, n: N }
    const ceiling: Measure[] = []
    const status: Measure[] = []
    for (let round = 0; round < ROUNDS; round++) {
      ceiling.push(await measureGet(generator, dir, ceilingPort, load, SECONDS, 1))
      status.push(await measureGet(generator, dir, service.port, load, SECONDS, 1))
    }
    const tag = Date.now().toString(36)
    const body = JSON.stringify(seedBody(0)).replaceAll(benchOrgId(0), `mem_${tag}_{seq}`)
    const creates = await measureWrites(generator, dir, service.port, `create-${tag}`, { method: 'POST', path: BASE, body, n: N }, SECONDS, 1)
    const result = {
      flags: flags.join(' '),
      seed_per_s: seedPerSecond,
      rss_start_mb: rssStart,
      after_create_and_read_once: after,
      after_10s_idle: idle,
      status_ratio_to_ceiling: round2(median(status.map((m, i) => m.rps / ceiling[i]!.rps))),
      status_p99_ms: median(status.map((m) => m.p99_ms)),
      creates_per_s: creates.rps,
      rss_end_mb: rssMb(service.pid)
    }
    console.log(`  ${label}: status ${result.status_ratio_to_ceiling} of the ceiling, ${result.creates_per_s} creates/s, RSS ${result.rss_end_mb} MB at the end`)
    return result
  } finally {
    await stop(service.child)
  }
}

execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' })
const generator = pickReadGenerator()
const databases = await benchDatabases(STORES, 'memory')
const ceiling = await startCeiling(N)
const runs: Record<string, Awaited<ReturnType<typeof candidate>>[]> = {}
try {
  for (const store of STORES) {
    runs[store] = []
    for (const flags of CANDIDATES) {
      runs[store].push(await databases.withFresh(store, (databaseUrl) => candidate(generator, databases.dir, store, databaseUrl, flags, ceiling.port)))
    }
  }
} finally {
  await stop(ceiling.child)
  await databases.close()
}

const results = {
  date: new Date().toISOString(),
  machine: { cpus: cpus().length, cpu: cpus()[0]?.model, node: process.version },
  settings: { n: N, npm_start_flags: startFlags().join(' '), read_load_generator: generator, seconds: SECONDS, rounds: ROUNDS, postgres: databases.postgres },
  runs
}
const file = newResultsFile(join(ROOT, 'bench', 'results'), `memory-${results.date.slice(0, 10)}`)
writeFileSync(join(ROOT, 'bench', 'results', file), `${JSON.stringify(results, null, 2)}\n`)
const lines = [
  `Latest run: ${results.date} (${results.machine.cpus} × ${results.machine.cpu}, Node ${results.machine.node}; ${N} orgs; \`npm start\` passes \`${results.settings.npm_start_flags}\`). Raw figures: \`bench/results/${file}\`.`,
  '',
  '| store | node flags | RSS after creates and reads | heap committed / used | RSS after 10 s idle | status, ratio to ceiling | creates/s |',
  '|---|---|---|---|---|---|---|'
]
for (const [store, list] of Object.entries(runs)) {
  for (const r of list) {
    const a = r.after_create_and_read_once
    lines.push(`| ${store} | \`${r.flags || '(none)'}\` | ${a.rss_mb} MB | ${a.heap_committed_mb} / ${a.heap_used_mb} MB | ${r.after_10s_idle.rss_mb} MB | ${r.status_ratio_to_ceiling} | ${r.creates_per_s} |`)
  }
}
const readmePath = join(ROOT, 'bench', 'README.md')
writeFileSync(readmePath, replaceSection(readFileSync(readmePath, 'utf8'), 'memory', lines.join('\n')))
console.log(lines.join('\n'))
