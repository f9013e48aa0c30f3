import { randomUUID } from 'node:crypto'
import { expect, it } from 'vitest'
import { BASE, createOrg, describeEachStore, fieldsOf, problemOf, uniqueOrgId, validBody } from './support/app.js'

describeEachStore('Idempotency-Key on POST', (ctx) => {
  const post = (payload: object, key?: string) =>
    ctx().request({ method: 'POST', url: BASE, payload, headers: key ? { 'idempotency-key': key } : {} })

  it('a retry with the same key and body gets the first response again, without a second write', async () => {
    const orgId = uniqueOrgId()
    const key = randomUUID()
    const first = await post(validBody(orgId), key)
    expect(first.statusCode).toBe(201)
    const retry = await post(validBody(orgId), key)
    expect(retry.statusCode).toBe(201)
    expect(retry.json()).toEqual(first.json())
    expect(retry.headers.location).toBe(first.headers.location)
    expect(retry.headers['idempotent-replayed']).toBe('true')
    const history = (await ctx().request({ method: 'GET', url: `${BASE}/${orgId}/history` })).json()
    expect(history.pagination.total).toBe(1)
  })

  it('the same body with its keys in another order is the same request', async () => {
    const orgId = uniqueOrgId()
    const key = randomUUID()
    const body = validBody(orgId)
    await post(body, key)
    const reordered = Object.fromEntries(Object.entries(body).reverse())
    expect((await post(reordered, key)).statusCode).toBe(201)
  })

  it('the same key with another body is a 422 idempotency_key_reused, and writes nothing', async () => {
    const key = randomUUID()
    const orgId = uniqueOrgId()
    await post(validBody(orgId), key)
    const other = uniqueOrgId()
    problemOf(await post(validBody(other), key), 422, 'idempotency_key_reused')
    problemOf(await ctx().request({ method: 'GET', url: `${BASE}/${other}` }), 404, 'not_found')
  })

  it('concurrent retries with one key create once and all answer 201 with the same body', async () => {
    const orgId = uniqueOrgId()
    const key = randomUUID()
    const results = await Promise.all(Array.from({ length: 8 }, () => post(validBody(orgId), key)))
    expect(results.map((r) => r.statusCode)).toEqual(Array(8).fill(201))
    expect(new Set(results.map((r) => r.body)).size).toBe(1)
    const history = (await ctx().request({ method: 'GET', url: `${BASE}/${orgId}/history` })).json()
    expect(history.pagination.total).toBe(1)
  })

  it('without a key, a second create is a 409 as usual', async () => {
    const orgId = uniqueOrgId()
    await post(validBody(orgId))
    problemOf(await post(validBody(orgId)), 409, 'already_exists')
  })

  it('a failed create is not remembered: the same key may then succeed', async () => {
    const orgId = uniqueOrgId()
    const key = randomUUID()
    problemOf(await post(validBody(orgId, { scopes: [] }), key), 400, 'validation_failed')
    expect((await post(validBody(orgId), key)).statusCode).toBe(201)
  })

  it('an unusable key is a 400', async () => {
    const res = await post(validBody(uniqueOrgId()), 'x'.repeat(256))
    expect(fieldsOf(problemOf(res, 400, 'validation_failed'))).toEqual(['Idempotency-Key'])
  })
})

