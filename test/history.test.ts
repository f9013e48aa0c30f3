import { expect, it } from 'vitest'
import { BASE, createOrg, describeEachStore, problemOf, queryDatabase, RFC3339_SECONDS, uniqueOrgId, within } from './support/app.js'

describeEachStore('GET /api/v1/vipps-orgs/:org_id/history', (ctx) => {
  const history = async (orgId: string, query = '') =>
    (await ctx().request({ method: 'GET', url: `${BASE}/${orgId}/history${query}` })).json()

  it('records create, updates, delete and re-create, oldest first, with field changes', async () => {
    const orgId = uniqueOrgId()
    await createOrg(ctx(), orgId, { scopes: ['openid'] })
    await ctx().request({ method: 'PUT', url: `${BASE}/${orgId}`, payload: { vipps_enabled: false } })
    await ctx().request({ method: 'PUT', url: `${BASE}/${orgId}`, payload: { scopes: ['openid', 'name'], client_id: 'vipps-client-new001' } })
    await ctx().request({ method: 'DELETE', url: `${BASE}/${orgId}` })
    await createOrg(ctx(), orgId, { client_id: 'reborn' })

    const body = await history(orgId)
    expect(body.pagination).toEqual({ page: 1, limit: 20, total: 5 })
    expect(body.data.map((e: { version: number; action: string }) => [e.version, e.action])).toEqual([
      [1, 'create'],
      [2, 'update'],
      [3, 'update'],
      [4, 'delete'],
      [5, 'create']
    ])
    for (const event of body.data) {
      expect(Object.keys(event).sort()).toEqual(['action', 'actor', 'at', 'changes', 'version'])
      expect(event.at).toMatch(RFC3339_SECONDS)
      expect(event.actor).toEqual({ type: 'anonymous', id: 'anonymous', name: 'anonymous' })
    }
    expect(body.data[0].changes).toMatchObject({
      client_id: { from: null, to: 'vipps-client-new001' },
      scopes: { from: null, to: ['openid'] },
      vipps_enabled: { from: null, to: true }
    })
    expect(body.data[1].changes).toEqual({ vipps_enabled: { from: true, to: false } })
    // client_id did not change, so only scopes is recorded
    expect(body.data[2].changes).toEqual({ scopes: { from: ['openid'], to: ['openid', 'name'] } })
    expect(body.data[3].changes).toEqual({ deleted_at: { from: null, to: expect.stringMatching(RFC3339_SECONDS) } })
    expect(body.data[4].changes.client_id).toEqual({ from: null, to: 'reborn' })
  })

  it('pages like the list', async () => {
    const orgId = uniqueOrgId()
    await createOrg(ctx(), orgId)
    for (let i = 0; i < 4; i++) {
      await ctx().request({ method: 'PUT', url: `${BASE}/${orgId}`, payload: { client_id: `c${i}` } })
    }
    const page2 = await history(orgId, '?page=2&limit=2')
    expect(page2.pagination).toEqual({ page: 2, limit: 2, total: 5 })
    expect(page2.data.map((e: { version: number }) => e.version)).toEqual([3, 4])
    expect((await history(orgId, '?page=9&limit=2')).data).toEqual([])
    problemOf(await ctx().request({ method: 'GET', url: `${BASE}/${orgId}/history?limit=0` }), 400, 'validation_failed')
  })

  it('a failed update or create leaves no event', async () => {
    const orgId = uniqueOrgId()
    await createOrg(ctx(), orgId, { environment: 'test', redirect_uri: 'http://localhost/cb' })
    await ctx().request({ method: 'PUT', url: `${BASE}/${orgId}`, payload: { environment: 'production' } })
    await ctx().request({ method: 'PUT', url: `${BASE}/${orgId}`, payload: { scopes: [] } })
    await ctx().request({ method: 'PUT', url: `${BASE}/${orgId}`, payload: { client_id: 'x' }, headers: { 'if-match': '"77"' } })
    await ctx().request({ method: 'POST', url: BASE, payload: { org_id: orgId, client_id: 'dup', client_secret_ref: 'vault://a', redirect_uri: 'https://a.example' } })
    expect((await history(orgId)).pagination.total).toBe(1)
  })

  it('a PUT that changes nothing records nothing', async () => {
    const orgId = uniqueOrgId()
    await createOrg(ctx(), orgId)
    await ctx().request({ method: 'PUT', url: `${BASE}/${orgId}`, payload: { environment: 'production' } })
    expect((await history(orgId)).pagination.total).toBe(1)
  })

  it('answers 404 for an org_id that never existed', async () => {
    problemOf(await ctx().request({ method: 'GET', url: `${BASE}/org_never_existed/history` }), 404, 'not_found')
  })

  it('reads events an older release wrote (a name only): anonymous as anonymous, any other name as that bootstrap token', async () => {
    const orgId = uniqueOrgId()
    const insert = 'insert into vipps_org_events (org_id, version, action, at, actor, changes) values (?, ?, ?, ?, ?, ?)'
    await queryDatabase(ctx().databaseUrl, insert, [orgId, 1, 'create', '2026-01-01T00:00:00Z', 'ops', '{"client_id":{"from":null,"to":"c"}}'])
    await queryDatabase(ctx().databaseUrl, insert, [orgId, 2, 'delete', '2026-01-02T00:00:00Z', 'anonymous', '{"deleted_at":{"from":null,"to":"2026-01-02T00:00:00Z"}}'])
    const expected = [
      { type: 'token', id: 'ops', name: 'ops' },
      { type: 'anonymous', id: 'anonymous', name: 'anonymous' }
    ]
    expect((await history(orgId)).data.map((e: { actor: unknown }) => e.actor)).toEqual(expected)
    // PostgreSQL shows an event once every older transaction has ended: wait for both.
    const feed = async () => (await ctx().request({ method: 'GET', url: `/api/v1/events?org_id=${orgId}` })).json().data as { actor: unknown }[]
    await within(5_000, async () => (await feed()).length === 2, 20)
    expect((await feed()).map((e) => e.actor)).toEqual(expected)
  })

  it('stores the actor’s name where an older release reads it, its type and id beside it', async () => {
    const orgId = uniqueOrgId()
    await createOrg(ctx(), orgId)
    const rows = await queryDatabase(ctx().databaseUrl, 'select actor, actor_type, actor_id from vipps_org_events where org_id = ?', [orgId])
    expect(rows).toEqual([{ actor: 'anonymous', actor_type: 'anonymous', actor_id: 'anonymous' }])
  })
})
