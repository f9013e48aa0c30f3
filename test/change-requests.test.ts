import type { LightMyRequestResponse } from 'fastify'
import { expect, it } from 'vitest'
import { bearer } from './support/access.js'
import { BASE, describeEachStore, problemOf, queryDatabase, type TestApp, uniqueOrgId, validBody } from './support/app.js'

export const CR = '/api/v1/change-requests'

/** Two people with admin tokens (alice has two: the same actor whatever token she uses), an editor, a viewer. */
export const TOKENS = {
  alice: 'alice-token-0123456789abcdef',
  alice2: 'alice-second-token-0123456789',
  bob: 'bob-token-0123456789abcdef',
  carol: 'carol-token-0123456789abcdef'
}
export const APPROVAL_ENV = {
  APPROVALS: 'production',
  ADMIN_TOKENS: `alice:${TOKENS.alice},alice:${TOKENS.alice2},bob:${TOKENS.bob},carol:${TOKENS.carol}`
}
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
  },
  APPROVAL_ENV
)
