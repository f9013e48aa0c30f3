import { randomUUID } from 'node:crypto'
import type { LightMyRequestResponse } from 'fastify'
import { expect, it } from 'vitest'
import { ADMIN_TOKEN, bearer, createKey } from './support/access.js'
import { APPROVAL_ENV, CR, TOKENS } from './support/approvals.js'
import { BASE, createOrg, describeEachStore, fieldsOf, problemOf, type TestApp, uniqueOrgId, validBody } from './support/app.js'

const BATCH = `${BASE}:batchCreate`
const EVENTS = '/api/v1/events'

interface Problem {
  type: string
  title: string
  status: number
  detail: string
  code: string
  instance?: string
  errors?: { field: string; message: string }[]
  right?: string
}
type Result =
  | { org_id: string; status: 201; org: Record<string, unknown>; etag: string }
  | { org_id: string; status: 202; change_request: { id: string; org_id: string; operation: string; state: string } }
  | { org_id?: string; status: number; problem: Problem }

function batch(t: TestApp, orgs: unknown, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
  return t.request({ method: 'POST', url: BATCH, payload: { orgs }, headers })
}

function resultsOf(res: LightMyRequestResponse): Result[] {
  if (res.statusCode !== 200) throw new Error(`batch: ${res.statusCode} ${res.body}`)
  return (res.json() as { results: Result[] }).results
}

function problemIn(result: Result | undefined): Problem {
  if (!result || !('problem' in result)) throw new Error(`not a failed result: ${JSON.stringify(result)}`)
  return result.problem
}

async function exists(t: TestApp, orgId: string): Promise<boolean> {
  return (await t.request({ method: 'GET', url: `${BASE}/${orgId}` })).statusCode === 200
}

async function historyTotal(t: TestApp, orgId: string): Promise<number> {
  const res = await t.request({ method: 'GET', url: `${BASE}/${orgId}/history` })
  return res.statusCode === 404 ? 0 : (res.json() as { pagination: { total: number } }).pagination.total
}

/** One value of the app's /metrics. */
async function metric(t: TestApp, name: string): Promise<number> {
  const res = await t.request({ method: 'GET', url: '/metrics' })
  const match = new RegExp(`^${name} (\\d+)$`, 'm').exec(res.body)
  if (!match) throw new Error(`no ${name} in /metrics`)
  return Number(match[1])
}

