import { randomUUID } from 'node:crypto'
import { expect, it } from 'vitest'
import { BASE, describeEachStore, fieldsOf, problemOf, uniqueOrgId, validBody } from './support/app.js'

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
