import { describe, expect, it } from 'vitest'
import { isoSeconds } from '../../src/clock.js'
import type { Principal } from '../../src/http/access/principal.js'
import { ifMatchPrecondition } from '../../src/http/etag.js'
import { Problem } from '../../src/http/problems.js'
import { FakeOrgStore } from '../../src/orgs/fake-store.js'
import { OrgReadCache } from '../../src/orgs/read-cache.js'
import type { CreateOrgBody } from '../../src/orgs/schemas.js'
import { OrgService } from '../../src/orgs/service.js'
import type { FieldChanges, OrgRecord, WriteContext } from '../../src/orgs/store.js'

const tokenPrincipal = (name: string): Principal => ({
  actor: { type: 'token', id: name, name },
  grant: { role: 'admin', orgIds: null },
  expiresAt: null,
  via: 'bearer'
})
const OPS = tokenPrincipal('ops')
const OTHER = tokenPrincipal('other')

/** The rules of OrgService on the in-memory store: no HTTP, no SQL, milliseconds. */
function setup(store = new FakeOrgStore()) {
  let now = Date.parse('2026-03-26T10:00:00Z')
  const clock = () => isoSeconds(now)
  const service = new OrgService(store, new OrgReadCache({ max: 100, maxBytes: 1_000_000, ttlMs: 0 }), clock)
  return { service, store, advance: (ms: number) => (now += ms) }
}

const body = (orgId: string, extra: Partial<CreateOrgBody> = {}): CreateOrgBody => ({
  org_id: orgId,
  client_id: 'vipps-client-new001',
  client_secret_ref: `vault://orgs/${orgId}/vipps_secret`,
  redirect_uri: 'myapp://vipps-callback',
  ...extra
})

async function problemOf(promise: Promise<unknown>): Promise<Problem> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e
  )
  if (!(err instanceof Problem)) throw new Error(`expected a Problem, got ${String(err)}`)
  return err
}

describe('OrgService.create', () => {
  it('fills the defaults and answers the five fields of the contract', async () => {
    const { service } = setup()
    const result = await service.create(body('org_a'), OPS)
    expect(result).toMatchObject({ status: 201, replayed: false })
    expect(result.body).toEqual({
      org_id: 'org_a',
      client_id: 'vipps-client-new001',
      vipps_enabled: true,
      environment: 'test',
      created_at: '2026-03-26T10:00:00Z'
    })
    expect(JSON.parse((await service.getLiveView('org_a')).full)).toMatchObject({ scopes: ['openid'], vipps_enabled: true })
  })

  it('records every field in the create event, with the actor', async () => {
    const { service } = setup()
    await service.create(body('org_a', { scopes: ['openid', 'name'] }), OPS)
    const { data } = await service.history('org_a', 1, 20)
    expect(data).toEqual([
      {
        version: 1,
        action: 'create',
        at: '2026-03-26T10:00:00Z',
        actor: { type: 'token', id: 'ops', name: 'ops' },
        changes: {
          client_id: { from: null, to: 'vipps-client-new001' },
          client_secret_ref: { from: null, to: 'vault://orgs/org_a/vipps_secret' },
          redirect_uri: { from: null, to: 'myapp://vipps-callback' },
          scopes: { from: null, to: ['openid', 'name'] },
          vipps_enabled: { from: null, to: true },
          environment: { from: null, to: 'test' }
        }
      }
    ])
  })

  it('refuses an http:// redirect in production (a cross-field rule), writing nothing', async () => {
    const { service } = setup()
    const problem = await problemOf(
      service.create(body('org_a', { environment: 'production', redirect_uri: 'http://localhost/cb' }), OPS)
    )
    expect(problem.status).toBe(400)
    expect(problem.errors?.map((e) => e.field)).toEqual(['redirect_uri'])
    expect((await problemOf(service.getLiveView('org_a'))).status).toBe(404)
  })

  it('answers 409 for a live org_id', async () => {
    const { service } = setup()
    await service.create(body('org_a'), OPS)
    const problem = await problemOf(service.create(body('org_a'), OPS))
    expect([problem.status, problem.code]).toEqual([409, 'already_exists'])
  })

  it('re-creates a deleted org_id; its version goes on from the last event', async () => {
    const { service } = setup()
    await service.create(body('org_a'), OPS)
    await service.softDelete('org_a', OPS)
    const again = await service.create(body('org_a', { client_id: 'reborn' }), OPS)
    expect(again.record?.version).toBe(3)
    expect((await service.getLiveView('org_a')).etag).toBe('"3"')
    expect((await service.history('org_a', 1, 20)).data.map((e) => e.action)).toEqual(['create', 'delete', 'create'])
  })
})