describeEachStore('POST /api/v1/vipps-orgs:batchCreate', (ctx, store) => {
  it('creates every item: 200 with a 201 result per item in order, each as a single create answers', async () => {
    const ids = [uniqueOrgId('batch_a'), uniqueOrgId('batch_b'), uniqueOrgId('batch_c')]
    const cursor = (await ctx().request({ method: 'GET', url: `${EVENTS}?after=now` })).json().next_cursor as string
    const res = await batch(ctx(), [validBody(ids[0]!), validBody(ids[1]!, { environment: 'test', vipps_enabled: false }), validBody(ids[2]!)])
    expect(res.headers['content-type']).toMatch(/^application\/json/)
    const results = resultsOf(res)
    expect(results.map((r) => [r.org_id, r.status])).toEqual(ids.map((id) => [id, 201]))
    for (const [i, result] of results.entries()) {
      if (result.status !== 201 || !('org' in result)) throw new Error('not created')
      expect(Object.keys(result.org).sort()).toEqual(['client_id', 'created_at', 'environment', 'org_id', 'vipps_enabled'])
      expect(result.org).toMatchObject({ org_id: ids[i], client_id: 'vipps-client-new001' })
      expect(result.etag).toBe('"1"')
      const got = await ctx().request({ method: 'GET', url: `${BASE}/${ids[i]}` })
      expect(got.statusCode).toBe(200)
      expect(got.headers.etag).toBe('"1"')
      expect(got.json()).toMatchObject({ ...result.org, client_secret_ref: `vault://orgs/${ids[i]}/vipps_secret`, updated_at: result.org.created_at })
      const history = (await ctx().request({ method: 'GET', url: `${BASE}/${ids[i]}/history` })).json()
      expect(history.data.map((e: { version: number; action: string }) => [e.version, e.action])).toEqual([[1, 'create']])
    }
    expect(results[1]).toMatchObject({ org: { environment: 'test', vipps_enabled: false } })
    // The change feed: one created event per org, in the items' order (SQLite: one commit, in the queue's order).
    const feed = (await ctx().request({ method: 'GET', url: `${EVENTS}?after=${encodeURIComponent(cursor)}` })).json() as {
      data: { type: string; org_id: string; version: number }[]
    }
    const created = feed.data.filter((e) => ids.includes(e.org_id))
    expect(created.every((e) => e.type === 'vipps_org.created' && e.version === 1)).toBe(true)
    if (store === 'sqlite') expect(created.map((e) => e.org_id)).toEqual(ids)
    else expect(created.map((e) => e.org_id).sort()).toEqual([...ids].sort())
  })

  it('fails each bad item alone, as a single create would, and creates the good ones', async () => {
    const good = uniqueOrgId('good')
    const bad = uniqueOrgId('bad')
    const twice = uniqueOrgId('twice')
    const existing = uniqueOrgId('existing')
    await createOrg(ctx(), existing)
    const items = [
      validBody(good),
      validBody(bad, { redirect_uri: 'not a uri', scope: ['openid'] }),
      validBody(twice),
      validBody(twice, { client_id: 'second' }),
      validBody(existing, { client_id: 'changed' }),
      { client_id: 'no-org-id' },
      'not an object'
    ]
    const results = resultsOf(await batch(ctx(), items))
    expect(results.map((r) => r.status)).toEqual([201, 400, 201, 409, 409, 400, 400])
    expect(results.map((r) => r.org_id)).toEqual([good, bad, twice, twice, existing, undefined, undefined])

    // Each problem is exactly what a single create answers.
    const single = async (body: unknown) => (await ctx().request({ method: 'POST', url: BASE, payload: body as object })).json() as Problem
    const badProblem = problemIn(results[1])
    expect(fieldsOf(badProblem)).toEqual(['redirect_uri', 'scope'])
    expect(badProblem).toEqual(await single(items[1]))
    expect(badProblem).toMatchObject({ status: 400, code: 'validation_failed', type: 'urn:vipps-orgs:problem:validation_failed', instance: BASE })
    expect(problemIn(results[3])).toEqual(await single(items[3]))
    expect(problemIn(results[3]).code).toBe('already_exists')
    expect(problemIn(results[4])).toEqual(await single(items[4]))
    expect(fieldsOf(problemIn(results[5]))).toEqual(['client_secret_ref', 'org_id', 'redirect_uri'])
    expect(problemIn(results[6]).errors).toEqual([{ field: 'body', message: 'must be a JSON object' }])

    // The good ones are created; nothing of the bad ones is written; the first of the twins won.
    expect(await exists(ctx(), good)).toBe(true)
    expect(await exists(ctx(), bad)).toBe(false)
    expect(await historyTotal(ctx(), bad)).toBe(0)
    expect((await ctx().request({ method: 'GET', url: `${BASE}/${twice}` })).json().client_id).toBe('vipps-client-new001')
    expect(await historyTotal(ctx(), twice)).toBe(1)
    expect((await ctx().request({ method: 'GET', url: `${BASE}/${existing}` })).json().client_id).toBe('vipps-client-new001')
    expect(await historyTotal(ctx(), existing)).toBe(1)
  })

  it('a cross-field rule of an item is its own 400 (http redirect in production)', async () => {
    const orgId = uniqueOrgId()
    const results = resultsOf(await batch(ctx(), [validBody(orgId, { redirect_uri: 'http://localhost/cb' })]))
    expect(results[0]!.status).toBe(400)
    expect(fieldsOf(problemIn(results[0]))).toEqual(['redirect_uri'])
    expect(await exists(ctx(), orgId)).toBe(false)
  })

  it('refuses a bad request as a whole and writes nothing: orgs missing, not an array, empty, over 500, unknown field', async () => {
    const orgId = uniqueOrgId()
    const cases: [unknown, string][] = [
      [{}, 'orgs'],
      [{ orgs: validBody(orgId) }, 'orgs'],
      [{ orgs: [] }, 'orgs'],
      [{ orgs: Array.from({ length: 501 }, (_, i) => validBody(`${orgId}_${i}`, { redirect_uri: 'x://y' })) }, 'orgs'],
      [{ orgs: [validBody(orgId)], dry_run: true }, 'dry_run'],
      [[validBody(orgId)], 'body']
    ]
    for (const [payload, field] of cases) {
      const res = await ctx().request({ method: 'POST', url: BATCH, payload: payload as object })
      expect(fieldsOf(problemOf(res, 400, 'validation_failed')), JSON.stringify(payload).slice(0, 80)).toEqual([field])
    }
    problemOf(await ctx().request({ method: 'POST', url: BATCH, payload: '{"orgs": [', headers: { 'content-type': 'application/json' } }), 400, 'malformed_json')
    problemOf(
      await ctx().request({ method: 'POST', url: BATCH, payload: JSON.stringify({ orgs: [validBody(orgId)] }), headers: { 'content-type': 'text/plain' } }),
      415,
      'unsupported_media_type'
    )
    expect(await exists(ctx(), orgId)).toBe(false)
    expect(await exists(ctx(), `${orgId}_0`)).toBe(false)
  })

  it('takes up to 500 orgs in a body up to 1 MiB (more than a single create’s 16 KiB), and answers 413 beyond', async () => {
    const ids = Array.from({ length: 500 }, () => uniqueOrgId('many'))
    const payload = { orgs: ids.map((id) => validBody(id, { environment: 'test' })) }
    expect(JSON.stringify(payload).length).toBeGreaterThan(16 * 1024)
    const results = resultsOf(await ctx().request({ method: 'POST', url: BATCH, payload }))
    expect(results.map((r) => r.status)).toEqual(Array(500).fill(201))
    expect(await exists(ctx(), ids[499]!)).toBe(true)

    const huge = uniqueOrgId('huge')
    const tooLarge = { orgs: [validBody(huge, { client_id: 'x'.repeat(1024 * 1024) })] }
    const problem = problemOf(await ctx().request({ method: 'POST', url: BATCH, payload: tooLarge }), 413, 'payload_too_large')
    expect(problem.detail).toContain('1024 KiB')
    expect(await exists(ctx(), huge)).toBe(false)
    // Other routes keep their limit.
    problemOf(await ctx().request({ method: 'POST', url: BASE, payload: validBody(huge, { client_id: 'x'.repeat(20 * 1024) }) }), 413, 'payload_too_large')
  })

  it('Idempotency-Key: the same batch again replays the first answer without writing twice; another body is a 422', async () => {
    const ids = [uniqueOrgId('idem'), uniqueOrgId('idem')]
    const key = randomUUID()
    const items = [validBody(ids[0]!), validBody(ids[1]!, { scopes: ['email'] })]
    const first = await batch(ctx(), items, { 'idempotency-key': key })
    expect(resultsOf(first).map((r) => r.status)).toEqual([201, 400])
    expect(first.headers['idempotent-replayed']).toBeUndefined()
    const again = await batch(ctx(), items, { 'idempotency-key': key })
    expect(again.statusCode).toBe(200)
    expect(again.headers['idempotent-replayed']).toBe('true')
    expect(again.json()).toEqual(first.json())
    expect(await historyTotal(ctx(), ids[0]!)).toBe(1)

    const other = uniqueOrgId('idem_other')
    problemOf(await batch(ctx(), [validBody(other)], { 'idempotency-key': key }), 422, 'idempotency_key_reused')
    expect(await exists(ctx(), other)).toBe(false)
    // A key used by a single create is another request too.
    const singleKey = randomUUID()
    expect((await ctx().request({ method: 'POST', url: BASE, payload: validBody(uniqueOrgId()), headers: { 'idempotency-key': singleKey } })).statusCode).toBe(201)
    problemOf(await batch(ctx(), [validBody(other)], { 'idempotency-key': singleKey }), 422, 'idempotency_key_reused')
    expect(await exists(ctx(), other)).toBe(false)
  })

  it('Idempotency-Key: concurrent retries of one batch create once and all answer the first answer', async () => {
    const ids = [uniqueOrgId('twin'), uniqueOrgId('twin')]
    const key = randomUUID()
    const answers = await Promise.all(Array.from({ length: 4 }, () => batch(ctx(), ids.map((id) => validBody(id)), { 'idempotency-key': key })))
    expect(new Set(answers.map((a) => a.body)).size).toBe(1)
    expect(resultsOf(answers[0]!).map((r) => r.status)).toEqual([201, 201])
    for (const id of ids) expect(await historyTotal(ctx(), id)).toBe(1)
  })

  it('the writes of a batch share one commit on SQLite (the writer’s stats)', async () => {
    const ids = Array.from({ length: 40 }, () => uniqueOrgId('commit'))
    const commitsBefore = await metric(ctx(), 'vipps_orgs_db_commits_total')
    const writesBefore = await metric(ctx(), 'vipps_orgs_db_writes_total')
    const results = resultsOf(await batch(ctx(), ids.map((id) => validBody(id))))
    expect(results.every((r) => r.status === 201)).toBe(true)
    expect((await metric(ctx(), 'vipps_orgs_db_writes_total')) - writesBefore).toBe(40)
    if (store === 'sqlite') {
      expect((await metric(ctx(), 'vipps_orgs_db_commits_total')) - commitsBefore).toBe(1)
      expect(await metric(ctx(), 'vipps_orgs_db_largest_commit_writes')).toBeGreaterThanOrEqual(40)
    } else {
      // PostgreSQL: each create its own one-statement transaction, side by side on the pool.
      expect((await metric(ctx(), 'vipps_orgs_db_commits_total')) - commitsBefore).toBe(40)
      expect(await metric(ctx(), 'vipps_orgs_db_largest_commit_writes')).toBe(1)
    }
  })

  it('answers 405 to other methods', async () => {
    problemOf(await ctx().request({ method: 'GET', url: BATCH }), 405, 'method_not_allowed')
  })
})

