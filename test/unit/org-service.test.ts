import { describe, expect, it } from 'vitest'
import { isoSeconds } from '../../src/clock.js'
import { ifMatchPrecondition } from '../../src/http/etag.js'
import { Problem } from '../../src/http/problems.js'
import { FakeOrgStore } from '../../src/orgs/fake-store.js'
import { OrgReadCache } from '../../src/orgs/read-cache.js'
import type { CreateOrgBody } from '../../src/orgs/schemas.js'
import { OrgService } from '../../src/orgs/service.js'
import type { FieldChanges, OrgRecord, WriteContext } from '../../src/orgs/store.js'

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
    const result = await service.create(body('org_a'), 'ops')
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
    await service.create(body('org_a', { scopes: ['openid', 'name'] }), 'ops')
    const { data } = await service.history('org_a', 1, 20)
    expect(data).toEqual([
      {
        version: 1,
        action: 'create',
        at: '2026-03-26T10:00:00Z',
        actor: 'ops',
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
      service.create(body('org_a', { environment: 'production', redirect_uri: 'http://localhost/cb' }), 'ops')
    )
    expect(problem.status).toBe(400)
    expect(problem.errors?.map((e) => e.field)).toEqual(['redirect_uri'])
    expect((await problemOf(service.getLiveView('org_a'))).status).toBe(404)
  })

  it('answers 409 for a live org_id', async () => {
    const { service } = setup()
    await service.create(body('org_a'), 'ops')
    const problem = await problemOf(service.create(body('org_a'), 'ops'))
    expect([problem.status, problem.code]).toEqual([409, 'already_exists'])
  })

  it('re-creates a deleted org_id; its version goes on from the last event', async () => {
    const { service } = setup()
    await service.create(body('org_a'), 'ops')
    await service.softDelete('org_a', 'ops')
    const again = await service.create(body('org_a', { client_id: 'reborn' }), 'ops')
    expect(again.record?.version).toBe(3)
    expect((await service.getLiveView('org_a')).etag).toBe('"3"')
    expect((await service.history('org_a', 1, 20)).data.map((e) => e.action)).toEqual(['create', 'delete', 'create'])
  })
})

describe('OrgService.create with an Idempotency-Key', () => {
  it('answers a retry with the first response and writes once', async () => {
    const { service, advance } = setup()
    const first = await service.create(body('org_a'), 'ops', 'key-1')
    advance(5_000)
    const retry = await service.create(body('org_a'), 'ops', 'key-1')
    expect(retry).toEqual({ status: 201, body: first.body, replayed: true })
    expect((await service.history('org_a', 1, 20)).pagination.total).toBe(1)
  })

  it('is a 422 when the key comes back with another body', async () => {
    const { service } = setup()
    await service.create(body('org_a'), 'ops', 'key-1')
    const problem = await problemOf(service.create(body('org_b'), 'ops', 'key-1'))
    expect([problem.status, problem.code]).toEqual([422, 'idempotency_key_reused'])
  })

  it('keeps keys apart per actor, and forgets them after 24 hours', async () => {
    const { service, advance } = setup()
    await service.create(body('org_a'), 'ops', 'key-1')
    expect((await service.create(body('org_b'), 'other', 'key-1')).replayed).toBe(false)
    advance(24 * 60 * 60 * 1000 + 1_000)
    expect((await service.create(body('org_c'), 'ops', 'key-1')).replayed).toBe(false)
  })

  it('a concurrent retry that lost the race answers as the winner did', async () => {
    const { service } = setup()
    const [a, b] = await Promise.all([
      service.create(body('org_a'), 'ops', 'key-1'),
      service.create(body('org_a'), 'ops', 'key-1')
    ])
    expect([a.replayed, b.replayed].sort()).toEqual([false, true])
    expect(a.body).toEqual(b.body)
  })
})