describeEachStore('Idempotency-Key on PUT and DELETE', (ctx) => {
  const put = (orgId: string, payload: object, headers: Record<string, string> = {}) =>
    ctx().request({ method: 'PUT', url: `${BASE}/${orgId}`, payload, headers })
  const del = (orgId: string, headers: Record<string, string> = {}) => ctx().request({ method: 'DELETE', url: `${BASE}/${orgId}`, headers })
  const historyOf = async (orgId: string) =>
    (await ctx().request({ method: 'GET', url: `${BASE}/${orgId}/history?limit=100` })).json().data as { action: string; version: number }[]

  it('a PUT retried with its key gets the first answer again, even with its If-Match stale by then, and writes once', async () => {
    const orgId = uniqueOrgId()
    await createOrg(ctx(), orgId)
    const key = randomUUID()
    const first = await put(orgId, { client_id: 'vipps-client-two' }, { 'idempotency-key': key, 'if-match': '"1"' })
    expect(first.statusCode).toBe(200)
    expect(first.headers['idempotent-replayed']).toBeUndefined()
    const retry = await put(orgId, { client_id: 'vipps-client-two' }, { 'idempotency-key': key, 'if-match': '"1"' })
    expect(retry.statusCode).toBe(200)
    expect(retry.json()).toEqual(first.json())
    expect(retry.headers['idempotent-replayed']).toBe('true')
    // Someone else writes; the retry still gets its own answer, and changes nothing.
    await put(orgId, { client_id: 'vipps-client-three' })
    const late = await put(orgId, { client_id: 'vipps-client-two' }, { 'idempotency-key': key, 'if-match': '"1"' })
    expect([late.statusCode, late.json()]).toEqual([200, first.json()])
    expect((await historyOf(orgId)).map((e) => e.action)).toEqual(['create', 'update', 'update'])
    expect((await ctx().request({ method: 'GET', url: `${BASE}/${orgId}` })).json().client_id).toBe('vipps-client-three')
  })

  it('a DELETE retried with its key gets the first answer again, not a 404, and deletes nothing else', async () => {
    const orgId = uniqueOrgId()
    await createOrg(ctx(), orgId)
    const key = randomUUID()
    const first = await del(orgId, { 'idempotency-key': key, 'if-match': '"1"' })
    expect(first.statusCode).toBe(200)
    // Re-created by someone else meanwhile: the retried delete must not remove the new org.
    await createOrg(ctx(), orgId)
    const retry = await del(orgId, { 'idempotency-key': key, 'if-match': '"1"' })
    expect([retry.statusCode, retry.json(), retry.headers['idempotent-replayed']]).toEqual([200, first.json(), 'true'])
    expect((await ctx().request({ method: 'GET', url: `${BASE}/${orgId}` })).statusCode).toBe(200)
    expect((await historyOf(orgId)).map((e) => e.action)).toEqual(['create', 'delete', 'create'])
  })

  it('a PUT that changes nothing keeps its answer too', async () => {
    const orgId = uniqueOrgId()
    await createOrg(ctx(), orgId)
    const key = randomUUID()
    const first = await put(orgId, { environment: 'production' }, { 'idempotency-key': key, 'if-match': '"1"' })
    expect(first.statusCode).toBe(200)
    await put(orgId, { client_id: 'vipps-client-moved-on' })
    const retry = await put(orgId, { environment: 'production' }, { 'idempotency-key': key, 'if-match': '"1"' })
    expect([retry.statusCode, retry.json()]).toEqual([200, first.json()])
  })

  it('the same key with another body, method or path is a 422 idempotency_key_reused, and writes nothing', async () => {
    const orgId = uniqueOrgId()
    const other = uniqueOrgId()
    await createOrg(ctx(), orgId)
    await createOrg(ctx(), other)
    const key = randomUUID()
    expect((await put(orgId, { client_id: 'vipps-client-two' }, { 'idempotency-key': key })).statusCode).toBe(200)
    problemOf(await put(orgId, { client_id: 'vipps-client-else' }, { 'idempotency-key': key }), 422, 'idempotency_key_reused')
    problemOf(await put(other, { client_id: 'vipps-client-two' }, { 'idempotency-key': key }), 422, 'idempotency_key_reused')
    problemOf(await del(orgId, { 'idempotency-key': key }), 422, 'idempotency_key_reused')
    problemOf(await ctx().request({ method: 'POST', url: BASE, payload: validBody(uniqueOrgId()), headers: { 'idempotency-key': key } }), 422, 'idempotency_key_reused')
    expect((await historyOf(orgId)).map((e) => e.action)).toEqual(['create', 'update'])
    expect((await historyOf(other)).map((e) => e.action)).toEqual(['create'])
    // A create's key is as much taken for a PUT.
    const createKey = randomUUID()
    const created = uniqueOrgId()
    await createOrg(ctx(), created, {}, { 'idempotency-key': createKey })
    problemOf(await put(created, { client_id: 'vipps-client-two' }, { 'idempotency-key': createKey }), 422, 'idempotency_key_reused')
  })

  it('concurrent retries of one PUT with If-Match write once and all answer 200 with the same body', async () => {
    const orgId = uniqueOrgId()
    await createOrg(ctx(), orgId)
    const key = randomUUID()
    const results = await Promise.all(
      Array.from({ length: 8 }, () => put(orgId, { redirect_uri: 'https://app.example.com/cb' }, { 'idempotency-key': key, 'if-match': '"1"' }))
    )
    expect(results.map((r) => r.statusCode)).toEqual(Array(8).fill(200))
    expect(new Set(results.map((r) => r.body)).size).toBe(1)
    expect((await historyOf(orgId)).map((e) => e.action)).toEqual(['create', 'update'])
  })

  it('concurrent retries of one DELETE delete once and all answer 200 with the same body', async () => {
    const orgId = uniqueOrgId()
    await createOrg(ctx(), orgId)
    const key = randomUUID()
    const results = await Promise.all(Array.from({ length: 8 }, () => del(orgId, { 'idempotency-key': key })))
    expect(results.map((r) => r.statusCode)).toEqual(Array(8).fill(200))
    expect(new Set(results.map((r) => r.body)).size).toBe(1)
    expect((await historyOf(orgId)).map((e) => e.action)).toEqual(['create', 'delete'])
  })

  it('a failed PUT or DELETE is not remembered: the same key may then succeed', async () => {
    const orgId = uniqueOrgId()
    await createOrg(ctx(), orgId)
    const key = randomUUID()
    problemOf(await put(orgId, { client_id: 'vipps-client-two' }, { 'idempotency-key': key, 'if-match': '"9"' }), 412, 'precondition_failed')
    expect((await put(orgId, { client_id: 'vipps-client-two' }, { 'idempotency-key': key, 'if-match': '"1"' })).statusCode).toBe(200)
    const delKey = randomUUID()
    problemOf(await del(orgId, { 'idempotency-key': delKey, 'if-match': '"1"' }), 412, 'precondition_failed')
    expect((await del(orgId, { 'idempotency-key': delKey, 'if-match': '"2"' })).statusCode).toBe(200)
  })

  it('an unusable key is a 400', async () => {
    const orgId = uniqueOrgId()
    await createOrg(ctx(), orgId)
    expect(fieldsOf(problemOf(await put(orgId, { client_id: 'x' }, { 'idempotency-key': 'x'.repeat(256) }), 400, 'validation_failed'))).toEqual(['Idempotency-Key'])
    expect(fieldsOf(problemOf(await del(orgId, { 'idempotency-key': '' }), 400, 'validation_failed'))).toEqual(['Idempotency-Key'])
  })
})
