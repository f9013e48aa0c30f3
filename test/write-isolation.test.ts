import { expect, it } from 'vitest'
import { BASE, createOrg, describeEachStore, queryDatabase, validBody } from './support/app.js'

/**
 * Writes that arrive together (on SQLite: one transaction and one fsync, each write in its own
 * savepoint) succeed or fail alone: a conflict, a stale If-Match or a constraint violation among
 * them fails only its own request, and the others' versions, ETags, history and feed are exactly
 * what they would be one by one.
 */
interface FeedEvent {
  id: string
  org_id: string
  version: number
  action: string
}

describeEachStore('writes that arrive together succeed or fail alone', (ctx, store) => {
  it('a duplicate create, a lost twin, a stale If-Match and a bad field fail alone; the rest are applied with their versions, ETags and events', async () => {
    const existing = Array.from({ length: 6 }, (_, i) => `iso_existing_${i}`)
    for (const orgId of existing) await createOrg(ctx(), orgId)
    const start = (await ctx().request({ method: 'GET', url: '/api/v1/events?after=now' })).json() as { next_cursor: string }

    const fresh = Array.from({ length: 12 }, (_, i) => `iso_new_${i}`)
    const requests = [
      // Succeed: creates of new orgs, updates with the right If-Match, a delete.
      ...fresh.map((orgId) => ({ expect: 201, options: { method: 'POST' as const, url: BASE, payload: validBody(orgId) } })),
      ...existing.slice(0, 4).map((orgId) => ({
        expect: 200,
        options: { method: 'PUT' as const, url: `${BASE}/${orgId}`, headers: { 'if-match': '"1"' }, payload: { client_id: `${orgId}-v2` } }
      })),
      { expect: 200, options: { method: 'DELETE' as const, url: `${BASE}/${existing[4]}` } },
      // Fail alone: a create of a live org (the unique index refuses it in the transaction), a
      // stale If-Match, a field the rules refuse, an update of an org that does not exist.
      { expect: 409, options: { method: 'POST' as const, url: BASE, payload: validBody(existing[5]!) } },
      { expect: 412, options: { method: 'PUT' as const, url: `${BASE}/${existing[5]}`, headers: { 'if-match': '"7"' }, payload: { client_id: 'never' } } },
      { expect: 400, options: { method: 'PUT' as const, url: `${BASE}/${existing[5]}`, payload: { redirect_uri: 'http://insecure.example.com/cb', environment: 'production' } } },
      { expect: 404, options: { method: 'PUT' as const, url: `${BASE}/iso_nobody`, payload: { client_id: 'never' } } }
    ]
    // Two creates of the same org_id in the same moment: one wins, the other is a 409.
    const twins = [0, 1].map(() => ctx().request({ method: 'POST', url: BASE, payload: validBody('iso_twin') }))
    const answers = await Promise.all([...requests.map((r) => ctx().request(r.options)), ...twins])

    expect(answers.slice(0, requests.length).map((res) => res.statusCode)).toEqual(requests.map((r) => r.expect))
    expect(answers.slice(requests.length).map((res) => res.statusCode).sort()).toEqual([201, 409])
    if (store === 'sqlite') {
      // They did share commits (the failures among them included).
      const metrics = (await ctx().request({ method: 'GET', url: '/metrics' })).body
      expect(Number(/^vipps_orgs_db_largest_commit_writes (\d+)$/m.exec(metrics)?.[1])).toBeGreaterThan(10)
    }

    // Versions and ETags as one by one: a new org is at 1, an updated one at 2, the untouched
    // (every write on it failed) still at 1 with its fields as they were.
    for (const orgId of fresh) expect((await ctx().request({ method: 'GET', url: `${BASE}/${orgId}` })).headers.etag).toBe('"1"')
    for (const orgId of existing.slice(0, 4)) {
      const res = await ctx().request({ method: 'GET', url: `${BASE}/${orgId}` })
      expect(res.headers.etag).toBe('"2"')
      expect(res.json().client_id).toBe(`${orgId}-v2`)
    }
    expect((await ctx().request({ method: 'GET', url: `${BASE}/${existing[4]}` })).statusCode).toBe(404)
    const untouched = await ctx().request({ method: 'GET', url: `${BASE}/${existing[5]}` })
    expect(untouched.headers.etag).toBe('"1"')
    expect(untouched.json().client_id).toBe(validBody(existing[5]!).client_id)
    expect((await ctx().request({ method: 'GET', url: `${BASE}/iso_twin` })).headers.etag).toBe('"1"')

    // History: one event per applied write, versions without a gap; none for the failed ones.
    const versions = async (orgId: string) =>
      ((await ctx().request({ method: 'GET', url: `${BASE}/${orgId}/history?limit=100` })).json() as { data: { version: number; action: string }[] }).data.map(
        (e) => `${e.version}:${e.action}`
      )
    for (const orgId of fresh) expect(await versions(orgId)).toEqual(['1:create'])
    for (const orgId of existing.slice(0, 4)) expect(await versions(orgId)).toEqual(['1:create', '2:update'])
    expect(await versions(existing[4]!)).toEqual(['1:create', '2:delete'])
    expect(await versions(existing[5]!)).toEqual(['1:create'])
    expect(await versions('iso_twin')).toEqual(['1:create'])

    // The feed: exactly the applied writes, each once, ids growing, each org's in version order.
    const applied = [...fresh.map((o) => `${o}:1`), ...existing.slice(0, 5).map((o) => `${o}:2`), 'iso_twin:1']
    // On PostgreSQL the feed holds events back while an older transaction anywhere on the server
    // is open (README, "Why no change is skipped"): read on until they are all there, or 10 s.
    const feed: { data: FeedEvent[] } = { data: [] }
    let cursor = start.next_cursor
    for (const deadline = Date.now() + 10_000; feed.data.length < applied.length && Date.now() < deadline; ) {
      const page = (await ctx().request({ method: 'GET', url: `/api/v1/events?after=${cursor}&limit=100&wait=1` })).json() as { data: FeedEvent[]; next_cursor: string }
      feed.data.push(...page.data)
      cursor = page.next_cursor
    }
    expect(feed.data.map((e) => `${e.org_id}:${e.version}`).sort()).toEqual(applied.sort())
    expect(new Set(feed.data.map((e) => e.id)).size).toBe(applied.length)
  })

  // Five: a write retries a lost version race up to five times (service.ts), and in the worst
  // order the fifth writer loses four.
  it(`many writes to one org at once: each gets the next version once, none lost [${store}]`, async () => {
    const orgId = 'iso_contended'
    await createOrg(ctx(), orgId)
    const answers = await Promise.all(
      Array.from({ length: 5 }, (_, i) => ctx().request({ method: 'PUT', url: `${BASE}/${orgId}`, payload: { client_id: `contended-${i}` } }))
    )
    expect(answers.map((res) => res.statusCode)).toEqual(Array(5).fill(200))
    const history = (await ctx().request({ method: 'GET', url: `${BASE}/${orgId}/history?limit=100` })).json() as {
      data: { version: number; changes: { client_id?: { to: string } } }[]
    }
    expect(history.data.map((e) => e.version)).toEqual([1, 2, 3, 4, 5, 6])
    const written = history.data.slice(1).map((e) => e.changes.client_id?.to)
    expect(new Set(written)).toEqual(new Set(Array.from({ length: 5 }, (_, i) => `contended-${i}`)))
    const current = await ctx().request({ method: 'GET', url: `${BASE}/${orgId}` })
    expect(current.headers.etag).toBe('"6"')
    expect(current.json().client_id).toBe(written.at(-1))
  })

  // A write may start from the read cache (src/orgs/service.ts, findForWrite). Here the cache is
  // made stale on purpose: a change written straight into the database, as another instance's
  // would be before its notification arrives. Every answer must still be the live config's.
  it(`a write that starts from a stale cached config answers as the live one [${store}]`, async () => {
    const orgId = 'iso_stale'
    await createOrg(ctx(), orgId)
    const original = validBody(orgId).client_id as string
    const changeElsewhere = async (clientId: string) => {
      const [row] = await queryDatabase<{ version: number }>(ctx().databaseUrl, 'select version from vipps_org_configs where org_id = ? and deleted_at is null', [orgId])
      const version = Number(row!.version) + 1
      await queryDatabase(ctx().databaseUrl, 'update vipps_org_configs set client_id = ?, version = ? where org_id = ? and deleted_at is null', [clientId, version, orgId])
      await queryDatabase(
        ctx().databaseUrl,
        "insert into vipps_org_events (org_id, version, action, at, actor, actor_type, actor_id, changes) values (?, ?, 'update', '2026-01-01T00:00:00Z', 'elsewhere', 'token', 'elsewhere', ?)",
        [orgId, version, JSON.stringify({ client_id: { from: 'x', to: clientId } })]
      )
      return version
    }
    const cacheIt = async () => expect((await ctx().request({ method: 'GET', url: `${BASE}/${orgId}` })).statusCode).toBe(200)

    // The cache holds v1 with the original client_id; the live config is v2, changed.
    await cacheIt()
    await changeElsewhere('changed-elsewhere')
    // The same value as the cached one is a change of the live config, not "nothing changed".
    const same = await ctx().request({ method: 'PUT', url: `${BASE}/${orgId}`, payload: { client_id: original } })
    expect(same.statusCode).toBe(200)
    let live = await ctx().request({ method: 'GET', url: `${BASE}/${orgId}` })
    expect(live.json().client_id).toBe(original)
    expect(live.headers.etag).toBe('"3"')

    // If-Match of the live version (the cache's is older): applied, not a 412.
    await cacheIt()
    const v4 = await changeElsewhere('changed-again')
    const matching = await ctx().request({ method: 'PUT', url: `${BASE}/${orgId}`, headers: { 'if-match': `"${v4}"` }, payload: { client_id: 'after-if-match' } })
    expect(matching.statusCode).toBe(200)
    // If-Match of the cached version, no longer live: a 412.
    await cacheIt()
    const cachedVersion = Number(String((await ctx().request({ method: 'GET', url: `${BASE}/${orgId}` })).headers.etag).slice(1, -1))
    await changeElsewhere('changed-a-third-time')
    const stale = await ctx().request({ method: 'PUT', url: `${BASE}/${orgId}`, headers: { 'if-match': `"${cachedVersion}"` }, payload: { client_id: 'never' } })
    expect(stale.statusCode).toBe(412)
    // No precondition: the stale version loses in the database, the retry reads the live one.
    await cacheIt()
    await changeElsewhere('changed-a-fourth-time')
    expect((await ctx().request({ method: 'PUT', url: `${BASE}/${orgId}`, payload: { client_id: 'last' } })).statusCode).toBe(200)
    live = await ctx().request({ method: 'GET', url: `${BASE}/${orgId}` })
    expect(live.json().client_id).toBe('last')
    const history = (await ctx().request({ method: 'GET', url: `${BASE}/${orgId}/history?limit=100` })).json() as { data: { version: number }[] }
    expect(history.data.map((e) => e.version)).toEqual(Array.from({ length: history.data.length }, (_, i) => i + 1))
    expect(live.headers.etag).toBe(`"${history.data.length}"`)
  })
})
