/**
 * npm run soak: a mixed load (90% reads, 10% writes) on the service in its own process for a set
 * time. Passes with zero errors (every response 2xx) and RSS growth after warm-up within the bound.
 * Records the figures in bench/results/soak-<date>.json and bench/README.md.
 *
 * SOAK_SECONDS=300  SOAK_DATABASE_URL=postgres://… (default: a fresh SQLite file)
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import autocannon from 'autocannon'
import { BASE, benchOrg, benchOrgId } from './orgs.js'
import { type BenchRequest, requestsFrom, rssMb, startService, stop } from './service-process.js'

const ROOT = join(import.meta.dirname, '..')
const SECONDS = Number(process.env.SOAK_SECONDS ?? 300)
const ORGS = 1_000
const CONNECTIONS = 32
/** Allowed RSS growth from the end of warm-up to the end of the run. */
const RSS_GROWTH_BOUND_MB = 40
const WARMUP_SECONDS = Math.min(30, Math.round(SECONDS / 5))

const random = (n: number) => Math.floor(Math.random() * n)

async function main() {
  execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' })
  const dir = mkdtempSync(join(tmpdir(), 'vipps-orgs-soak-'))
  const databaseUrl = process.env.SOAK_DATABASE_URL ?? `sqlite:${join(dir, 'soak.db')}`
  const { child, port } = await startService({ DATABASE_URL: databaseUrl })
  try {
    for (let i = 0; i < ORGS; i++) {
      const res = await fetch(`http://127.0.0.1:${port}${BASE}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(benchOrg(i))
      })
      if (res.status !== 201 && res.status !== 409) throw new Error(`seed failed: ${res.status}`)
    }

    const tag = Date.now().toString(36)
    let created = 0
    const live: string[] = []
    const next = (): BenchRequest => {
      const roll = random(100)
      if (roll < 60) return { method: 'GET', path: `${BASE}/${benchOrgId(random(ORGS))}/status` }
      if (roll < 80) return { method: 'GET', path: `${BASE}/${benchOrgId(random(ORGS))}` }
      if (roll < 90) return { method: 'GET', path: `${BASE}?page=${1 + random(ORGS / 20)}&limit=20` }
      if (roll < 97) {
        const body = JSON.stringify({ client_id: `c-${random(1e9).toString(36)}`, vipps_enabled: random(2) === 0 })
        return { method: 'PUT', path: `${BASE}/${benchOrgId(random(ORGS))}`, body }
      }
      if (roll < 99 || live.length === 0) {
        const orgId = `soak_${tag}_${created++}`
        live.push(orgId)
        return { method: 'POST', path: BASE, body: JSON.stringify({ ...benchOrg(0), org_id: orgId }) }
      }
      return { method: 'DELETE', path: `${BASE}/${live.shift()}` }
    }

    const samples: { t: number; rss_mb: number }[] = []
    const start = Date.now()
    const sampler = setInterval(() => samples.push({ t: Math.round((Date.now() - start) / 1000), rss_mb: rssMb(child.pid!) }), 5_000)
    const statuses: Record<string, number> = {}
    let instance!: autocannon.Instance
    const finished = new Promise<autocannon.Result>((resolve, reject) => {
      instance = autocannon(
        { url: `http://127.0.0.1:${port}`, connections: CONNECTIONS, duration: SECONDS, requests: requestsFrom(next) },
        (err, result) => (err ? reject(err) : resolve(result))
      )
    })
    instance.on('response', (_client, statusCode) => {
      statuses[statusCode] = (statuses[statusCode] ?? 0) + 1
    })
    const result = await finished
    clearInterval(sampler)
    samples.push({ t: SECONDS, rss_mb: rssMb(child.pid!) })

    const afterWarmup = samples.find((s) => s.t >= WARMUP_SECONDS) ?? samples[0]!
    const end = samples.at(-1)!
    const growth = end.rss_mb - afterWarmup.rss_mb
    const errors = result.errors + result.timeouts + result.non2xx
    const summary = {
      date: new Date().toISOString(),
      database: databaseUrl.startsWith('sqlite') ? 'sqlite' : 'postgres',
      seconds: SECONDS,
      connections: CONNECTIONS,
      requests: result.requests.total,
      rps: Math.round(result.requests.average),
      p99_ms: result.latency.p99,
      statuses,
      errors,
      rss_mb: { after_warmup: afterWarmup.rss_mb, end: end.rss_mb, max: Math.max(...samples.map((s) => s.rss_mb)), growth },
      rss_growth_bound_mb: RSS_GROWTH_BOUND_MB,
      passed: errors === 0 && growth <= RSS_GROWTH_BOUND_MB,
      samples
    }
    const day = summary.date.slice(0, 10)
    writeFileSync(join(ROOT, 'bench', 'results', `soak-${day}.json`), `${JSON.stringify(summary, null, 2)}\n`)
    const readmePath = join(ROOT, 'bench', 'README.md')
    const line =
      `Latest soak: ${summary.date}, ${summary.database}, ${SECONDS} s at ${CONNECTIONS} connections: ` +
      `${summary.requests} requests (${summary.rps}/s, p99 ${summary.p99_ms} ms), ${errors} errors, ` +
      `RSS ${afterWarmup.rss_mb} MB after warm-up → ${end.rss_mb} MB at the end (growth ${growth} MB, bound ${RSS_GROWTH_BOUND_MB} MB): ` +
      `${summary.passed ? 'passed' : 'FAILED'}. Raw figures: \`bench/results/soak-${day}.json\`.`
    const readme = readFileSync(readmePath, 'utf8')
    writeFileSync(readmePath, readme.replace(/<!-- soak:start -->[\s\S]*<!-- soak:end -->/, `<!-- soak:start -->\n${line}\n<!-- soak:end -->`))
    console.log(line)
    if (!summary.passed) process.exitCode = 1
  } finally {
    await stop(child)
    rmSync(dir, { recursive: true, force: true })
  }
}

await main()
