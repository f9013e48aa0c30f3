import type { LightMyRequestResponse } from 'fastify'
import { expect, it } from 'vitest'
import { bearer } from './support/access.js'
import { APPROVAL_ENV, CR, TOKENS } from './support/approvals.js'
import { BASE, describeEachStore, problemOf, queryDatabase, type TestApp, uniqueOrgId, validBody, within } from './support/app.js'
import { startReceiver } from './support/webhook-receiver.js'

const as = (who: keyof typeof TOKENS) => bearer(TOKENS[who])

/** A live org made without four eyes: a test org, then moved to production by an approved request. */
async function productionOrg(t: TestApp, orgId = uniqueOrgId('cr')): Promise<string> {
  const asked = await t.request({ method: 'POST', url: BASE, payload: validBody(orgId), headers: as('alice') })
  expect(asked.statusCode, asked.body).toBe(202)
  const approved = await t.request({ method: 'POST', url: `${CR}/${asked.json().id}/approve`, payload: {}, headers: as('bob') })
  expect(approved.statusCode, approved.body).toBe(200)
  return orgId
}

const put = (t: TestApp, orgId: string, payload: object, who: keyof typeof TOKENS = 'alice', headers: Record<string, string> = {}) =>
  t.request({ method: 'PUT', url: `${BASE}/${orgId}`, payload, headers: { ...as(who), ...headers } })
const get = (t: TestApp, url: string, who: keyof typeof TOKENS = 'carol') => t.request({ method: 'GET', url, headers: as(who) })
const approve = (t: TestApp, id: string, who: keyof typeof TOKENS = 'bob', payload: object = {}) =>
  t.request({ method: 'POST', url: `${CR}/${id}/approve`, payload, headers: as(who) })

function json(res: LightMyRequestResponse) {
  return res.json() as Record<string, any>
}