describeEachStore(
  'POST /api/v1/vipps-orgs:batchCreate: rights and grants',
  (ctx) => {
    it('needs orgs:write: no credential is a 401, a viewer a 403, for the whole batch', async () => {
      const orgId = uniqueOrgId()
      problemOf(await batch(ctx(), [validBody(orgId)]), 401, 'unauthorized')
      const viewer = await createKey(ctx(), { name: 'viewer', role: 'viewer' })
      problemOf(await batch(ctx(), [validBody(orgId)], bearer(viewer.key)), 403, 'forbidden')
      expect(await exists(ctx(), orgId)).toBe(false)
    })

    it('a key limited to some orgs creates those and gets 403 forbidden in the other slots', async () => {
      const [mine, theirs, alsoMine] = [uniqueOrgId('mine'), uniqueOrgId('theirs'), uniqueOrgId('mine')]
      const key = await createKey(ctx(), { name: 'limited', role: 'editor', org_ids: [mine, alsoMine] })
      const results = resultsOf(await batch(ctx(), [validBody(mine), validBody(theirs), validBody(alsoMine)], bearer(key.key)))
      expect(results.map((r) => [r.org_id, r.status])).toEqual([
        [mine, 201],
        [theirs, 403],
        [alsoMine, 201]
      ])
      expect(problemIn(results[1])).toMatchObject({ code: 'forbidden', right: 'orgs:write' })
      const single = await ctx().request({ method: 'POST', url: BASE, payload: validBody(theirs), headers: bearer(key.key) })
      expect(problemIn(results[1])).toEqual(single.json())
      expect(await exists(ctx(), theirs)).toBe(false)
      const history = (await ctx().request({ method: 'GET', url: `${BASE}/${mine}/history`, headers: bearer(ADMIN_TOKEN) })).json()
      expect(history.data[0].actor).toEqual({ type: 'api_key', id: key.id, name: 'limited' })
    })
  },
  { ADMIN_TOKENS: `admin:${ADMIN_TOKEN}` }
)

