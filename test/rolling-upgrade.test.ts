import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BASE, dropDatabase, newDatabaseUrl, storeNames, uniqueOrgId, validBody, within } from './support/app.js'
import { type BuiltRelease, buildRelease, previousReleaseRef } from './support/previous-release.js'
import { type ServerProcess, spawnServer } from './support/server-process.js'
import { type Receiver, startReceiver } from './support/webhook-receiver.js'

/**
 * The previous release (docs/architecture.md names it) beside the current one, as during a rolling
 * upgrade. Only what every release since has served is used: orgs, the change feed, webhooks,
 * `name:token` admin tokens; a later feature the previous release lacks is not asked of it.
 */
const TOKEN = randomBytes(24).toString('base64url')
const AUTH = { authorization: `Bearer ${TOKEN}` }
const FEED = '/api/v1/events'
const dir = mkdtempSync(join(tmpdir(), 'vipps-orgs-upgrade-'))

interface Answer {
  status: number
  body: any
}

async function call(server: ServerProcess, method: string, path: string, body?: unknown): Promise<Answer> {
  const res = await fetch(`${server.base}${path}`, {
    method,
    headers: { ...AUTH, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) })
  })
  const text = await res.text()
  return { status: res.status, body: text ? JSON.parse(text) : undefined }
}

async function write(server: ServerProcess, method: string, path: string, body?: unknown): Promise<void> {
  const res = await call(server, method, path, body)
  if (res.status < 200 || res.status > 299) throw new Error(`${method} ${path} on ${server.base}: ${res.status} ${JSON.stringify(res.body)}`)
}

interface FeedEvent {
  id: string
  type: string
  org_id: string
  version: number
}

/** The whole feed, a page of `limit` at a time, each page from the next server in turn (cursors are shared). */
async function readFeed(servers: ServerProcess[], limit: number): Promise<FeedEvent[]> {
  const events: FeedEvent[] = []
  let after: string | undefined
  for (let page = 0; ; page++) {
    const server = servers[page % servers.length]!
    const res = await call(server, 'GET', `${FEED}?limit=${limit}${after === undefined ? '' : `&after=${encodeURIComponent(after)}`}`)
    expect(res.status).toBe(200)
    const data = res.body.data as FeedEvent[]
    events.push(...data)
    if (data.length === 0) return events
    after = res.body.next_cursor as string
  }
}

const key = (e: FeedEvent) => `${e.id} ${e.type} ${e.org_id} ${e.version}`

