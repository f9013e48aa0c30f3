import { execFile, spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import SQLite from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { loadConfig } from '../src/config.js'
import { BASE, queryDatabase, startApp, storeNames, type TestApp, validBody, within } from './support/app.js'
import { createDatabase, dropDatabaseOn, findPgTools, type PgTools } from './support/pg-tools.js'
import { type ServerProcess, spawnServer } from './support/server-process.js'
import { type Receiver, startReceiver } from './support/webhook-receiver.js'

const ROOT = join(import.meta.dirname, '..')
const FEED = '/api/v1/events'
const HOOKS = '/api/v1/webhooks'
const dir = mkdtempSync(join(tmpdir(), 'vipps-orgs-backup-'))
const runFile = promisify(execFile)

// Failing deliveries are retried every second while the original serves, so some are pending
// (due soon) when the backup is taken; the restored service delivers them.
const ENV = { LOG_LEVEL: 'warn', WRITE_RATE_LIMIT: '1000000', WEBHOOK_RETRY_SCHEDULE: Array(20).fill('1s').join(',') }

interface FeedEvent {
  id: string
  type: string
  org_id: string
  version: number
  changes: Record<string, { from: unknown; to: unknown }>
}

interface Ack {
  orgId: string
  version: number
}

async function call(base: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: any; etag: string | null }> {
  const res = await fetch(`${base}${path}`, {
    method,
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  })
  const text = await res.text()
  return { status: res.status, body: text ? JSON.parse(text) : undefined, etag: res.headers.get('etag') }
}

/** The whole feed, and the cursor a follower would hold at its end. */
async function readFeed(base: string): Promise<{ events: FeedEvent[]; end: string }> {
  const events: FeedEvent[] = []
  let after = ''
  for (;;) {
    const res = await call(base, 'GET', `${FEED}?limit=1000${after ? `&after=${after}` : ''}`)
    expect(res.status).toBe(200)
    events.push(...(res.body.data as FeedEvent[]))
    if (res.body.data.length === 0) return { events, end: res.body.next_cursor as string }
    after = res.body.next_cursor as string
  }
}

/**
 * Writers that create, update and delete orgs until stopped; every acknowledged write is listed
 * (in the order acknowledged).
 */
function startLoad(base: string, prefix: string, workers = 6) {
  const acks: Ack[] = []
  let stopped = false
  const worker = async (w: number) => {
    for (let n = 0; !stopped; n++) {
      const orgId = `${prefix}_${w}_${n}`
      const steps: [string, string, unknown?][] = [
        ['POST', BASE, validBody(orgId, { client_id: `c${n}-1` })],
        ['PUT', `${BASE}/${orgId}`, { client_id: `c${n}-2` }],
        ['PUT', `${BASE}/${orgId}`, { vipps_enabled: false, client_id: `c${n}-3` }],
        ...(n % 3 === 0 ? [['DELETE', `${BASE}/${orgId}`] as [string, string]] : [])
      ]
      for (const [version, [method, path, body]] of steps.entries()) {
        const res = await call(base, method, path, body)
        if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`)
        acks.push({ orgId, version: version + 1 })
      }
    }
  }
  const running = Promise.all(Array.from({ length: workers }, (_, w) => worker(w)))
  return {
    acks,
    async stop() {
      stopped = true
      await running
    }
  }
}

interface Original {
  feed: FeedEvent[]
  histories: Map<string, unknown[]>
}

async function historyOf(base: string, orgId: string): Promise<unknown[]> {
  const res = await call(base, 'GET', `${BASE}/${orgId}/history?limit=100`)
  expect(res.status).toBe(200)
  return res.body.data as unknown[]
}

/**
 * The whole feed once it shows at least `count` events. (On PostgreSQL a transaction open
 * anywhere on the server holds back the events of later ones until it ends.)
 */
async function readFeedOf(base: string, count: number): Promise<{ events: FeedEvent[]; end: string }> {
  let feed = await readFeed(base)
  for (const deadline = Date.now() + 15_000; feed.events.length < count && Date.now() < deadline; feed = await readFeed(base)) {
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  return feed
}

/** What the original served after the load: the whole feed (every acknowledged write), and the history of every org touched. */
async function capture(base: string, acks: Ack[]): Promise<Original> {
  const { events } = await readFeedOf(base, acks.length)
  expect(events).toHaveLength(acks.length)
  const histories = new Map<string, unknown[]>()
  await eachAtOnce([...new Set(events.map((e) => e.org_id))], async (orgId) => void histories.set(orgId, await historyOf(base, orgId)))
  return { feed: events, histories }
}

/** `check` for every item, eight at a time. */
async function eachAtOnce<T>(items: T[], check: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items]
  await Promise.all(Array.from({ length: 8 }, async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) await check(item)
  }))
}

/**
 * The restored service serves the state of one moment: its feed holds every write acknowledged
 * before the backup began, in the original's order; on SQLite (one writer, ids in commit order)
 * it is a prefix of the original's feed; on PostgreSQL, the changes committed at the snapshot of
 * the dump, which may lack a change of a transaction still in flight then whose position in the
 * feed (its transaction id) comes before changes that had committed. Each org is what those
 * changes make it (or absent), with the history up to it; the list counts exactly the live ones.
 */
async function expectStateOfOneMoment(
  base: string,
  databaseUrl: string,
  original: Original,
  ackedBefore: Ack[],
  store: 'sqlite' | 'postgres'
): Promise<{ events: FeedEvent[]; end: string }> {
  const [{ n }] = (await queryDatabase<{ n: number | string }>(databaseUrl, 'select count(*) as n from vipps_org_events')) as [{ n: number }]
  const restored = await readFeedOf(base, Number(n))
  const events = restored.events
  expect(events).toHaveLength(Number(n))
  expect(events.length).toBeGreaterThan(0)
  const ids = new Set(events.map((e) => e.id))
  expect(events).toEqual(store === 'sqlite' ? original.feed.slice(0, events.length) : original.feed.filter((e) => ids.has(e.id)))
  const seen = new Set(events.map((e) => `${e.org_id}#${e.version}`))
  expect(ackedBefore.filter((a) => !seen.has(`${a.orgId}#${a.version}`))).toEqual([])

  const state = new Map<string, { version: number; live: boolean; client_id: unknown; vipps_enabled: unknown }>()
  for (const e of events) {
    const before = state.get(e.org_id)
    state.set(e.org_id, {
      version: e.version,
      live: e.type !== 'vipps_org.deleted',
      client_id: e.changes.client_id ? e.changes.client_id.to : before?.client_id,
      vipps_enabled: e.changes.vipps_enabled ? e.changes.vipps_enabled.to : before?.vipps_enabled
    })
  }
  await eachAtOnce([...original.histories.keys()], async (orgId) => {
    const expected = state.get(orgId)
    const res = await call(base, 'GET', `${BASE}/${orgId}`)
    if (!expected?.live) {
      expect(res.status, orgId).toBe(404)
    } else {
      expect(res.status, orgId).toBe(200)
      expect(res.etag, orgId).toBe(`"${expected.version}"`)
      expect(res.body).toMatchObject({ client_id: expected.client_id, vipps_enabled: expected.vipps_enabled })
    }
    const history = expected ? original.histories.get(orgId)!.slice(0, expected.version) : []
    if (expected) expect(await historyOf(base, orgId), orgId).toEqual(history)
  })
  const listed = await call(base, 'GET', `${BASE}?vipps_enabled=any&limit=1`)
  expect(listed.body.pagination.total).toBe([...state.values()].filter((s) => s.live).length)
  return restored
}

/** Deliveries recorded in the restored database: for events of its feed only, some still pending. */
async function expectPendingDeliveriesOf(databaseUrl: string, events: FeedEvent[]): Promise<void> {
  const rows = await queryDatabase<{ event_id: string; status: string }>(databaseUrl, 'select event_id, status from webhook_deliveries')
  const ids = new Set(events.map((e) => e.id))
  expect(rows.filter((r) => !ids.has(r.event_id))).toEqual([])
  expect(rows.filter((r) => r.status === 'pending').length).toBeGreaterThan(0)
}

/** Once the receiver answers, the restored service delivers each event of its feed, and none other. */
async function expectDeliveredOnce(receiver: Receiver, from: number, events: FeedEvent[]): Promise<void> {
  const ids = () => receiver.received.slice(from).map((r) => r.headers['webhook-id'] as string)
  await within(20_000, async () => new Set(ids()).size >= events.length, 50)
  await new Promise((resolve) => setTimeout(resolve, 500))
  expect(new Set(ids())).toEqual(new Set(events.map((e) => e.id)))
}

/** A follower at the restored feed's end sees the next change and nothing else. */
async function expectFeedContinues(base: string, end: string, prefix: string): Promise<void> {
  const orgId = `${prefix}_after_restore`
  expect((await call(base, 'POST', BASE, validBody(orgId))).status).toBe(201)
  // wait: on PostgreSQL a transaction still open elsewhere on the server may hold the event back a moment.
  const next = await call(base, 'GET', `${FEED}?after=${end}&wait=10`)
  expect(next.body.data.map((e: FeedEvent) => [e.org_id, e.type, e.version])).toEqual([[orgId, 'vipps_org.created', 1]])
}

function runScript(script: 'backup' | 'restore', args: string[], env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', `src/${script}.ts`, ...args], {
      cwd: ROOT,
      env: { ...process.env, NODE_ENV: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let out = ''
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()))
    child.on('error', reject)
    child.on('exit', (code) => resolve({ code, out }))
  })
}

async function stop(server: ServerProcess): Promise<void> {
  server.child.kill('SIGTERM')
  expect((await server.exited).code, server.output()).toBe(0)
}

/** An endpoint on `receiver`, which fails every delivery until told otherwise. */
async function failingEndpoint(base: string): Promise<{ receiver: Receiver; answer(): void }> {
  let failing = true
  const receiver = await startReceiver(() => (failing ? { status: 503 } : { status: 204 }))
  expect((await call(base, 'POST', HOOKS, { url: receiver.url })).status).toBe(201)
  return { receiver, answer: () => (failing = false) }
}

afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe.runIf(storeNames().includes('sqlite'))('SQLite: npm run backup while a load writes, npm run restore into a fresh place', () => {
  it('the restored service serves the orgs, history, feed and pending deliveries of one moment during the backup, and goes on', async () => {
    const live = `sqlite:${join(dir, 'live.db')}`
    const server = await spawnServer({ ...ENV, DATABASE_URL: live })
    const hook = await failingEndpoint(server.base)
    const load = startLoad(server.base, 'sq')
    await within(10_000, async () => load.acks.length >= 150, 10)
    const ackedBefore = [...load.acks]
    const backup = join(dir, 'taken-under-load.db')
    const taken = await runScript('backup', [backup], { DATABASE_URL: live })
    expect(taken.code, taken.out).toBe(0)
    expect(taken.out).toContain('integrity_check ok')
    const during = load.acks.length - ackedBefore.length
    await load.stop()
    const original = await capture(server.base, load.acks)
    await stop(server)

    const restoredUrl = `sqlite:${join(dir, 'fresh', 'place', 'restored.db')}`
    const restored = await runScript('restore', [backup], { DATABASE_URL: restoredUrl })
    expect(restored.code, restored.out).toBe(0)
    expect(restored.out).toContain('there was no database there before')
    const file = new SQLite(restoredUrl.slice('sqlite:'.length), { readonly: true })
    expect(file.pragma('integrity_check')).toEqual([{ integrity_check: 'ok' }])
    file.close()

    const again = await spawnServer({ ...ENV, DATABASE_URL: restoredUrl })
    try {
      const { events, end } = await expectStateOfOneMoment(again.base, restoredUrl, original, ackedBefore, 'sqlite')
      console.log(
        `SQLite backup under load: ${ackedBefore.length} writes acknowledged before it began, ${during} while it ran; ` +
          `the restored feed holds ${events.length} of the original's ${original.feed.length} events`
      )
      await expectPendingDeliveriesOf(restoredUrl, events)
      const from = hook.receiver.received.length
      hook.answer()
      await expectDeliveredOnce(hook.receiver, from, events)
      await expectFeedContinues(again.base, end, 'sq')
    } finally {
      await stop(again)
      await hook.receiver.close()
    }
  }, 120_000)

  it('a restore over the live database keeps the old one beside it, and new event ids follow every id it gave', async () => {
    const live = `sqlite:${join(dir, 'in-place.db')}`
    const first = await spawnServer({ ...ENV, DATABASE_URL: live })
    for (const n of [1, 2, 3]) expect((await call(first.base, 'POST', BASE, validBody(`kept_${n}`))).status).toBe(201)
    const backup = join(dir, 'in-place-backup.db')
    expect((await runScript('backup', [backup], { DATABASE_URL: live })).code).toBe(0)
    for (const n of [4, 5]) expect((await call(first.base, 'POST', BASE, validBody(`lost_${n}`))).status).toBe(201)
    const { end: followerAt } = await readFeed(first.base)
    await stop(first)

    const restored = await runScript('restore', [backup], { DATABASE_URL: live })
    expect(restored.code, restored.out).toBe(0)
    const kept = /kept as (\S+?)\.? Start/.exec(restored.out)?.[1]
    expect(kept, restored.out).toMatch(/in-place\.db\.before-restore-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}Z$/)
    const old = new SQLite(kept!, { readonly: true })
    expect(old.pragma('integrity_check')).toEqual([{ integrity_check: 'ok' }])
    expect(old.prepare('select count(*) as n from vipps_org_events').get()).toEqual({ n: 5 })
    old.close()

    const again = await spawnServer({ ...ENV, DATABASE_URL: live })
    try {
      expect((await call(again.base, 'GET', `${BASE}/lost_4`)).status).toBe(404)
      expect((await readFeed(again.base)).events.map((e) => e.org_id)).toEqual(['kept_1', 'kept_2', 'kept_3'])
      // A follower that had read the lost changes is not left behind by the new ones.
      expect((await call(again.base, 'POST', BASE, validBody('after_restore'))).status).toBe(201)
      const next = await call(again.base, 'GET', `${FEED}?after=${followerAt}`)
      expect(next.body.data.map((e: FeedEvent) => e.org_id)).toEqual(['after_restore'])
    } finally {
      await stop(again)
    }
  }, 60_000)
})