describe('OrgService.update', () => {
  it('changes the fields sent, records only real changes, and answers them with updated_at', async () => {
    const { service, advance } = setup()
    await service.create(body('org_a'), 'ops')
    advance(60_000)
    const { record, body: response } = await service.update('org_a', { vipps_enabled: false, client_id: 'vipps-client-new001' }, 'ops')
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
    await service.create(body('org_a'), 'ops')
    advance(60_000)
    const { record, body: response } = await service.update('org_a', { environment: 'test' }, 'ops')
    expect(record?.version).toBe(1)
    expect(response.updated_at).toBe('2026-03-26T10:00:00Z')
    expect((await service.history('org_a', 1, 20)).pagination.total).toBe(1)
  })

  it('checks the cross-field rules on the merged result', async () => {
    const { service } = setup()
    await service.create(body('org_a', { redirect_uri: 'http://localhost:3000/cb' }), 'ops')
    const problem = await problemOf(service.update('org_a', { environment: 'production' }, 'ops'))
    expect(problem.errors).toEqual([{ field: 'redirect_uri', message: expect.stringContaining('test environment') }])
  })

  it('honours If-Match: a stale ETag is a 412 and changes nothing', async () => {
    const { service } = setup()
    await service.create(body('org_a'), 'ops')
    await service.update('org_a', { client_id: 'two' }, 'ops', ifMatchPrecondition('"1"'))
    const stale = await problemOf(service.update('org_a', { client_id: 'three' }, 'ops', ifMatchPrecondition('"1"')))
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
    await service.create(body('org_a'), 'ops')
    store.losses = 4
    expect((await service.update('org_a', { client_id: 'won' }, 'ops')).record?.client_id).toBe('won')
    store.losses = 5
    const problem = await problemOf(service.update('org_a', { client_id: 'lost' }, 'ops'))
    expect([problem.status, problem.headers['retry-after']]).toEqual([503, '1'])
  })

  it('is a 404 for an unknown or deleted org', async () => {
    const { service } = setup()
    await service.create(body('org_a'), 'ops')
    await service.softDelete('org_a', 'ops')
    for (const orgId of ['org_a', 'org_nope', 'NOT AN ID']) {
      expect((await problemOf(service.update(orgId, { client_id: 'x' }, 'ops'))).status).toBe(404)
    }
  })
})

describe('OrgService.softDelete', () => {
  it('answers deleted_at, hides the org from reads and lists, and keeps its history', async () => {
    const { service } = setup()
    await service.create(body('org_a'), 'ops')
    await service.getLiveView('org_a') // warm the cache: the delete must drop it
    expect((await service.softDelete('org_a', 'ops')).body).toEqual({ org_id: 'org_a', deleted: true, deleted_at: '2026-03-26T10:00:00Z' })
    expect((await problemOf(service.getLiveView('org_a'))).status).toBe(404)
    expect((await service.list({ page: 1, limit: 20 })).pagination.total).toBe(0)
    expect((await service.history('org_a', 1, 20)).data.map((e) => e.action)).toEqual(['create', 'delete'])
    expect((await problemOf(service.softDelete('org_a', 'ops'))).status).toBe(404)
  })

  it('honours If-Match', async () => {
    const { service } = setup()
    await service.create(body('org_a'), 'ops')
    expect((await problemOf(service.softDelete('org_a', 'ops', ifMatchPrecondition('"7"')))).status).toBe(412)
    expect((await service.softDelete('org_a', 'ops', ifMatchPrecondition('"1"'))).body.deleted).toBe(true)
  })
})

describe('OrgService.list and history', () => {
  it('pages live orgs by created_at then org_id, filtered, with the total of all matches', async () => {
    const { service, advance } = setup()
    await service.create(body('org_z'), 'ops')
    advance(1_000)
    for (const id of ['org_b', 'org_a']) await service.create(body(id), 'ops')
    await service.create(body('org_off', { vipps_enabled: false }), 'ops')
    await service.create(body('org_prod', { environment: 'production' }), 'ops')
    const page = await service.list({ page: 1, limit: 2, vipps_enabled: true })
    expect(page.data.map((o) => o.org_id)).toEqual(['org_z', 'org_a'])
    expect(page.pagination).toEqual({ page: 1, limit: 2, total: 4 })
    expect((await service.list({ page: 3, limit: 2, vipps_enabled: true })).data).toEqual([])
    expect((await service.list({ page: 1, limit: 20, environment: 'production' })).data.map((o) => o.org_id)).toEqual(['org_prod'])
    expect((await service.list({ page: 1, limit: 20 })).pagination.total).toBe(5)
  })

  it('a write shows in the next list (cached pages are dropped)', async () => {
    const { service } = setup()
    await service.create(body('org_a'), 'ops')
    expect((await service.list({ page: 1, limit: 20 })).pagination.total).toBe(1)
    await service.create(body('org_b'), 'ops')
    expect((await service.list({ page: 1, limit: 20 })).pagination.total).toBe(2)
  })

  it('history is a 404 for an org_id that never existed', async () => {
    const { service } = setup()
    expect((await problemOf(service.history('org_never', 1, 20))).code).toBe('not_found')
  })
})
