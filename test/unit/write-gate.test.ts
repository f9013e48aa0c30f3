import { describe, expect, it } from 'vitest'
import { isHeld } from '../../src/change-requests/holding-rule.js'
import { isoSeconds } from '../../src/clock.js'
import type { Principal } from '../../src/http/access/principal.js'
import { FakeOrgStore } from '../../src/orgs/fake-store.js'
import { OrgReadCache } from '../../src/orgs/read-cache.js'
import { OrgService } from '../../src/orgs/service.js'
import { type ChangeRequest, HeldForApproval, type ProposedWrite, type WriteGate } from '../../src/orgs/write-gate.js'

const person = (id: string): Principal => ({ actor: { type: 'user', id, name: `${id}@example.com` }, grant: { role: 'admin', orgIds: null }, expiresAt: null, via: 'bearer' })
const EDDIE = person('eddie')
const ADA = person('ada')

/** OrgService with a gate holding by the rule of api.md, on the in-memory store: what is held never reaches the store. */
function setup() {
  const store = new FakeOrgStore()
  const clock = () => isoSeconds(Date.parse('2026-03-26T10:00:00Z'))
  const service = new OrgService(store, new OrgReadCache({ max: 100, maxBytes: 1_000_000, ttlMs: 0 }), clock)
  const held: ProposedWrite[] = []
  const gate: WriteGate = {
    holds: (write) => isHeld({ ...(write.before ? { before: write.before } : {}), ...(write.after ? { after: write.after } : {}) }),
    hold: async (write, by) => {
      held.push(write)
      const body = { id: `cr_${held.length}`, org_id: write.orgId, operation: write.operation, changes: write.changes, base_version: write.before?.version ?? 0, state: 'pending', requested_by: by.actor, requested_at: clock(), expires_at: clock() } as ChangeRequest
      return { location: `/api/v1/change-requests/${body.id}`, body }
    },
    whileWriting: () => async () => {}
  }
  return { service, store, held, gate }
}

async function heldOf(promise: Promise<unknown>): Promise<HeldForApproval> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e
  )
  if (!(err instanceof HeldForApproval)) throw new Error(`expected HeldForApproval, got ${String(err)}`)
  return err
}

const orgBody = (orgId: string, environment: 'test' | 'production') => ({
  org_id: orgId,
  client_id: 'client-a',
  client_secret_ref: `vault://orgs/${orgId}`,
  redirect_uri: 'https://a.example/cb',
  environment
})

describe('the write gate on OrgService (fake store)', () => {
  it('without a gate every write applies (APPROVALS=off)', async () => {
    const { service, store } = setup()
    expect((await service.create(orgBody('org_p', 'production'), EDDIE)).status).toBe(201)
    expect((await service.update('org_p', { redirect_uri: 'https://b.example/cb' }, EDDIE)).status).toBe(200)
    expect((await store.findLive('org_p'))?.redirect_uri).toBe('https://b.example/cb')
  })

  it('held writes reach the gate with the change and never the store; the kill switch and test orgs go through', async () => {
    const { service, store, held, gate } = setup()
    await service.create(orgBody('org_t', 'test'), EDDIE)
    service.setWriteGate(gate)
    const create = await heldOf(service.create(orgBody('org_p', 'production'), EDDIE))
    expect(create.held).toMatchObject({ location: '/api/v1/change-requests/cr_1', body: { operation: 'create', base_version: 0 } })
    expect(await store.findLive('org_p')).toBeUndefined()
    expect((await service.update('org_t', { client_id: 'client-b' }, EDDIE)).status).toBe(200)
    const moved = await heldOf(service.update('org_t', { environment: 'production', redirect_uri: 'https://b.example/cb' }, EDDIE))
    expect(moved.held.body.changes).toEqual({ environment: { from: 'test', to: 'production' }, redirect_uri: { from: 'https://a.example/cb', to: 'https://b.example/cb' } })
    expect((await store.findLive('org_t'))).toMatchObject({ environment: 'test', client_id: 'client-b', version: 2 })
    expect(held.map((w) => w.operation)).toEqual(['create', 'update'])
  })

  it('an approved write applies at its base version only, naming the author and the approver', async () => {
    const { service, store, gate } = setup()
    service.setWriteGate(gate)
    const asked = await heldOf(service.create(orgBody('org_p', 'production'), EDDIE))
    const write = { operation: 'create' as const, orgId: 'org_p', baseVersion: 0, changes: asked.held.body.changes, requestedBy: EDDIE.actor }
    expect(await service.applyApproved(write, ADA.actor, async () => {})).toBe(true)
    // A second create at base 0 finds a live org: not applied.
    expect(await service.applyApproved(write, ADA.actor, async () => {})).toBe(false)
    const update = { operation: 'update' as const, orgId: 'org_p', baseVersion: 1, changes: { client_id: { from: 'client-a', to: 'client-z' } }, requestedBy: EDDIE.actor }
    expect(await service.applyApproved(update, ADA.actor, async () => {})).toBe(true)
    expect(await service.applyApproved(update, ADA.actor, async () => {})).toBe(false)
    expect((await store.findLive('org_p'))).toMatchObject({ client_id: 'client-z', version: 2 })
    const history = await store.history('org_p', 0, 10)
    expect(history.items.map((e) => [e.action, e.actor.id, e.approved_by?.id])).toEqual([
      ['create', 'eddie', 'ada'],
      ['update', 'eddie', 'ada']
    ])
  })
})