describe.runIf(storeNames().includes('sqlite'))('SQLite: npm run restore refuses, and leaves the live file untouched', () => {
  const liveFile = join(dir, 'refusals', 'live.db')
  const live = `sqlite:${liveFile}`
  let good: string
  let liveBytes: Buffer

  beforeAll(async () => {
    const server = await spawnServer({ ...ENV, DATABASE_URL: live })
    expect((await call(server.base, 'POST', BASE, validBody('org_live'))).status).toBe(201)
    good = join(dir, 'refusals-good.db')
    expect((await runScript('backup', [good], { DATABASE_URL: live })).code).toBe(0)
    await stop(server)
    liveBytes = await readBytes(liveFile)
  }, 60_000)

  async function readBytes(file: string): Promise<Buffer> {
    const { readFile } = await import('node:fs/promises')
    return readFile(file)
  }

  /**
   * A restore of `candidate` into the live database is refused and leaves it as it was. `own`: into
   * a copy of it of its own, so that refusals can be tried at once (a restore holds the lock).
   */
  async function expectRefused(candidate: string, message: RegExp, own?: string): Promise<void> {
    const file = own ? join(dir, 'refusals', own, 'live.db') : liveFile
    if (own) {
      const { cp } = await import('node:fs/promises')
      await cp(liveFile, file)
    }
    const res = await runScript('restore', [candidate], { DATABASE_URL: `sqlite:${file}` })
    expect(res.code, res.out).not.toBe(0)
    expect(res.code, res.out).not.toBeNull()
    expect(res.out).toMatch(message)
    expect(res.out).toContain('The live database is untouched')
    expect((await readBytes(file)).equals(liveBytes)).toBe(true)
  }

  it('a file that is not a database, a truncated one, a corrupt one, another application\'s, a newer release\'s', async () => {
    const { copyFile, truncate, writeFile, open } = await import('node:fs/promises')
    const text = join(dir, 'notes.txt')
    await writeFile(text, 'these are not the orgs you are looking for\n'.repeat(100))
    const headerOnly = join(dir, 'header-only.db')
    await copyFile(good, headerOnly)
    await truncate(headerOnly, 60)
    const half = join(dir, 'half.db')
    await copyFile(good, half)
    await truncate(half, Math.floor((await readBytes(good)).length / 2))
    const corrupt = join(dir, 'corrupt.db')
    await copyFile(good, corrupt)
    const handle = await open(corrupt, 'r+')
    const pageSize = (await readBytes(good)).readUInt16BE(16)
    // Every page after the first three: the tables' and indexes' b-trees.
    const size = (await readBytes(good)).length
    for (let offset = 3 * pageSize; offset < size; offset += pageSize) await handle.write(Buffer.alloc(64, 0xa5), 0, 64, offset)
    await handle.close()
    const other = join(dir, 'other-app.db')
    const otherDb = new SQLite(other)
    otherDb.exec('create table notes (id integer primary key, text text)')
    otherDb.close()
    const newer = join(dir, 'newer.db')
    await copyFile(good, newer)
    const newerDb = new SQLite(newer)
    newerDb.prepare(`insert into kysely_migration (name, timestamp) values ('999_from_the_future', ?)`).run(new Date().toISOString())
    newerDb.close()

    await Promise.all([
      expectRefused(text, /not an SQLite database/, 'text'),
      expectRefused(join(dir, 'no-such-file.db'), /there is no file/, 'missing'),
      expectRefused(headerOnly, /truncated/, 'header-only'),
      expectRefused(half, /truncated/, 'half'),
      expectRefused(corrupt, /corrupt/, 'corrupt'),
      expectRefused(other, /not a vipps-orgs one/, 'other'),
      expectRefused(newer, /newer release.*999_from_the_future/, 'newer')
    ])
  }, 60_000)

  it('while a server runs on the database (a second server refuses to start too), or any other process has it open', async () => {
    const server = await spawnServer({ ...ENV, DATABASE_URL: live })
    try {
      await expectRefused(good, /holds its lock .*stop the server before restoring/)
      const second = await spawnServer({ ...ENV, DATABASE_URL: live }, false)
      expect((await second.exited).code).not.toBe(0)
      expect(second.output()).toMatch(/is in use: a vipps-orgs server or a restore holds its lock/)
      expect((await call(server.base, 'GET', `${BASE}/org_live`)).status).toBe(200)
    } finally {
      await stop(server)
    }
    liveBytes = await readBytes(liveFile)
    // A server of an earlier release takes no lock file; an sqlite3 shell neither.
    const shell = new SQLite(liveFile)
    shell.pragma('journal_mode = WAL')
    try {
      await expectRefused(good, /open in another process/)
    } finally {
      shell.close()
    }
  }, 60_000)
})