describeEachStore(
  'four eyes: /api/v1/change-requests',
  (ctx) => {
    it('a held update answers 202 with the request and its Location; the org is unchanged until a second person approves', async () => {
      const t = ctx()
      const orgId = await productionOrg(t)
      const before = await get(t, `${BASE}/${orgId}`)
      const res = await put(t, orgId, { redirect_uri: 'https://evil.example/cb' })
      expect(res.statusCode, res.body).toBe(202)
      const request = json(res)
      expect(res.headers.location).toBe(`${CR}/${request.id}`)
      expect(request).toMatchObject({
        org_id: orgId,
        operation: 'update',
        changes: { redirect_uri: { from: 'myapp://vipps-callback', to: 'https://evil.example/cb' } },
        base_version: 1,
        state: 'pending',
        requested_by: { type: 'token', id: 'alice', name: 'alice' }
      })
      expect(Date.parse(request.expires_at) - Date.parse(request.requested_at)).toBe(168 * 3_600_000)
      expect((await get(t, `${BASE}/${orgId}`)).body).toBe(before.body)
      const approved = await approve(t, request.id, 'bob', { comment: 'checked with the vendor' })
      expect(approved.statusCode, approved.body).toBe(200)
      expect(json(approved)).toMatchObject({ id: request.id, state: 'approved', decided_by: { id: 'bob' }, comment: 'checked with the vendor' })
      expect(json(await get(t, `${BASE}/${orgId}`)).redirect_uri).toBe('https://evil.example/cb')
      const history = json(await get(t, `${BASE}/${orgId}/history`)).data
      expect(history.at(-1)).toMatchObject({ version: 2, action: 'update', actor: { id: 'alice' }, approved_by: { id: 'bob' } })
    })

    it('a held change is invisible to every read path until approved: GET, status, lists, history, the feed', async () => {
      const t = ctx()
      const orgId = await productionOrg(t)
      const urls = [`${BASE}/${orgId}`, `${BASE}/${orgId}/status`, `${BASE}/${orgId}/history`, `${BASE}?q=${orgId}&vipps_enabled=any`]
      // Read each once first, so the caches hold them.
      const before = await Promise.all(urls.map(async (url) => (await get(t, url)).body))
      const feedEnd = json(await get(t, `/api/v1/events?after=now`)).next_cursor
      const res = await put(t, orgId, { client_id: 'someone-else', scopes: ['openid', 'nin'] })
      expect(res.statusCode, res.body).toBe(202)
      for (const [i, url] of urls.entries()) expect((await get(t, url)).body, url).toBe(before[i])
      const feed = json(await get(t, `/api/v1/events?after=${feedEnd}&org_id=${orgId}`)).data
      expect(feed.filter((e: { type: string }) => e.type.startsWith('vipps_org.'))).toEqual([])
      const approved = await approve(t, json(res).id)
      expect(approved.statusCode, approved.body).toBe(200)
      expect(json(await get(t, `${BASE}/${orgId}`))).toMatchObject({ client_id: 'someone-else', scopes: ['openid', 'nin'] })
      expect(json(await get(t, `${BASE}/${orgId}/status`))).toMatchObject({ client_id: 'someone-else' })
      const after = json(await get(t, `/api/v1/events?after=${feedEnd}&org_id=${orgId}&wait=5`)).data
      expect(after.find((e: { type: string }) => e.type === 'vipps_org.updated')).toMatchObject({ version: 2, actor: { id: 'alice' } })
    })

    it('creating a production org is held (base_version 0); a test org and the kill switch alone are not', async () => {
      const t = ctx()
      const orgId = uniqueOrgId('cr')
      const asked = await t.request({ method: 'POST', url: BASE, payload: validBody(orgId), headers: as('alice') })
      expect(asked.statusCode, asked.body).toBe(202)
      expect(json(asked)).toMatchObject({ operation: 'create', base_version: 0, state: 'pending' })
      expect((await get(t, `${BASE}/${orgId}`)).statusCode).toBe(404)
      // A create asked while one waits: another request; a live org: 409 already_exists.
      expect((await approve(t, json(asked).id)).statusCode).toBe(200)
      expect((await get(t, `${BASE}/${orgId}`)).statusCode).toBe(200)
      problemOf(await t.request({ method: 'POST', url: BASE, payload: validBody(orgId), headers: as('alice') }), 409, 'already_exists')
      const testOrg = uniqueOrgId('cr')
      const direct = await t.request({
        method: 'POST',
        url: BASE,
        payload: validBody(testOrg, { environment: 'test' }),
        headers: as('alice')
      })
      expect(direct.statusCode, direct.body).toBe(201)
      expect((await put(t, testOrg, { client_id: 'another' })).statusCode).toBe(200)
      // The kill switch acts at once; turning the org on again waits.
      expect((await put(t, orgId, { vipps_enabled: false })).statusCode).toBe(200)
      expect(json(await get(t, `${BASE}/${orgId}/status`)).vipps_enabled).toBe(false)
      expect((await put(t, orgId, { vipps_enabled: true })).statusCode).toBe(202)
      // The kill switch with a held field is held as a whole.
      expect((await put(t, orgId, { vipps_enabled: false, redirect_uri: 'https://x.example/cb' })).statusCode).toBe(202)
      // Moving a test org to production is held.
      expect((await put(t, testOrg, { environment: 'production', redirect_uri: 'https://ok.example/cb' })).statusCode).toBe(202)
    })

    it('deleting a production org is held; approved, the org is gone and a request for it is refused with 404', async () => {
      const t = ctx()
      const orgId = await productionOrg(t)
      const asked = await t.request({ method: 'DELETE', url: `${BASE}/${orgId}`, headers: as('alice') })
      expect(asked.statusCode, asked.body).toBe(202)
      expect(json(asked)).toMatchObject({ operation: 'delete', base_version: 1, changes: { client_id: { from: 'vipps-client-new001', to: null } } })
      expect((await get(t, `${BASE}/${orgId}`)).statusCode).toBe(200)
      expect((await approve(t, json(asked).id)).statusCode).toBe(200)
      expect((await get(t, `${BASE}/${orgId}`)).statusCode).toBe(404)
      problemOf(await put(t, orgId, { client_id: 'again' }), 404, 'not_found')
      expect(json(await get(t, `${CR}?org_id=${orgId}&state=all`)).data.map((r: { operation: string }) => r.operation)).toEqual(['delete', 'create'])
    })

    it('any change to the org makes its older pending requests stale: approving one answers 409 change_request_stale, nothing applied', async () => {
      const t = ctx()
      const orgId = await productionOrg(t)
      const first = json(await put(t, orgId, { client_id: 'first' }))
      const second = json(await put(t, orgId, { client_id: 'second' }))
      expect(json(await get(t, `${CR}?org_id=${orgId}`)).data.map((r: { id: string }) => r.id)).toEqual([second.id, first.id])
      // The kill switch applies at once, and both requests are now stale.
      expect((await put(t, orgId, { vipps_enabled: false })).statusCode).toBe(200)
      expect(json(await get(t, `${CR}?org_id=${orgId}`)).data).toEqual([])
      expect(json(await get(t, `${CR}/${first.id}`)).state).toBe('stale')
      problemOf(await approve(t, first.id), 409, 'change_request_stale')
      problemOf(await t.request({ method: 'POST', url: `${CR}/${second.id}/reject`, payload: { reason: 'late' }, headers: as('bob') }), 409, 'change_request_closed')
      expect(json(await get(t, `${BASE}/${orgId}`))).toMatchObject({ client_id: 'vipps-client-new001', vipps_enabled: false })
    })

    it('a request the org moved past without marking it (an older release wrote) is found stale on approval', async () => {
      const t = ctx()
      const orgId = await productionOrg(t)
      const request = json(await put(t, orgId, { client_id: 'late' }))
      await queryDatabase(t.databaseUrl, 'update vipps_org_configs set version = version + 1 where org_id = ? and deleted_at is null', [orgId])
      problemOf(await approve(t, request.id), 409, 'change_request_stale')
      expect(json(await get(t, `${CR}/${request.id}`)).state).toBe('stale')
      expect(json(await get(t, `${BASE}/${orgId}`)).client_id).toBe('vipps-client-new001')
    })

    it('the requester can never decide their own request, whatever token they use; only they withdraw', async () => {
      const t = ctx()
      const orgId = await productionOrg(t)
      const request = json(await put(t, orgId, { redirect_uri: 'https://mine.example/cb' }))
      problemOf(await approve(t, request.id, 'alice'), 403, 'self_approval')
      problemOf(await approve(t, request.id, 'alice2'), 403, 'self_approval')
      problemOf(await t.request({ method: 'POST', url: `${CR}/${request.id}/reject`, payload: { reason: 'no' }, headers: as('alice2') }), 403, 'self_approval')
      expect(json(await get(t, `${BASE}/${orgId}`)).redirect_uri).toBe('myapp://vipps-callback')
      problemOf(await t.request({ method: 'DELETE', url: `${CR}/${request.id}`, headers: as('bob') }), 403, 'forbidden')
      const withdrawn = await t.request({ method: 'DELETE', url: `${CR}/${request.id}`, headers: as('alice2') })
      expect(withdrawn.statusCode, withdrawn.body).toBe(200)
      expect(json(withdrawn)).toMatchObject({ state: 'withdrawn', decided_by: { id: 'alice' } })
      problemOf(await t.request({ method: 'DELETE', url: `${CR}/${request.id}`, headers: as('alice') }), 409, 'change_request_closed')
      problemOf(await approve(t, request.id), 409, 'change_request_closed')
      expect(json(await get(t, `${BASE}/${orgId}`)).redirect_uri).toBe('myapp://vipps-callback')
    })

    it('an API key counts as its owner (the root of the keys that made it): nobody approves with their own keys what they asked, nor in person what their key asked', async () => {
      const t = ctx()
      const orgId = await productionOrg(t)
      const keyOf = async (who: keyof typeof TOKENS) => {
        const made = await t.request({ method: 'POST', url: '/api/v1/api-keys', payload: { name: `${who}-key`, role: 'admin' }, headers: as(who) })
        expect(made.statusCode, made.body).toBe(201)
        return bearer(json(made).key as string)
      }
      const [aliceKey, bobKey] = [await keyOf('alice'), await keyOf('bob')]
      // A key made by alice's key answers to alice too (the root of the chain, not the key that made it).
      const chained = await t.request({ method: 'POST', url: '/api/v1/api-keys', payload: { name: 'alice-key-of-key', role: 'editor' }, headers: aliceKey })
      expect(chained.statusCode, chained.body).toBe(201)
      expect(json(chained).created_by).toMatchObject({ type: 'api_key', name: 'alice-key' })
      const aliceKeyOfKey = bearer(json(chained).key as string)
      // Alice asks in person: her key may not approve it.
      const asked = json(await put(t, orgId, { redirect_uri: 'https://alice.example/cb' }))
      problemOf(await t.request({ method: 'POST', url: `${CR}/${asked.id}/approve`, payload: {}, headers: aliceKey }), 403, 'self_approval')
      problemOf(await t.request({ method: 'POST', url: `${CR}/${asked.id}/approve`, payload: {}, headers: aliceKeyOfKey }), 403, 'self_approval')
      // The key of her key asks: neither she nor her first key may approve it.
      const byKeyOfKey = await t.request({ method: 'PUT', url: `${BASE}/${orgId}`, payload: { client_id: 'asked-by-a-key-of-a-key' }, headers: aliceKeyOfKey })
      expect(byKeyOfKey.statusCode, byKeyOfKey.body).toBe(202)
      problemOf(await approve(t, json(byKeyOfKey).id, 'alice'), 403, 'self_approval')
      problemOf(await t.request({ method: 'POST', url: `${CR}/${json(byKeyOfKey).id}/approve`, payload: {}, headers: aliceKey }), 403, 'self_approval')
      expect((await t.request({ method: 'DELETE', url: `${CR}/${json(byKeyOfKey).id}`, headers: aliceKeyOfKey })).statusCode).toBe(200)
      // Her key asks: she may not approve it in person (nor with another of her tokens); bob's key may.
      const byKey = await t.request({ method: 'PUT', url: `${BASE}/${orgId}`, payload: { client_id: 'asked-by-a-key' }, headers: aliceKey })
      expect(byKey.statusCode, byKey.body).toBe(202)
      expect(json(byKey).requested_by).toMatchObject({ type: 'api_key', name: 'alice-key' })
      expect(json(byKey)).not.toHaveProperty('requested_by_made_by_id')
      problemOf(await approve(t, json(byKey).id, 'alice'), 403, 'self_approval')
      problemOf(await approve(t, json(byKey).id, 'alice2'), 403, 'self_approval')
      const approved = await t.request({ method: 'POST', url: `${CR}/${json(byKey).id}/approve`, payload: {}, headers: bobKey })
      expect(approved.statusCode, approved.body).toBe(200)
      expect(json(await get(t, `${BASE}/${orgId}`)).client_id).toBe('asked-by-a-key')
    })

    it('reject takes a reason of 1–500 characters; the request is closed after, nothing applied', async () => {
      const t = ctx()
      const orgId = await productionOrg(t)
      const request = json(await put(t, orgId, { scopes: ['openid', 'nin'] }))
      const reject = (payload: object) => t.request({ method: 'POST', url: `${CR}/${request.id}/reject`, payload, headers: as('bob') })
      problemOf(await reject({ reason: 'x'.repeat(501) }), 400, 'validation_failed')
      problemOf(await reject({ reason: '' }), 400, 'validation_failed')
      problemOf(await reject({}), 400, 'validation_failed')
      problemOf(await approve(t, request.id, 'bob', { comment: 'y'.repeat(501) }), 400, 'validation_failed')
      expect(json(await get(t, `${CR}/${request.id}`)).state).toBe('pending')
      const rejected = await reject({ reason: 'nin is not needed' })
      expect(rejected.statusCode, rejected.body).toBe(200)
      expect(json(rejected)).toMatchObject({ state: 'rejected', reason: 'nin is not needed', decided_by: { id: 'bob' } })
      problemOf(await approve(t, request.id), 409, 'change_request_closed')
      problemOf(await reject({ reason: 'again' }), 409, 'change_request_closed')
      expect(json(await get(t, `${BASE}/${orgId}`)).scopes).toEqual(['openid', 'phoneNumber'])
    })

    it('unknown requests are 404; an expired one is closed and never listed as pending', async () => {
      const t = ctx()
      problemOf(await get(t, `${CR}/cr_00000000000000000000`), 404, 'not_found')
      problemOf(await approve(t, 'cr_00000000000000000000'), 404, 'not_found')
      problemOf(await t.request({ method: 'DELETE', url: `${CR}/nothing`, headers: as('alice') }), 404, 'not_found')
      // A NUL byte (PostgreSQL refuses it as a parameter) or any text not of an id's form: 404, never a 500.
      for (const id of ['cr_0000000000%000000000', 'a%00b', 'CR_00000000000000000000']) {
        problemOf(await get(t, `${CR}/${id}`), 404, 'not_found')
        problemOf(await approve(t, id), 404, 'not_found')
        problemOf(await t.request({ method: 'POST', url: `${CR}/${id}/reject`, payload: { reason: 'x' }, headers: as('bob') }), 404, 'not_found')
        problemOf(await t.request({ method: 'DELETE', url: `${CR}/${id}`, headers: as('alice') }), 404, 'not_found')
      }
      const orgId = await productionOrg(t)
      const request = json(await put(t, orgId, { client_id: 'too-late' }))
      await queryDatabase(t.databaseUrl, 'update change_requests set expires_at = ? where id = ?', ['2020-01-01T00:00:00Z', request.id])
      expect(json(await get(t, `${CR}?org_id=${orgId}`)).data).toEqual([])
      expect(json(await get(t, `${CR}?org_id=${orgId}&state=expired`)).data.map((r: { id: string }) => r.id)).toEqual([request.id])
      problemOf(await approve(t, request.id), 409, 'change_request_closed')
      expect(json(await get(t, `${CR}/${request.id}`))).toMatchObject({ state: 'expired', decided_at: '2020-01-01T00:00:00Z' })
      expect(json(await get(t, `${BASE}/${orgId}`)).client_id).toBe('vipps-client-new001')
      problemOf(await get(t, `${CR}?state=open`), 400, 'validation_failed')
    })

    it('a grant limited to some orgs sees and decides only their requests (others: 404); a viewer cannot decide', async () => {
      const t = ctx()
      const mine = await productionOrg(t)
      const foreign = await productionOrg(t)
      const own = json(await put(t, mine, { client_id: 'mine-new' }))
      const other = json(await put(t, foreign, { client_id: 'foreign-new' }))
      const key = (role: string) =>
        t.request({ method: 'POST', url: '/api/v1/api-keys', payload: { name: `limited-${role}`, role, org_ids: [mine] }, headers: as('carol') })
      const editor = json(await key('editor')).key as string
      const viewer = json(await key('viewer')).key as string
      const list = json(await t.request({ method: 'GET', url: `${CR}?state=all`, headers: bearer(editor) })).data
      expect(list.map((r: { org_id: string }) => r.org_id)).toContain(mine)
      expect(list.map((r: { org_id: string }) => r.org_id)).not.toContain(foreign)
      problemOf(await t.request({ method: 'GET', url: `${CR}/${other.id}`, headers: bearer(editor) }), 404, 'not_found')
      problemOf(await t.request({ method: 'POST', url: `${CR}/${other.id}/approve`, payload: {}, headers: bearer(editor) }), 404, 'not_found')
      expect(json(await get(t, `${BASE}/${foreign}`)).client_id).toBe('vipps-client-new001')
      const viewerApproves = await t.request({ method: 'POST', url: `${CR}/${own.id}/approve`, payload: {}, headers: bearer(viewer) })
      expect(viewerApproves.statusCode).toBe(403)
      const approved = await t.request({ method: 'POST', url: `${CR}/${own.id}/approve`, payload: {}, headers: bearer(editor) })
      expect(approved.statusCode, approved.body).toBe(200)
      expect(json(await get(t, `${BASE}/${mine}`)).client_id).toBe('mine-new')
    })

    it('the feed carries change_request.created, .approved, .rejected, .withdrawn beside the org’s own event, in commit order', async () => {
      const t = ctx()
      const orgId = await productionOrg(t)
      const start = json(await get(t, `/api/v1/events?after=now`)).next_cursor
      const approvedOne = json(await put(t, orgId, { client_id: 'via-feed' }))
      await approve(t, approvedOne.id)
      const rejectedOne = json(await put(t, orgId, { client_id: 'rejected' }))
      await t.request({ method: 'POST', url: `${CR}/${rejectedOne.id}/reject`, payload: { reason: 'no' }, headers: as('bob') })
      const withdrawnOne = json(await put(t, orgId, { client_id: 'withdrawn' }))
      await t.request({ method: 'DELETE', url: `${CR}/${withdrawnOne.id}`, headers: as('alice') })
      // `now` may stand before the org's first events (PostgreSQL shows events once every older
      // transaction has ended): keep this test's requests and the update they made.
      const ids = new Set([approvedOne.id, rejectedOne.id, withdrawnOne.id])
      const mine = (e: Record<string, any>) => (e.change_request ? ids.has(e.change_request.id) : e.type === 'vipps_org.updated')
      const events: Record<string, any>[] = []
      let cursor = start
      while (events.length < 7) {
        const page = json(await get(t, `/api/v1/events?after=${cursor}&org_id=${orgId}&wait=5`))
        if (page.data.length === 0) break
        events.push(...page.data.filter(mine))
        cursor = page.next_cursor
      }
      expect(events.map((e) => e.type)).toEqual([
        'change_request.created',
        'vipps_org.updated',
        'change_request.approved',
        'change_request.created',
        'change_request.rejected',
        'change_request.created',
        'change_request.withdrawn'
      ])
      expect(events[0]).toMatchObject({ org_id: orgId, actor: { id: 'alice' }, change_request: { id: approvedOne.id, state: 'pending' }, changes: { client_id: { to: 'via-feed' } } })
      expect(events[0]!.version).toBeUndefined()
      expect(events[1]).toMatchObject({ version: 2, actor: { id: 'alice' } })
      expect(events[2]).toMatchObject({ actor: { id: 'bob' }, change_request: { id: approvedOne.id, state: 'approved', decided_by: { id: 'bob' } } })
      expect(events[4]).toMatchObject({ actor: { id: 'bob' }, change_request: { state: 'rejected', reason: 'no' } })
      expect(events[6]).toMatchObject({ actor: { id: 'alice' }, change_request: { state: 'withdrawn' } })
      // Every cursor is distinct and the whole feed reads in the same order without the org filter.
      expect(new Set(events.map((e) => e.id)).size).toBe(7)
      const all = json(await get(t, `/api/v1/events?after=${start}&limit=1000`)).data.filter((e: Record<string, any>) => e.org_id === orgId && mine(e))
      expect(all.map((e: { id: string }) => e.id)).toEqual(events.map((e) => e.id))
    })

    it('/metrics counts the pending requests and the age of the oldest', async () => {
      const t = ctx()
      const value = async (name: string) => {
        const text = (await t.request({ method: 'GET', url: '/metrics' })).body
        const line = text.split('\n').find((l) => l.startsWith(`${name} `))
        return Number(line?.split(' ')[1])
      }
      const orgId = await productionOrg(t)
      const before = await value('vipps_orgs_change_requests_pending')
      const request = json(await put(t, orgId, { client_id: 'metered' }))
      expect(await value('vipps_orgs_change_requests_pending')).toBe(before + 1)
      await queryDatabase(t.databaseUrl, 'update change_requests set requested_at = ? where id = ?', ['2000-01-01T00:00:00Z', request.id])
      expect(await value('vipps_orgs_change_requests_oldest_pending_age_seconds')).toBeGreaterThan(20 * 365 * 86_400)
      await approve(t, request.id)
      expect(await value('vipps_orgs_change_requests_pending')).toBe(before)
    })

    it('webhooks deliver change_request.* to an endpoint that names them; the default endpoint gets only the org’s events', async () => {
      const t = ctx()
      const receiver = await startReceiver()
      try {
        const hook = (event_types?: string[]) =>
          t.request({ method: 'POST', url: '/api/v1/webhooks', payload: { url: receiver.url, ...(event_types ? { event_types } : {}) }, headers: as('bob') })
        const named = json(await hook(['change_request.created', 'change_request.approved', 'vipps_org.updated']))
        const plain = json(await hook())
        expect(plain.event_types).toEqual(['vipps_org.created', 'vipps_org.updated', 'vipps_org.deleted'])
        const orgId = await productionOrg(t)
        const request = json(await put(t, orgId, { client_id: 'hooked' }))
        await approve(t, request.id)
        const mine = () => receiver.received.map((r) => JSON.parse(r.body) as { type: string; data: Record<string, any> }).filter((b) => b.data.org_id === orgId)
        await within(10_000, async () => mine().filter((b) => b.type === 'change_request.approved' && b.data.change_request.id === request.id).length === 1 && mine().filter((b) => b.type === 'vipps_org.updated').length === 2).catch((err) => {
          throw new Error(`${err}: ${JSON.stringify(mine().map((b) => b.type))} of ${receiver.received.length}`)
        })
        const created = mine().find((b) => b.type === 'change_request.created' && b.data.change_request.id === request.id)
        expect(created?.data).toMatchObject({ org_id: orgId, actor: { id: 'alice' }, change_request: { state: 'pending', changes: { client_id: { to: 'hooked' } } } })
        // Only the endpoint that named them got change_request.* events.
        const byHook = receiver.received.filter((r) => (JSON.parse(r.body) as { type: string }).type.startsWith('change_request.'))
        expect(byHook.length).toBeGreaterThan(0)
        expect(new Set(byHook.map((r) => r.headers['webhook-id'])).size).toBe(byHook.length)
        await t.request({ method: 'DELETE', url: `/api/v1/webhooks/${named.id}`, headers: as('bob') })
        await t.request({ method: 'DELETE', url: `/api/v1/webhooks/${plain.id}`, headers: as('bob') })
      } finally {
        await receiver.close()
      }
    })

    it('a held write under an Idempotency-Key asks once: a retry gets the same request again (202, Location, Idempotent-Replayed)', async () => {
      const t = ctx()
      const orgId = await productionOrg(t)
      const key = { 'idempotency-key': `retry-${orgId}` }
      const first = await put(t, orgId, { client_id: 'retried' }, 'alice', key)
      const again = await put(t, orgId, { client_id: 'retried' }, 'alice', key)
      expect([first.statusCode, again.statusCode]).toEqual([202, 202])
      expect(json(again).id).toBe(json(first).id)
      expect(again.headers.location).toBe(first.headers.location)
      expect(again.headers['idempotent-replayed']).toBe('true')
      problemOf(await put(t, orgId, { client_id: 'something-else' }, 'alice', key), 422, 'idempotency_key_reused')
      expect(json(await get(t, `${CR}?org_id=${orgId}`)).data).toHaveLength(1)
      const newOrg = uniqueOrgId('cr')
      const create = () => t.request({ method: 'POST', url: BASE, payload: validBody(newOrg), headers: { ...as('alice'), 'idempotency-key': `create-${newOrg}` } })
      const [a, b] = [await create(), await create()]
      expect([a.statusCode, b.statusCode, json(b).id]).toEqual([202, 202, json(a).id])
      expect(b.headers.location).toBe(`${CR}/${json(a).id}`)
    })
  },
  APPROVAL_ENV
)