describeEachStore(
  'POST /api/v1/vipps-orgs:batchCreate with APPROVALS=production',
  (ctx) => {
    it('holds production items (202 with the change request) and creates test items (201)', async () => {
      const [prod, test] = [uniqueOrgId('prod'), uniqueOrgId('test')]
      const results = resultsOf(await batch(ctx(), [validBody(prod), validBody(test, { environment: 'test' })], bearer(TOKENS.alice)))
      expect(results.map((r) => [r.org_id, r.status])).toEqual([
        [prod, 202],
        [test, 201]
      ])
      const held = results[0]!
      if (!('change_request' in held)) throw new Error('not held')
      expect(held.change_request).toMatchObject({ org_id: prod, operation: 'create', state: 'pending' })
      expect(await exists(ctx(), prod)).toBe(false)
      expect(await exists(ctx(), test)).toBe(true)
      const request = await ctx().request({ method: 'GET', url: `${CR}/${held.change_request.id}`, headers: bearer(TOKENS.bob) })
      expect(request.json()).toEqual(held.change_request)
      const approved = await ctx().request({ method: 'POST', url: `${CR}/${held.change_request.id}/approve`, payload: {}, headers: bearer(TOKENS.bob) })
      expect(approved.statusCode, approved.body).toBe(200)
      expect(await exists(ctx(), prod)).toBe(true)
    })
  },
  APPROVAL_ENV
)

describeEachStore(
  'POST /api/v1/vipps-orgs:batchCreate and the write rate limit',
  (ctx) => {
    it('counts each item as a write: a batch over what is left answers 429 as a whole, writing nothing', async () => {
      const ids = Array.from({ length: 7 }, () => uniqueOrgId('limited'))
      expect(resultsOf(await batch(ctx(), ids.slice(0, 3).map((id) => validBody(id)))).map((r) => r.status)).toEqual([201, 201, 201])
      const refused = await batch(ctx(), ids.slice(3, 6).map((id) => validBody(id)))
      problemOf(refused, 429, 'rate_limited')
      expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1)
      for (const id of ids.slice(3, 6)) expect(await exists(ctx(), id)).toBe(false)
      // What is left (2 of 5) still takes a batch that fits.
      expect(resultsOf(await batch(ctx(), ids.slice(3, 5).map((id) => validBody(id)))).map((r) => r.status)).toEqual([201, 201])
      problemOf(await batch(ctx(), [validBody(ids[6]!)]), 429, 'rate_limited')
    })
  },
  { WRITE_RATE_LIMIT: '5', WRITE_RATE_WINDOW_MS: '60000' }
)