describe.runIf(storeNames().includes('sqlite'))('SQLite: the server backs itself up (BACKUP_DIR, BACKUP_INTERVAL, BACKUP_KEEP)', () => {
  const backups = join(dir, 'periodic')
  const listed = () => readdirSync(backups).filter((name) => /^vipps-orgs-.*Z\.db$/.test(name)).sort()
  const timeOf = (name: string) => Date.parse(name.slice('vipps-orgs-'.length, -'.db'.length).replace(/T(\d\d)-(\d\d)-(\d\d)Z/, 'T$1:$2:$3Z')) / 1000
  const metric = async (app: TestApp, name: string) => {
    const text = (await app.request({ method: 'GET', url: '/metrics' })).body
    const line = text.split('\n').find((l) => l.startsWith(`${name} `))
    return line === undefined ? undefined : Number(line.split(' ')[1])
  }

  it('every interval a checked copy named by its time, the newest kept, the last good one in /metrics, a failure counted', async () => {
    const databaseUrl = `sqlite:${join(dir, 'periodic.db')}`
    const app = await startApp('sqlite', { BACKUP_DIR: backups, BACKUP_INTERVAL: '1s', BACKUP_KEEP: '2' }, databaseUrl)
    try {
      expect((await app.request({ method: 'POST', url: BASE, payload: validBody('org_backed_up') })).statusCode).toBe(201)
      let first: number | undefined
      await within(30_000, async () => {
        const names = listed()
        if (first === undefined && names[0]) first = timeOf(names[0])
        return names.length === 2 && first !== undefined && timeOf(names.at(-1)!) >= first + 2
      }, 100)
      for (const name of listed()) {
        const copy = new SQLite(join(backups, name), { readonly: true })
        expect(copy.pragma('integrity_check')).toEqual([{ integrity_check: 'ok' }])
        expect(copy.prepare('select org_id from vipps_org_configs').all()).toEqual([{ org_id: 'org_backed_up' }])
        copy.close()
      }
      // The file is in place a moment before the server hears that its backup process succeeded.
      const newest = timeOf(listed().at(-1)!)
      await within(5_000, async () => ((await metric(app, 'vipps_orgs_backup_last_success_timestamp_seconds')) ?? 0) >= newest, 50)
      expect(await metric(app, 'vipps_orgs_backup_interval_seconds')).toBe(1)
      expect(await metric(app, 'vipps_orgs_backup_failures_total')).toBe(0)

      // The directory gone (a file in its place): backups fail, are counted, the last good time stays.
      const { rename, writeFile } = await import('node:fs/promises')
      await rename(backups, `${backups}-aside`)
      await writeFile(backups, 'not a directory')
      await within(20_000, async () => ((await metric(app, 'vipps_orgs_backup_failures_total')) ?? 0) >= 1, 100)
      const lastGood = await metric(app, 'vipps_orgs_backup_last_success_timestamp_seconds')
      rmSync(backups)
      await rename(`${backups}-aside`, backups)
      await within(20_000, async () => ((await metric(app, 'vipps_orgs_backup_last_success_timestamp_seconds')) ?? 0) > lastGood!, 100)
    } finally {
      await app.close()
    }

    // After a restart the newest backup is still the last good one, and the next is due an interval after it.
    const newest = timeOf(listed().at(-1)!)
    const again = await startApp('sqlite', { BACKUP_DIR: backups, BACKUP_INTERVAL: '1h' }, databaseUrl)
    try {
      expect(await metric(again, 'vipps_orgs_backup_last_success_timestamp_seconds')).toBe(newest)
      await new Promise((resolve) => setTimeout(resolve, 1_500))
      expect(timeOf(listed().at(-1)!)).toBe(newest)
    } finally {
      await again.close()
    }
  }, 120_000)

  it('is for a SQLite file only, at a sensible interval', () => {
    expect(() => loadConfig({ BACKUP_DIR: backups, DATABASE_URL: 'postgres://db/orgs' })).toThrow(/pg_dump/)
    expect(() => loadConfig({ BACKUP_DIR: backups, DATABASE_URL: 'sqlite::memory:' })).toThrow(/needs a database file/)
    for (const interval of ['0s', '10', 'daily', '500ms', '31d']) {
      expect(() => loadConfig({ BACKUP_DIR: backups, BACKUP_INTERVAL: interval })).toThrow(/BACKUP_INTERVAL/)
    }
    expect(loadConfig({ BACKUP_DIR: backups }).backup).toEqual({ dir: backups, intervalMs: 86_400_000, keep: 7 })
    expect(loadConfig({ BACKUP_DIR: backups, BACKUP_INTERVAL: '15m', BACKUP_KEEP: '30' }).backup).toEqual({ dir: backups, intervalMs: 900_000, keep: 30 })
    expect(loadConfig({}).backup).toBeUndefined()
  })
})

