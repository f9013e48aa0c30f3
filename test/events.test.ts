import { expect, it } from 'vitest'
import { BASE, createOrg, describeEachStore, fieldsOf, problemOf, type TestApp, uniqueOrgId } from './support/app.js'

const EVENTS = '/api/v1/events'

interface FeedEvent {
  id: string
  type: string
  org_id: string
  version: number
  occurred_at: string
  actor: { type: string; id: string; name: string }
  changes: Record<string, { from: unknown; to: unknown }>
}
interface EventList {
  data: FeedEvent[]
  next_cursor: string
}

export async function readEvents(t: TestApp, query: string): Promise<EventList> {
  const res = await t.request({ method: 'GET', url: `${EVENTS}?${query}` })
  if (res.statusCode !== 200) throw new Error(`${res.statusCode} ${res.body}`)
  return res.json() as EventList
}

describeEachStore('GET /api/v1/events', (ctx) => {
  const put = (orgId: string, payload: object) => ctx().request({ method: 'PUT', url: `${BASE}/${orgId}`, payload })

  it('carries every create, update and delete with the facts of the history, plus id and type', async () => {
    const orgId = uniqueOrgId()
    await createOrg(ctx(), orgId)
    await put(orgId, { vipps_enabled: false })
    await ctx().request({ method: 'DELETE', url: `${BASE}/${orgId}` })
    const { data } = await readEvents(ctx(), `org_id=${orgId}`)
    const history = (await ctx().request({ method: 'GET', url: `${BASE}/${orgId}/history` })).json().data as {
      version: number
      at: string
      actor: { type: string; id: string; name: string }
      changes: unknown
    }[]
    expect(data.map((e) => e.type)).toEqual(['vipps_org.created', 'vipps_org.updated', 'vipps_org.deleted'])
    expect(data.map(({ version, occurred_at, actor, changes }) => ({ version, at: occurred_at, actor, changes }))).toEqual(
      history.map(({ version, at, actor, changes }) => ({ version, at, actor, changes }))
    )
    for (const event of data) {
      expect(Object.keys(event).sort()).toEqual(['actor', 'changes', 'id', 'occurred_at', 'org_id', 'type', 'version'])
      expect(event.org_id).toBe(orgId)
    }
    expect(new Set(data.map((e) => e.id)).size).toBe(3)
  })

  it('pages by cursor: next_cursor resumes exactly where the page ended, and stays put when nothing follows', async () => {
    const orgId = uniqueOrgId()
    await createOrg(ctx(), orgId)
    for (let i = 0; i < 4; i++) await put(orgId, { client_id: `c${i}` })
    const all = await readEvents(ctx(), `org_id=${orgId}`)
    expect(all.data.map((e) => e.version)).toEqual([1, 2, 3, 4, 5])

    const seen: number[] = []
    let cursor: string | undefined
    for (let i = 0; i < 3; i++) {
      const page = await readEvents(ctx(), `org_id=${orgId}&limit=2${cursor ? `&after=${cursor}` : ''}`)
      seen.push(...page.data.map((e) => e.version))
      expect(page.next_cursor).toBe(page.data.at(-1)!.id)
      cursor = page.next_cursor
    }
    expect(seen).toEqual([1, 2, 3, 4, 5])
    const end = await readEvents(ctx(), `org_id=${orgId}&after=${cursor}`)
    expect(end).toEqual({ data: [], next_cursor: cursor })
    await put(orgId, { client_id: 'later' })
    expect((await readEvents(ctx(), `org_id=${orgId}&after=${cursor}`)).data.map((e) => e.version)).toEqual([6])
  })

  it('after omitted reads from the first event; after=now starts at the current end', async () => {
    const first = await readEvents(ctx(), 'limit=1')
    const orgId = uniqueOrgId()
    await createOrg(ctx(), orgId)
    const now = await readEvents(ctx(), 'after=now')
    expect(now.data).toEqual([])
    if (first.data[0]) expect(first.data[0].version).toBeGreaterThanOrEqual(1)
    expect((await readEvents(ctx(), `after=${now.next_cursor}`)).data).toEqual([])
    await put(orgId, { vipps_enabled: false })
    const next = await readEvents(ctx(), `after=${now.next_cursor}`)
    expect(next.data.map((e) => [e.org_id, e.type])).toEqual([[orgId, 'vipps_org.updated']])
  })

  it('wait holds the request until a change commits, then answers at once', async () => {
    const orgId = uniqueOrgId()
    await createOrg(ctx(), orgId)
    const { next_cursor } = await readEvents(ctx(), 'after=now')
    const started = performance.now()
    const waiting = readEvents(ctx(), `after=${next_cursor}&wait=10`)
    await new Promise((resolve) => setTimeout(resolve, 200))
    await put(orgId, { client_id: 'woken' })
    const woke = await waiting
    const elapsed = performance.now() - started
    expect(woke.data.map((e) => e.changes.client_id?.to)).toEqual(['woken'])
    expect(elapsed).toBeLessThan(5_000)
  })

  it('wait answers an empty page when nothing commits in time', async () => {
    const { next_cursor } = await readEvents(ctx(), 'after=now')
    const started = performance.now()
    const res = await readEvents(ctx(), `after=${next_cursor}&wait=1&org_id=org_nothing_happens`)
    expect(res).toEqual({ data: [], next_cursor })
    expect(performance.now() - started).toBeGreaterThanOrEqual(900)
  })

  it('a malformed cursor is 400 invalid_cursor; other bad parameters 400 validation_failed', async () => {
    for (const after of ['nope', 'MTIz', 'MDAxLjI', '%00', 'x'.repeat(300)]) {
      const res = await ctx().request({ method: 'GET', url: `${EVENTS}?after=${encodeURIComponent(after)}` })
      expect([after, res.statusCode]).toEqual([after, 400])
    }
    problemOf(await ctx().request({ method: 'GET', url: `${EVENTS}?after=nope` }), 400, 'invalid_cursor')
    for (const [query, field] of [
      ['limit=0', 'limit'],
      ['limit=1001', 'limit'],
      ['limit=x', 'limit'],
      ['wait=31', 'wait'],
      ['wait=-1', 'wait'],
      ['wait=1.5', 'wait'],
      ['org_id=Not%20An%20Id', 'org_id'],
      ['type=vipps_org.created', 'type']
    ] as const) {
      const problem = problemOf(await ctx().request({ method: 'GET', url: `${EVENTS}?${query}` }), 400, 'validation_failed')
      expect(fieldsOf(problem)).toEqual([field])
    }
  })
})

describeEachStore(
  'GET /api/v1/events with AUTH_READS=true',
  (ctx) => {
    it('needs a token, like the history', async () => {
      problemOf(await ctx().request({ method: 'GET', url: EVENTS }), 401, 'unauthorized')
      const res = await ctx().request({ method: 'GET', url: EVENTS, headers: { authorization: 'Bearer reader-token' } })
      expect(res.statusCode).toBe(200)
    })
  },
  { ADMIN_TOKENS: 'reader:reader-token', AUTH_READS: 'true' }
)