describe('the previous release beside the current one', () => {
  let release: BuiltRelease
  const started: ServerProcess[] = []

  beforeAll(async () => {
    release = await buildRelease(await previousReleaseRef())
    console.log(`previous release ${release.ref.slice(0, 12)} built in a temporary directory (dependencies ${release.dependencies})`)
  }, 300_000)
  afterAll(async () => {
    for (const server of started) if (server.child.exitCode === null) server.child.kill('SIGKILL')
    await release?.remove()
    rmSync(dir, { recursive: true, force: true })
  })

  async function start(which: 'current' | 'previous', env: Record<string, string>): Promise<ServerProcess> {
    const server = await spawnServer(
      { LOG_LEVEL: 'warn', ADMIN_TOKENS: `ops:${TOKEN}`, WEBHOOK_RETRY_SCHEDULE: '200ms', ...env },
      true,
      which === 'previous' ? release.dir : undefined
    )
    started.push(server)
    return server
  }

  async function stop(server: ServerProcess): Promise<void> {
    server.child.kill('SIGTERM')
    const { code } = await server.exited
    expect(code, server.output()).toBe(0)
  }

  describe.runIf(storeNames().includes('postgres'))('on one PostgreSQL database the current release migrated', () => {
    let databaseUrl: string
    let receiver: Receiver
    beforeAll(async () => {
      databaseUrl = await newDatabaseUrl('postgres')
      receiver = await startReceiver()
    })
    afterAll(async () => {
      await receiver?.close()
      if (databaseUrl) await dropDatabase(databaseUrl)
    })

    it('both serve: writes on each are read on the other within a second, one gap-free feed, each webhook once', async () => {
      const current = await start('current', { DATABASE_URL: databaseUrl })
      const previous = await start('previous', { DATABASE_URL: databaseUrl })
      const hook = await call(current, 'POST', '/api/v1/webhooks', { url: receiver.url })
      expect(hook.status).toBe(201)
      const pair = [
        { writer: previous, reader: current },
        { writer: current, reader: previous }
      ]
      const getOn = (server: ServerProcess, orgId: string) => call(server, 'GET', `${BASE}/${orgId}`)
      let writes = 0

      // Each change made on one is read on the other within a second (their caches warm first).
      for (const [i, { writer, reader }] of pair.entries()) {
        const orgId = uniqueOrgId(`upgrade${i}`)
        expect((await getOn(reader, orgId)).status).toBe(404)
        await write(writer, 'POST', BASE, validBody(orgId, { client_id: 'first' }))
        writes++
        await within(1_000, async () => (await getOn(reader, orgId)).body?.client_id === 'first', 10)
        await write(reader, 'PUT', `${BASE}/${orgId}`, { client_id: 'second' })
        writes++
        await within(1_000, async () => (await getOn(writer, orgId)).body?.client_id === 'second', 10)
        await write(writer, 'PUT', `${BASE}/${orgId}`, { client_id: 'third', vipps_enabled: false })
        writes++
        await within(1_000, async () => (await getOn(reader, orgId)).body?.client_id === 'third', 10)
        await write(reader, 'DELETE', `${BASE}/${orgId}`)
        writes++
        await within(1_000, async () => (await getOn(writer, orgId)).status === 404, 10)
      }
      // Concurrent writers on both.
      const batch = Array.from({ length: 24 }, (_, i) => uniqueOrgId(`both${i % 2}`))
      await Promise.all(batch.map((orgId, i) => write(pair[i % 2]!.writer, 'POST', BASE, validBody(orgId))))
      await Promise.all(batch.map((orgId, i) => write(pair[(i + 1) % 2]!.writer, 'PUT', `${BASE}/${orgId}`, { client_id: 'again' })))
      writes += batch.length * 2

      // One feed, whoever serves it: the same events in the same order, every write once.
      const fromCurrent = await readFeed([current], 1000)
      const fromPrevious = await readFeed([previous], 1000)
      const alternating = await readFeed([previous, current], 5)
      expect(fromCurrent).toHaveLength(writes)
      expect(fromPrevious.map(key)).toEqual(fromCurrent.map(key))
      expect(alternating.map(key)).toEqual(fromCurrent.map(key))
      const versions = new Map<string, number[]>()
      for (const e of fromCurrent) versions.set(e.org_id, [...(versions.get(e.org_id) ?? []), e.version])
      for (const [orgId, seen] of versions) expect(seen, orgId).toEqual(seen.map((_, i) => i + 1))

      // Each event delivered once, by one instance or the other.
      await within(15_000, async () => receiver.received.length >= writes, 20)
      await new Promise((resolve) => setTimeout(resolve, 1_000))
      const delivered = receiver.received.map((r) => r.headers['webhook-id'] as string)
      expect(delivered).toHaveLength(writes)
      expect(new Set(delivered)).toEqual(new Set(fromCurrent.map((e) => e.id)))

      // The previous one stops (as at the end of the rollout); the current one goes on, its feed too.
      await stop(previous)
      const last = uniqueOrgId('after')
      await write(current, 'POST', BASE, validBody(last))
      expect((await getOn(current, last)).status).toBe(200)
      const after = await readFeed([current], 1000)
      expect(after.map(key).slice(0, writes)).toEqual(fromCurrent.map(key))
      expect(after.slice(writes).map((e) => [e.org_id, e.type])).toEqual([[last, 'vipps_org.created']])
      await within(5_000, async () => receiver.received.length === writes + 1, 20)
      await stop(current)
    }, 120_000)
  })

  describe.runIf(storeNames().includes('sqlite'))('on a SQLite file the current release migrated (a rollback)', () => {
    it('the previous release starts on it and serves what the current one wrote, and the current one what it wrote', async () => {
      const env = { DATABASE_URL: `sqlite:${join(dir, 'rollback.db')}` }
      const current = await start('current', env)
      const kept = uniqueOrgId('kept')
      await write(current, 'POST', BASE, validBody(kept, { client_id: 'from-current' }))
      await stop(current)

      const previous = await start('previous', env)
      expect((await call(previous, 'GET', `${BASE}/${kept}`)).body?.client_id).toBe('from-current')
      const added = uniqueOrgId('added')
      await write(previous, 'POST', BASE, validBody(added, { client_id: 'from-previous' }))
      await write(previous, 'PUT', `${BASE}/${kept}`, { client_id: 'changed-by-previous' })
      await stop(previous)

      const again = await start('current', env)
      expect((await call(again, 'GET', `${BASE}/${added}`)).body?.client_id).toBe('from-previous')
      expect((await call(again, 'GET', `${BASE}/${kept}`)).body?.client_id).toBe('changed-by-previous')
      const feed = await readFeed([again], 1000)
      expect(feed.map((e) => [e.org_id, e.version])).toEqual([
        [kept, 1],
        [added, 1],
        [kept, 2]
      ])
      await stop(again)
    }, 60_000)
  })
})