describe('OrgService.create with an Idempotency-Key', () => {
  it('answers a retry with the first response and writes once', async () => {
    const { service, advance } = setup()
    const first = await service.create(body('org_a'), OPS, 'key-1')
    advance(5_000)
    const retry = await service.create(body('org_a'), OPS, 'key-1')
    expect(retry).toEqual({ status: 201, body: first.body, replayed: true })
    expect((await service.history('org_a', 1, 20)).pagination.total).toBe(1)
  })

  it('is a 422 when the key comes back with another body', async () => {
    const { service } = setup()
    await service.create(body('org_a'), OPS, 'key-1')
    const problem = await problemOf(service.create(body('org_b'), OPS, 'key-1'))
    expect([problem.status, problem.code]).toEqual([422, 'idempotency_key_reused'])
  })

  it('keeps keys apart per actor, and forgets them after 24 hours', async () => {
    const { service, advance } = setup()
    await service.create(body('org_a'), OPS, 'key-1')
    expect((await service.create(body('org_b'), OTHER, 'key-1')).replayed).toBe(false)
    advance(24 * 60 * 60 * 1000 + 1_000)
    expect((await service.create(body('org_c'), OPS, 'key-1')).replayed).toBe(false)
  })

  it('a concurrent retry that lost the race answers as the winner did', async () => {
    const { service } = setup()
    const [a, b] = await Promise.all([
      service.create(body('org_a'), OPS, 'key-1'),
      service.create(body('org_a'), OPS, 'key-1')
    ])
    expect([a.replayed, b.replayed].sort()).toEqual([false, true])
    expect(a.body).toEqual(b.body)
  })
})

describe('OrgService.update', () => {
  it('changes the fields sent, records only real changes, and answers them with updated_at', async () => {
    const { service, advance } = setup()
    await service.create(body('org_a'), OPS)
    advance(60_000)
    const { record, body: response } = await service.update('org_a', { vipps_enabled: false, client_id: 'vipps-client-new001' }, OPS)
    expect(response).toEqual({
      org_id: 'org_a',
      vipps_enabled: false,
      client_id: 'vipps-client-new001',
      updated_at: '2026-03-26T10:01:00Z'
    })
    expect(record?.version).toBe(2)
    const { data } = await service.history('org_a', 1, 20)
    expect(data[1]?.changes).toEqual({ vipps_enabled: { from: true, to: false } })
  })

  it('makes no new version and no event when nothing changes', async () => {
    const { service, advance } = setup()
    await service.create(body('org_a'), OPS)
    advance(60_000)
    const { record, body: response } = await service.update('org_a', { environment: 'test' }, OPS)
    expect(record?.version).toBe(1)
    expect(response.updated_at).toBe('2026-03-26T10:00:00Z')
    expect((await service.history('org_a', 1, 20)).pagination.total).toBe(1)
  })

  it('checks the cross-field rules on the merged result', async () => {
    const { service } = setup()
    await service.create(body('org_a', { redirect_uri: 'http://localhost:3000/cb' }), OPS)
    const problem = await problemOf(service.update('org_a', { environment: 'production' }, OPS))
    expect(problem.errors).toEqual([{ field: 'redirect_uri', message: expect.stringContaining('test environment') }])
  })

  it('honours If-Match: a stale ETag is a 412 and changes nothing', async () => {
    const { service } = setup()
    await service.create(body('org_a'), OPS)
    await service.update('org_a', { client_id: 'two' }, OPS, ifMatchPrecondition('"1"'))
    const stale = await problemOf(service.update('org_a', { client_id: 'three' }, OPS, ifMatchPrecondition('"1"')))
    expect([stale.status, stale.code]).toEqual([412, 'precondition_failed'])
    expect(JSON.parse((await service.getLiveView('org_a')).full).client_id).toBe('two')
  })

  it('reads again when another writer moved the version, and gives up with a 503 after five tries', async () => {
    class MovingStore extends FakeOrgStore {
      losses = 0
      override async update(current: OrgRecord, changes: FieldChanges, ctx: WriteContext) {
        if (this.losses-- > 0) return undefined
        return super.update(current, changes, ctx)
      }
    }
    const store = new MovingStore()
    const { service } = setup(store)
    await service.create(body('org_a'), OPS)
    store.losses = 4
    expect((await service.update('org_a', { client_id: 'won' }, OPS)).record?.client_id).toBe('won')
    store.losses = 5
    const problem = await problemOf(service.update('org_a', { client_id: 'lost' }, OPS))
    expect([problem.status, problem.headers['retry-after']]).toEqual([503, '1'])
  })

  it('is a 404 for an unknown or deleted org', async () => {
    const { service } = setup()
    await service.create(body('org_a'), OPS)
    await service.softDelete('org_a', OPS)
    for (const orgId of ['org_a', 'org_nope', 'NOT AN ID']) {
      expect((await problemOf(service.update(orgId, { client_id: 'x' }, OPS))).status).toBe(404)
    }
  })
})

