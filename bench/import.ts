import { spawn } from 'node:child_process'
import { closeSync, existsSync, fsyncSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs'
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { startService, stop } from './service-process.js'

/**
 * `npm run bench:import`: the CLI's import of N orgs (default 10,000) into an empty service on
 * SQLite, as an operator runs it (`vipps-orgs import FILE`: new orgs go through the batch create,
 * `--batch-size` a request), then the same file again (nothing changes: no write, no history
 * event), then a file where 10 % of the orgs differ, then an export that must give the file back;
 * on the disk, then (as a reference) on /dev/shm where an fsync is free. Records
 * `bench/results/import-<date>.json`.
 */

const ROOT = join(import.meta.dirname, '..')
const N = Number(process.env.BENCH_IMPORT_ORGS ?? 10_000)
const CONCURRENCY = Number(process.env.BENCH_IMPORT_CONCURRENCY ?? 16)
/** Orgs a batch create request carries (the CLI's `--batch-size`; its default is 200). */
const BATCH_SIZE = Number(process.env.BENCH_IMPORT_BATCH_SIZE ?? 200)
const CLI = join(ROOT, 'packages', 'cli', 'bin', 'vipps-orgs.js')

const SCOPES = [['openid'], ['openid', 'phoneNumber'], ['openid', 'name', 'email'], ['openid', 'nin', 'birthDate']]

/** Line i of the file, in the export's own form (fields in order, sorted by org_id). */
function line(i: number, clientSuffix = ''): string {
  const orgId = `bench_org_${String(i).padStart(6, '0')}`
  const production = i % 3 === 0
  return JSON.stringify({
    org_id: orgId,
    client_id: `vipps-client-${i}${clientSuffix}`,
    client_secret_ref: `vault://orgs/${orgId}/vipps_secret`,
    redirect_uri: production ? `https://app${i % 50}.example.com/vipps/callback` : 'myapp://vipps-callback',
    scopes: SCOPES[i % SCOPES.length],
    environment: production ? 'production' : 'test',
    vipps_enabled: i % 10 !== 0
  })
}

interface CliRun {
  code: number
  stdout: string
  stderr: string
  wallSeconds: number
}

function runCli(base: string, args: string[]): Promise<CliRun> {
  const started = performance.now()
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, '--url', base, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()))
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
    child.on('error', reject)
    child.on('exit', (code) => resolve({ code: code ?? -1, stdout, stderr, wallSeconds: (performance.now() - started) / 1000 }))
  })
}

interface ImportJson {
  created: number
  updated: number
  unchanged: number
  deleted: number
  failed: number
  seconds: number
}

async function importRun(base: string, file: string, label: string) {
  const run = await runCli(base, ['--json', 'import', file, '--concurrency', String(CONCURRENCY), '--batch-size', String(BATCH_SIZE)])
  if (run.code !== 0) throw new Error(`${label}: exit ${run.code}\n${run.stderr}`)
  const report = JSON.parse(run.stdout) as ImportJson
  const result = {
    created: report.created,
    updated: report.updated,
    unchanged: report.unchanged,
    failed: report.failed,
    import_seconds: report.seconds,
    orgs_per_second: Math.round(N / report.seconds),
    wall_seconds_with_cli_start: Number(run.wallSeconds.toFixed(3)),
    orgs_per_second_wall: Math.round(N / run.wallSeconds)
  }
  console.log(`${label.padEnd(22)} ${JSON.stringify(result)}`)
  return result
}

async function countEvents(base: string): Promise<number> {
  let count = 0
  let after: string | undefined
  for (;;) {
    const url = new URL('/api/v1/events', base)
    url.searchParams.set('limit', '1000')
    if (after) url.searchParams.set('after', after)
    const page = (await (await fetch(url)).json()) as { data: unknown[]; next_cursor: string }
    count += page.data.length
    if (page.data.length === 0) return count
    after = page.next_cursor
  }
}

const work = mkdtempSync(join(tmpdir(), 'vipps-orgs-bench-import-'))
const file = join(work, 'orgs.ndjson')
const changedFile = join(work, 'orgs-changed.ndjson')
const lines = Array.from({ length: N }, (_, i) => line(i + 1))
writeFileSync(file, `${lines.join('\n')}\n`)
writeFileSync(changedFile, `${lines.map((l, i) => (i % 10 === 0 ? line(i + 1, '-v2') : l)).join('\n')}\n`)

/**
 * The reference the import runs against: the same N creates sent straight with fetch, one org a
 * request (same concurrency, an Idempotency-Key each, as the CLI sent them before batches), into
 * another empty database: what single creates give at that moment, which the batch import should beat.
 */
async function createCeiling(dbDir: string): Promise<{ orgs_per_second: number; seconds: number }> {
  const ceiling = await startService({ DATABASE_URL: `sqlite:${join(dbDir, 'ceiling.db')}` })
  try {
    const url = `http://127.0.0.1:${ceiling.port}/api/v1/vipps-orgs`
    let next = 0
    const started = performance.now()
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < N) {
          const body = lines[next++]!
          const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() }, body })
          if (res.status !== 201) throw new Error(`ceiling create: ${res.status} ${await res.text()}`)
          await res.arrayBuffer()
        }
      })
    )
    const seconds = (performance.now() - started) / 1000
    const result = { orgs_per_second: Math.round(N / seconds), seconds: Number(seconds.toFixed(3)) }
    console.log(`${'creates by plain fetch'.padEnd(22)} ${JSON.stringify(result)}`)
    return result
  } finally {
    await stop(ceiling.child)
  }
}

