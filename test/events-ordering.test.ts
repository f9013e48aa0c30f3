import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BASE, dropDatabase, newDatabaseUrl, startApp, storeNames, type StoreName, type TestApp, uniqueOrgId } from './support/app.js'

/**
 * The feed's promise under load: a follower that keeps calling with next_cursor while many
 * writers commit concurrently (on two instances, on PostgreSQL) sees every change exactly once,
 * and each org's changes in the order of its history.
 */
interface FeedEvent {
  id: string
  org_id: string
  version: number
}

const WRITERS_PER_INSTANCE = 8
const WRITES_PER_WRITER = 25

async function writer(app: TestApp, prefix: string, shared: string[]): Promise<void> {
  const own = uniqueOrgId(prefix)
  await app.request({
    method: 'POST',
    url: BASE,
    payload: { org_id: own, client_id: 'c0', client_secret_ref: 'vault://w/s', redirect_uri: 'myapp://cb' }
  })
  for (let i = 1; i < WRITES_PER_WRITER; i++) {
    // Own org and the shared ones: versions of a shared org are contended by every writer.
    const orgId = i % 3 === 0 ? shared[i % shared.length]! : own
    await app.request({ method: 'PUT', url: `${BASE}/${orgId}`, payload: { client_id: `${prefix}-${i}` } })
  }
}

async function follow(app: TestApp, until: () => boolean, seen: FeedEvent[], start: string): Promise<void> {
  let cursor = start
  const deadline = Date.now() + 60_000
  while (!until() && Date.now() < deadline) {
    const res = await app.request({ method: 'GET', url: `/api/v1/events?after=${cursor}&limit=37&wait=1` })
    const page = res.json() as { data: FeedEvent[]; next_cursor: string }
    seen.push(...page.data)
    cursor = page.next_cursor
  }
}

async function historyOf(app: TestApp, orgId: string): Promise<number[]> {
  const versions: number[] = []
  for (let page = 1; ; page++) {
    const body = (await app.request({ method: 'GET', url: `${BASE}/${orgId}/history?page=${page}&limit=100` })).json()
    versions.push(...(body.data as { version: number }[]).map((e) => e.version))
    if (versions.length >= body.pagination.total) return versions
  }
}

async function check(writers: TestApp[], follower: TestApp): Promise<void> {
  const shared = [uniqueOrgId('shared'), uniqueOrgId('shared')]
  for (const orgId of shared) {
    await writers[0]!.request({
      method: 'POST',
      url: BASE,
      payload: { org_id: orgId, client_id: 'c', client_secret_ref: 'vault://w/s', redirect_uri: 'myapp://cb' }
    })
  }
  const start = (await follower.request({ method: 'GET', url: '/api/v1/events?after=now' })).json().next_cursor as string
  const seen: FeedEvent[] = []
  let writing = true
  const expectedTotal = { value: Number.POSITIVE_INFINITY }
  const following = follow(follower, () => !writing && seen.length >= expectedTotal.value, seen, start)
  const prefix = `w${Date.now().toString(36)}`
  await Promise.all(
    writers.flatMap((app, a) => Array.from({ length: WRITERS_PER_INSTANCE }, (_, w) => writer(app, `${prefix}_${a}_${w}`, shared)))
  )
  const orgIds = [...new Set(seen.map((e) => e.org_id))]
  // Every org the writers touched: their own (prefix) and the shared ones.
  const touched = new Set([...shared, ...orgIds.filter((id) => id.startsWith(prefix))])
  const histories = new Map<string, number[]>()
  for (const orgId of touched) histories.set(orgId, await historyOf(writers[0]!, orgId))
  // The shared orgs' creates happened before the start cursor.
  for (const orgId of shared) histories.set(orgId, histories.get(orgId)!.filter((v) => v > 1))
  expectedTotal.value = [...histories.values()].reduce((sum, versions) => sum + versions.length, 0)
  writing = false
  await following

  expect(new Set(seen.map((e) => e.id)).size).toBe(seen.length)
  expect(touched.size).toBe(writers.length * WRITERS_PER_INSTANCE + shared.length)
  for (const [orgId, versions] of histories) {
    expect(seen.filter((e) => e.org_id === orgId).map((e) => e.version), orgId).toEqual(versions)
  }
  expect(seen.length).toBe(expectedTotal.value)
}

for (const store of storeNames()) {
  describe(`the change feed under concurrent writers [${store}]`, () => {
    const apps: TestApp[] = []
    beforeAll(async () => {
      const url = await newDatabaseUrl(store as StoreName)
      // SQLite serves one process: one instance writes and follows. PostgreSQL: two write, a third follows.
      const count = store === 'postgres' ? 3 : 1
      for (let i = 0; i < count; i++) apps.push(await startApp(store as StoreName, { WRITE_RATE_LIMIT: '100000' }, url))
    })
    afterAll(async () => {
      await Promise.all(apps.map((app) => app.close()))
      if (apps[0]) await dropDatabase(apps[0].databaseUrl)
    })

    it(`a follower sees every change exactly once, each org in the order of its history`, async () => {
      const writers = store === 'postgres' ? apps.slice(0, 2) : apps
      await check(writers, apps.at(-1)!)
    }, 120_000)

    it('a long poll waiting on one instance wakes when a write commits on another', async () => {
      const writer = apps[0]!
      const follower = apps.at(-1)!
      const orgId = uniqueOrgId()
      await writer.request({
        method: 'POST',
        url: BASE,
        payload: { org_id: orgId, client_id: 'c', client_secret_ref: 'vault://w/s', redirect_uri: 'myapp://cb' }
      })
      let cursor = (await follower.request({ method: 'GET', url: '/api/v1/events?after=now' })).json().next_cursor as string
      const latencies: number[] = []
      for (let i = 0; i < 20; i++) {
        let answered = 0
        const waiting = follower.request({ method: 'GET', url: `/api/v1/events?after=${cursor}&wait=10` }).then((res) => {
          answered = performance.now()
          return res
        })
        await new Promise((resolve) => setTimeout(resolve, 20))
        const sent = performance.now()
        await writer.request({ method: 'PUT', url: `${BASE}/${orgId}`, payload: { client_id: `c${i}` } })
        const page = (await waiting).json() as { data: FeedEvent[]; next_cursor: string }
        latencies.push(answered - sent)
        expect(page.data.map((e) => e.version)).toEqual([i + 2])
        cursor = page.next_cursor
      }
      const sorted = [...latencies].sort((a, b) => a - b)
      console.log(
        `long-poll wake-up [${store}${store === 'postgres' ? ', across instances' : ''}] over ${sorted.length} writes: ` +
          `median ${sorted[10]!.toFixed(1)} ms, max ${sorted.at(-1)!.toFixed(1)} ms (from sending the write to the feed's answer)`
      )
      expect(sorted[10]).toBeLessThan(1_000)
    })
  })
}