describe('OrgService.softDelete', () => {
  it('answers deleted_at, hides the org from reads and lists, and keeps its history', async () => {
    const { service } = setup()
    await service.create(body('org_a'), OPS)
    await service.getLiveView('org_a') // warm the cache: the delete must drop it
    expect((await service.softDelete('org_a', OPS)).body).toEqual({ org_id: 'org_a', deleted: true, deleted_at: '2026-03-26T10:00:00Z' })
    expect((await problemOf(service.getLiveView('org_a'))).status).toBe(404)
    expect((await service.list({ page: 1, limit: 20 })).pagination.total).toBe(0)
    expect((await service.history('org_a', 1, 20)).data.map((e) => e.action)).toEqual(['create', 'delete'])
    expect((await problemOf(service.softDelete('org_a', OPS))).status).toBe(404)
  })

  it('honours If-Match', async () => {
    const { service } = setup()
    await service.create(body('org_a'), OPS)
    expect((await problemOf(service.softDelete('org_a', OPS, ifMatchPrecondition('"7"')))).status).toBe(412)
    expect((await service.softDelete('org_a', OPS, ifMatchPrecondition('"1"'))).body.deleted).toBe(true)
  })
})

describe('OrgService.list and history', () => {
  it('pages live orgs by created_at then org_id, filtered, with the total of all matches', async () => {
    const { service, advance } = setup()
    await service.create(body('org_z'), OPS)
    advance(1_000)
    for (const id of ['org_b', 'org_a']) await service.create(body(id), OPS)
    await service.create(body('org_off', { vipps_enabled: false }), OPS)
    await service.create(body('org_prod', { environment: 'production' }), OPS)
    const page = await service.list({ page: 1, limit: 2, vipps_enabled: true })
    expect(page.data.map((o) => o.org_id)).toEqual(['org_z', 'org_a'])
    expect(page.pagination).toEqual({ page: 1, limit: 2, total: 4 })
    expect((await service.list({ page: 3, limit: 2, vipps_enabled: true })).data).toEqual([])
    expect((await service.list({ page: 1, limit: 20, environment: 'production' })).data.map((o) => o.org_id)).toEqual(['org_prod'])
    expect((await service.list({ page: 1, limit: 20 })).pagination.total).toBe(5)
  })

  it('a write shows in the next list (cached pages are dropped)', async () => {
    const { service } = setup()
    await service.create(body('org_a'), OPS)
    expect((await service.list({ page: 1, limit: 20 })).pagination.total).toBe(1)
    await service.create(body('org_b'), OPS)
    expect((await service.list({ page: 1, limit: 20 })).pagination.total).toBe(2)
  })

  it('history is a 404 for an org_id that never existed', async () => {
    const { service } = setup()
    expect((await problemOf(service.history('org_never', 1, 20))).code).toBe('not_found')
  })
})

describe('OrgService with a grant limited to some orgs', () => {
  const limited: Principal = { actor: { type: 'api_key', id: 'key_1', name: 'app' }, grant: { role: 'editor', orgIds: ['org_a'] }, expiresAt: null, via: 'bearer' }

  it('never looks up an org outside its list: the 404 cannot depend on whether the org exists', async () => {
    class CountingStore extends FakeOrgStore {
      lookups = 0
      override async findLive(orgId: string) {
        this.lookups++
        return super.findLive(orgId)
      }
      override async history(orgId: string, offset: number, limit: number) {
        this.lookups++
        return super.history(orgId, offset, limit)
      }
    }
    const store = new CountingStore()
    const { service } = setup(store)
    await service.create(body('org_b'), OPS)
    const scope = limited.grant!.orgIds
    store.lookups = 0
    for (const orgId of ['org_b', 'org_absent']) {
      for (const call of [
        () => service.getLiveView(orgId, scope),
        () => service.history(orgId, 1, 20, scope),
        () => service.update(orgId, { vipps_enabled: false }, limited),
        () => service.softDelete(orgId, limited)
      ]) {
        const problem = await problemOf(call())
        expect([problem.status, problem.code]).toEqual([404, 'not_found'])
      }
      expect(service.cachedLiveView(orgId, scope)).toBeUndefined()
    }
    expect(store.lookups).toBe(0)
  })

  it('creates inside its list, and refuses (403) outside it before anything else', async () => {
    const { service } = setup()
    expect((await service.create(body('org_a'), limited)).status).toBe(201)
    const problem = await problemOf(service.create(body('org_b', { redirect_uri: 'not a uri' }), limited))
    expect([problem.status, problem.code]).toEqual([403, 'forbidden'])
  })

  it('lists only its orgs, and keeps its pages apart from others’ in the list cache', async () => {
    const { service } = setup()
    for (const orgId of ['org_a', 'org_b', 'org_c']) await service.create(body(orgId), OPS)
    const everyone = await service.list({ page: 1, limit: 20 })
    const scoped = await service.list({ page: 1, limit: 20 }, ['org_a', 'org_c', 'org_gone'])
    expect(everyone.pagination.total).toBe(3)
    expect(scoped.pagination.total).toBe(2)
    expect(scoped.data.map((o) => o.org_id)).toEqual(['org_a', 'org_c'])
    expect((await service.list({ page: 1, limit: 20 }, ['org_b'])).data.map((o) => o.org_id)).toEqual(['org_b'])
    expect((await service.list({ page: 1, limit: 20 })).pagination.total).toBe(3)
  })
})