/** How many fsyncs a second the file system under the database gives now (the machine is shared). */
function fsyncsPerSecond(dbDir: string): number {
  const fd = openSync(join(dbDir, 'fsync-probe'), 'w')
  const block = Buffer.alloc(4096, 1)
  const started = performance.now()
  for (let i = 0; i < 200; i++) {
    writeSync(fd, block)
    fsyncSync(fd)
  }
  closeSync(fd)
  return Math.round(200 / ((performance.now() - started) / 1000))
}

/**
 * Whether the service has the batch create: an empty batch is refused (400) by a service that has
 * it, 404/405 by one that has not (the CLI would then fall back to single creates, and this run
 * would not measure batches).
 */
async function hasBatchCreate(base: string): Promise<boolean> {
  const res = await fetch(`${base}/api/v1/vipps-orgs:batchCreate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"orgs":[]}' })
  await res.arrayBuffer()
  return res.status !== 404 && res.status !== 405
}

/** The whole sequence on a SQLite file in `dbDir`. */
async function scenario(dbDir: string, label: string) {
  const fsyncsBefore = fsyncsPerSecond(dbDir)
  console.log(`\n${label}: ${dbDir}, ${fsyncsBefore} fsyncs/s; ${N} orgs, --concurrency ${CONCURRENCY}, --batch-size ${BATCH_SIZE}`)
  const ceiling = await createCeiling(dbDir)
  const service = await startService({ DATABASE_URL: `sqlite:${join(dbDir, 'bench.db')}` })
  const base = `http://127.0.0.1:${service.port}`
  try {
    const batchCreate = await hasBatchCreate(base)
    if (!batchCreate) console.log('the service has no batch create (404/405): the import falls back to one create a line')
    const first = await importRun(base, file, 'into an empty service')
    if (first.created !== N) throw new Error(`expected ${N} created, got ${first.created}`)
    const eventsAfterFirst = await countEvents(base)

    const again = await importRun(base, file, 'the same file again')
    const eventsAfterAgain = await countEvents(base)
    if (again.unchanged !== N || eventsAfterAgain !== eventsAfterFirst) {
      throw new Error(`a second import changed something: ${JSON.stringify(again)}, events ${eventsAfterFirst} → ${eventsAfterAgain}`)
    }

    const changed = await importRun(base, changedFile, '10 % of orgs changed')
    if (changed.updated !== N / 10) throw new Error(`expected ${N / 10} updated, got ${changed.updated}`)

    const exported = await runCli(base, ['export', '--include-disabled'])
    const roundTrip = exported.stdout === readFileSync(changedFile, 'utf8')
    console.log(`export --include-disabled gives the file back: ${roundTrip} (${exported.wallSeconds.toFixed(2)} s)`)
    if (!roundTrip) throw new Error('export differs from the imported file')
    return {
      database_dir: label,
      batch_create_endpoint: batchCreate,
      fsyncs_per_second: { before: fsyncsBefore, after: fsyncsPerSecond(dbDir) },
      creates_by_plain_fetch: ceiling,
      into_empty_service: first,
      same_file_again: { ...again, history_events_added: eventsAfterAgain - eventsAfterFirst },
      ten_percent_changed: changed,
      export_seconds: Number(exported.wallSeconds.toFixed(3)),
      export_round_trip_identical: roundTrip
    }
  } finally {
    await stop(service.child)
  }
}

try {
  const runs = [await scenario(mkdtempSync(join(work, 'disk-')), 'disk')]
  // The same on a memory-backed file system, where an fsync costs nothing: what the CLI and the
  // service's CPU allow. Not a way to run the service (a power cut loses the data); a reference.
  if (process.env.BENCH_IMPORT_TMPFS !== 'false' && existsSync('/dev/shm')) {
    const shm = mkdtempSync(join('/dev/shm', 'vipps-orgs-bench-import-'))
    try {
      runs.push(await scenario(shm, 'tmpfs (/dev/shm)'))
    } finally {
      rmSync(shm, { recursive: true, force: true })
    }
  }
  const date = new Date().toISOString().slice(0, 10)
  const results = {
    date,
    command: 'npm run bench:import',
    orgs: N,
    concurrency: CONCURRENCY,
    batch_size: BATCH_SIZE,
    store: 'sqlite (file, WAL; a commit is synced before its answer)',
    machine: { cpus: availableParallelism(), model: cpus()[0]?.model ?? 'unknown', node: process.version, load_average: loadavg().map((l) => Number(l.toFixed(2))) },
    target_orgs_per_second: 3000,
    runs
  }
  mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true })
  const out = join(ROOT, 'bench', 'results', `import-${date}.json`)
  writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`)
  console.log(`\nrecorded ${out}`)
} finally {
  rmSync(work, { recursive: true, force: true })
}