describe.runIf(storeNames().includes('postgres'))('PostgreSQL: the README recipe, pg_dump of the running database and pg_restore into a new one', () => {
  let tools: PgTools
  const made: string[] = []
  // On a fresh machine the first run fetches tools and a server (about 25 MB, see pg-tools.ts).
  beforeAll(async () => {
    tools = await findPgTools(inject('postgresAdminUrl'))
  }, 300_000)
  afterAll(async () => {
    for (const name of made) await dropDatabaseOn(tools.adminUrl, name)
    await tools?.release()
  })
  const newDatabase = async () => {
    const name = `t_${randomUUID().replace(/-/g, '')}`
    made.push(name)
    return createDatabase(tools.adminUrl, name)
  }
  const dumpFile = join(dir, 'vipps-orgs.dump')

  it('the service on the restored database serves the state of one moment during the dump, and goes on', async () => {
    const source = await newDatabase()
    const server = await spawnServer({ ...ENV, DATABASE_URL: source })
    const hook = await failingEndpoint(server.base)
    const load = startLoad(server.base, 'pg')
    await within(10_000, async () => load.acks.length >= 150, 10)
    const ackedBefore = [...load.acks]
    await runFile(tools.pgDump, ['--format=custom', `--file=${dumpFile}`, source])
    const during = load.acks.length - ackedBefore.length
    await load.stop()
    const original = await capture(server.base, load.acks)
    await stop(server)

    const target = await newDatabase()
    await runFile(tools.pgRestore, ['--no-owner', '--exit-on-error', `--dbname=${target}`, dumpFile])
    const again = await spawnServer({ ...ENV, DATABASE_URL: target })
    try {
      const { events, end } = await expectStateOfOneMoment(again.base, target, original, ackedBefore, 'postgres')
      console.log(
        `pg_dump (PostgreSQL ${tools.serverMajor}; ${tools.origin}) under load: ${ackedBefore.length} writes acknowledged before it began, ` +
          `${during} while it ran; the restored feed holds ${events.length} of the original's ${original.feed.length} events`
      )
      await expectPendingDeliveriesOf(target, events)
      const from = hook.receiver.received.length
      hook.answer()
      await expectDeliveredOnce(hook.receiver, from, events)
      await expectFeedContinues(again.base, end, 'pg')
    } finally {
      await stop(again)
      await hook.receiver.close()
    }
  }, 120_000)

  it('restored into a server whose transaction ids are behind the dump\'s: refused at start until they are advanced', async () => {
    const target = await newDatabase()
    await runFile(tools.pgRestore, ['--no-owner', '--exit-on-error', `--dbname=${target}`, dumpFile])
    // As if the dump came from a server 20,000 transactions ahead of this one.
    await queryDatabase(target, `update vipps_org_events set txid = ((txid::text)::bigint + 20000)::text::xid8`)
    const refused = await spawnServer({ ...ENV, DATABASE_URL: target }, false)
    expect((await refused.exited).code).not.toBe(0)
    expect(refused.output()).toMatch(/newest transaction id \(\d+\) is ahead of this PostgreSQL server's next one/)

    // The README's remedy: use up transaction ids until the server's pass the dump's.
    const [{ last }] = (await queryDatabase<{ last: string }>(target, 'select max(txid)::text as last from vipps_org_events')) as [{ last: string }]
    await queryDatabase(
      target,
      `DO $$ BEGIN WHILE pg_snapshot_xmax(pg_current_snapshot())::text::bigint <= ${last} LOOP PERFORM pg_current_xact_id(); COMMIT; END LOOP; END $$`
    )
    const again = await spawnServer({ ...ENV, DATABASE_URL: target })
    try {
      const { events, end } = await readFeed(again.base)
      expect(events.length).toBeGreaterThan(0)
      await expectFeedContinues(again.base, end, 'pg_ahead')
    } finally {
      await stop(again)
    }
  }, 60_000)
})
