/**
 * npm run bench:startup: how long a new instance takes from its spawn to its first answer (it
 * listens before it loads) and to `/readyz` 200, with N orgs (created through the API) and, as
 * the baseline of the same moment, on the same store's empty database, beside a bare node process
 * (spawn to first answer). Five rounds, each a bare node, an empty and a full start (so all three
 * see the machine of the same moment), medians. `npm run bench` times the start at each of
 * its sizes too. Writes bench/results/startup-<date>.json and the section between the startup
 * markers of bench/README.md.
 *
 * BENCH_STARTUP_N=100000  BENCH_STORES=sqlite,postgres  BENCH_DATABASE_URL=postgres://…
 */
import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { join } from 'node:path'
import { benchDatabases } from './databases.js'
import { median } from './load.js'
import { newResultsFile, replaceSection } from './results-file.js'
import { seedOrgs, serviceEnv } from './seed.js'
import { startService, stop } from './service-process.js'
import { medianOf, type StartupTime, timeBareNode, timeOneStart } from './startup-time.js'

const ROOT = join(import.meta.dirname, '..')
const N = Number(process.env.BENCH_STARTUP_N ?? 100_000)
const STORES = (process.env.BENCH_STORES ?? 'sqlite,postgres').split(',')
const ROUNDS = 5

const round2 = (x: number) => Math.round(x * 100) / 100

interface StoreStartup {
  bare_node_first_answer_ms: number
  empty: StartupTime & { runs: StartupTime[] }
  at_n: StartupTime & { runs: StartupTime[] }
  /** Time to ready at N over time to ready on the empty database, round by round, median. */
  ready_ratio_n_to_empty: number
}

async function store(name: string, emptyUrl: string, fullUrl: string): Promise<StoreStartup> {
  const empty = serviceEnv(emptyUrl, N)
  const full = serviceEnv(fullUrl, N)
  // Migrated first: the empty baseline times a start, not the migrations.
  await stop((await startService(empty)).child)
  const seeding = await startService(full)
  console.log(`  ${name}: seeded ${N} orgs at ${await seedOrgs(seeding.port, N, name)}/s`)
  await stop(seeding.child)
  const bare: number[] = []
  const emptyRuns: StartupTime[] = []
  const fullRuns: StartupTime[] = []
  for (let round = 0; round < ROUNDS; round++) {
    bare.push(await timeBareNode())
    // Alternating which goes first, so a drift of the machine favours neither.
    for (const which of round % 2 === 0 ? (['empty', 'full'] as const) : (['full', 'empty'] as const)) {
      ;(which === 'empty' ? emptyRuns : fullRuns).push(await timeOneStart(which === 'empty' ? empty : full))
    }
    console.log(`  ${name} round ${round + 1}: bare node ${bare.at(-1)} ms; empty ${JSON.stringify(emptyRuns.at(-1))}; ${N} orgs ${JSON.stringify(fullRuns.at(-1))}`)
  }
  const result = {
    bare_node_first_answer_ms: median(bare),
    empty: { ...medianOf(emptyRuns), runs: emptyRuns },
    at_n: { ...medianOf(fullRuns), runs: fullRuns },
    ready_ratio_n_to_empty: round2(median(fullRuns.map((r, i) => r.ready_ms / emptyRuns[i]!.ready_ms)))
  }
  console.log(`  ${name}: ${JSON.stringify({ ...result, empty: medianOf(emptyRuns), at_n: medianOf(fullRuns) })}`)
  return result
}

function table(results: { n: number; stores: Record<string, StoreStartup> }): string {
  const lines = [
    '| store | bare node: first answer | empty: first answer | empty: ready | N: first answer | N: ready | N ready / empty ready | 503 answers while loading (N) |',
    '|---|---|---|---|---|---|---|---|'
  ]
  for (const [name, s] of Object.entries(results.stores)) {
    lines.push(
      `| ${name} | ${s.bare_node_first_answer_ms} ms | ${s.empty.first_answer_ms} ms | ${s.empty.ready_ms} ms | ${s.at_n.first_answer_ms} ms | ${s.at_n.ready_ms} ms | ${s.ready_ratio_n_to_empty.toFixed(2)} | ${s.at_n.loading_answers} |`
    )
  }
  return lines.join('\n')
}

execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' })
const databases = await benchDatabases(STORES, 'startup')
const stores: Record<string, StoreStartup> = {}
const load = loadavg()[0]!
try {
  for (const name of STORES) {
    stores[name] = await databases.withFresh(name, (emptyUrl) => databases.withFresh(name, (fullUrl) => store(name, emptyUrl, fullUrl)))
  }
} finally {
  await databases.close()
}
const date = new Date().toISOString()
const results = {
  date,
  machine: { cpus: cpus().length, cpu: cpus()[0]?.model, node: process.version, load_average_1m_at_start: round2(load) },
  n: N,
  postgres: databases.postgres,
  stores
}
const resultsDir = join(ROOT, 'bench', 'results')
const file = newResultsFile(resultsDir, `startup-${date.slice(0, 10)}`)
writeFileSync(join(resultsDir, file), `${JSON.stringify(results, null, 2)}\n`)
const readme = join(ROOT, 'bench', 'README.md')
writeFileSync(
  readme,
  replaceSection(
    readFileSync(readme, 'utf8'),
    'startup',
    `Latest run: ${date} (${results.machine.cpus} × ${results.machine.cpu}, Node ${results.machine.node}, load average ${results.machine.load_average_1m_at_start} at the start; N = ${N}; medians of ${ROUNDS} rounds; PostgreSQL: ${databases.postgres}). Raw figures: \`bench/results/${file}\`.\n\n${table(results)}`
  )
)
console.log(table(results))
console.log(`\nwritten: bench/results/${file} and the startup section of bench/README.md`)
