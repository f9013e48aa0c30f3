import { beforeAll, expect, it } from 'vitest'
import { ADMIN_TOKEN, bearer, type CreatedKey, createKey } from './support/access.js'
import { BASE, createOrg, describeEachStore, type TestApp, uniqueOrgId } from './support/app.js'

/**
 * Every operation of the OpenAPI document, tried with every kind of grant, against the role
 * table of api.md written out here on its own (not read from the code): a viewer cannot write,
 * an editor cannot manage keys or webhooks, a limited key cannot see or touch an org outside its
 * list. An operation this table does not know fails the test: a new route must say who may use it.
 */
type Need = 'orgs:read' | 'orgs:write' | 'events:read' | 'change_requests:read' | 'change_requests:decide' | 'webhooks:read' | 'webhooks:write' | 'api_keys:read' | 'api_keys:write' | 'authenticated' | 'none'

const NEEDS: Record<string, Need> = {
  getHealth: 'none',
  getReadiness: 'none',
  getMe: 'authenticated',
  listOrgs: 'orgs:read',
  getOrg: 'orgs:read',
  getOrgStatus: 'orgs:read',
  getOrgHistory: 'orgs:read',
  createOrg: 'orgs:write',
  batchCreateOrgs: 'orgs:write',
  updateOrg: 'orgs:write',
  deleteOrg: 'orgs:write',
  listEvents: 'events:read',
  listChangeRequests: 'change_requests:read',
  getChangeRequest: 'change_requests:read',
  approveChangeRequest: 'change_requests:decide',
  rejectChangeRequest: 'change_requests:decide',
  // Only the requester withdraws (checked on the request): any reader may ask.
  withdrawChangeRequest: 'change_requests:read',
  listWebhooks: 'webhooks:read',
  getWebhook: 'webhooks:read',
  listWebhookDeliveries: 'webhooks:read',
  createWebhook: 'webhooks:write',
  updateWebhook: 'webhooks:write',
  deleteWebhook: 'webhooks:write',
  rotateWebhookSecret: 'webhooks:write',
  sendWebhookTest: 'webhooks:write',
  listApiKeys: 'api_keys:read',
  getApiKey: 'api_keys:read',
  createApiKey: 'api_keys:write',
  revokeApiKey: 'api_keys:write'
}

const VIEWER = ['orgs:read', 'events:read', 'change_requests:read', 'webhooks:read']
const EDITOR = [...VIEWER, 'orgs:write', 'change_requests:decide']
const ADMIN = [...EDITOR, 'webhooks:write', 'api_keys:read', 'api_keys:write']
/** Webhooks and keys concern every org: a grant limited to some orgs has none of those rights. */
const ALL_ORGS = ['webhooks:read', 'webhooks:write', 'api_keys:read', 'api_keys:write']

interface Operation {
  id: string
  method: 'GET' | 'POST' | 'PUT' | 'DELETE'
  path: string
}

async function operationsOf(t: TestApp): Promise<Operation[]> {
  const doc = (await t.request({ method: 'GET', url: '/openapi.json' })).json() as { paths: Record<string, Record<string, { operationId: string }>> }
  return Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({ id: op.operationId, method: method.toUpperCase() as Operation['method'], path }))
  )
}

/** The operation's URL with its parameters filled: an org (given), and ids that do not exist. */
function urlOf(op: Operation, orgId: string): string {
  return op.path
    .replace('{org_id}', orgId)
    .replace('{id}', op.path.startsWith('/api/v1/webhooks') ? 'wh_AAAAAAAAAAAAAAAA' : op.path.startsWith('/api/v1/change-requests') ? 'cr_AAAAAAAAAAAAAAAA' : 'key_AAAAAAAAAAAAAAAA')
}

describeEachStore(
  'every operation of the OpenAPI document, by grant',
  (ctx) => {
    const tag = uniqueOrgId('w')
    const inside = `${tag}_in`
    const outside = `${tag}_out`
    const keys: Record<string, CreatedKey> = {}
    let operations: Operation[]

    beforeAll(async () => {
      operations = await operationsOf(ctx())
      await createOrg(ctx(), outside, {}, bearer(ADMIN_TOKEN))
      for (const role of ['viewer', 'editor', 'admin'] as const) keys[role] = await createKey(ctx(), { name: role, role })
      for (const role of ['viewer', 'editor'] as const) keys[`limited ${role}`] = await createKey(ctx(), { name: `limited-${role}`, role, org_ids: [inside] })
    })

    const send = (op: Operation, url: string, key?: CreatedKey, payload: unknown = {}) =>
      ctx().request({
        method: op.method,
        url,
        headers: key ? bearer(key.key) : {},
        ...(op.method === 'POST' || op.method === 'PUT' ? { payload: payload as object } : {})
      })

    it('the table knows every operation', () => {
      expect(operations.map((op) => op.id).filter((id) => !(id in NEEDS))).toEqual([])
      expect(operations.length).toBe(Object.keys(NEEDS).length)
    })

    it('each grant gets exactly what the role table gives it: the others are 403 naming the right', async () => {
      const wrong: string[] = []
      for (const [grant, key] of Object.entries(keys)) {
        const role = grant.replace('limited ', '')
        const rights = (role === 'viewer' ? VIEWER : role === 'editor' ? EDITOR : ADMIN).filter((r) => !grant.startsWith('limited') || !ALL_ORGS.includes(r))
        for (const op of operations) {
          const need = NEEDS[op.id]!
          // Requests that change nothing when let through: an empty body, ids that do not exist, an org within every list.
          const res = await send(op, urlOf(op, inside), key)
          const allowed = need === 'none' || need === 'authenticated' || rights.includes(need)
          const body = res.body ? (JSON.parse(res.body) as { code?: string; right?: string }) : {}
          const ok = allowed ? res.statusCode !== 401 && res.statusCode !== 403 : res.statusCode === 403 && body.code === 'forbidden' && body.right === need
          if (!ok) wrong.push(`${grant} ${op.method} ${op.path}: ${res.statusCode} ${res.body.slice(0, 120)}`)
        }
      }
      expect(wrong).toEqual([])
    })

    it('a request without a credential gets only the public reads; everything else is a 401', async () => {
      const wrong: string[] = []
      for (const op of operations) {
        const need = NEEDS[op.id]!
        const res = await send(op, urlOf(op, inside))
        const open = need === 'none' || need === 'orgs:read' || need === 'events:read'
        if (open ? res.statusCode === 401 || res.statusCode === 403 : res.statusCode !== 401) wrong.push(`${op.method} ${op.path}: ${res.statusCode}`)
        // A GET's HEAD (Fastify makes one for each) is held to the same right.
        if (op.method === 'GET') {
          const head = await ctx().request({ method: 'HEAD', url: urlOf(op, inside) })
          if ((head.statusCode === 401) !== (res.statusCode === 401)) wrong.push(`HEAD ${op.path}: ${head.statusCode} beside GET's ${res.statusCode}`)
        }
      }
      expect(wrong).toEqual([])
    })

    it('a limited key, on an org outside its list, gets 404 on every org operation (403 to create it) and never sees it in an answer', async () => {
      const before = (await ctx().request({ method: 'GET', url: `${BASE}/${outside}`, headers: bearer(ADMIN_TOKEN) })).json()
      for (const grant of ['limited viewer', 'limited editor']) {
        for (const op of operations) {
          const need = NEEDS[op.id]!
          if (!need.startsWith('orgs:') && need !== 'events:read') continue
          const editing = grant === 'limited editor' || need === 'orgs:read' || need === 'events:read'
          const create = { org_id: outside, client_id: 'c', client_secret_ref: 'vault://x', redirect_uri: 'https://e.com/cb' }
          const payload = op.id === 'createOrg' ? create : op.id === 'batchCreateOrgs' ? { orgs: [create] } : { vipps_enabled: false }
          const res = await send(op, `${urlOf(op, outside)}${op.id === 'listOrgs' ? '?vipps_enabled=any' : ''}`, keys[grant], payload)
          const where = `${grant} ${op.method} ${op.path}`
          if (!editing) expect(res.statusCode, where).toBe(403)
          else if (op.path.includes('{org_id}')) expect(res.statusCode, where).toBe(404)
          else if (op.id === 'createOrg') {
            expect([res.statusCode, res.json().code], where).toEqual([403, 'forbidden'])
            // The org it names was sent by the caller; the answer is the same whether it exists or not.
            const absent = `${tag}_absent`
            const other = await send(op, urlOf(op, outside), keys[grant], { ...payload, org_id: absent })
            expect(other.body.replaceAll(absent, '<id>'), where).toBe(res.body.replaceAll(outside, '<id>'))
            continue
          } else if (op.id === 'batchCreateOrgs') {
            // The batch answers 200; the item's slot is the create's 403, the same whether the org exists or not.
            expect([res.statusCode, res.json().results[0].status, res.json().results[0].problem.code], where).toEqual([200, 403, 'forbidden'])
            const absent = `${tag}_absent`
            const other = await send(op, urlOf(op, outside), keys[grant], { orgs: [{ ...create, org_id: absent }] })
            expect(other.body.replaceAll(absent, '<id>'), where).toBe(res.body.replaceAll(outside, '<id>'))
            continue
          } else expect(res.statusCode, where).toBe(200)
          // A problem's instance echoes the path asked for; nothing else may name the org.
          const { instance: _asked, ...answer } = (res.body ? JSON.parse(res.body) : {}) as Record<string, unknown>
          expect(JSON.stringify(answer).includes(outside) && res.statusCode !== 404, `${where} shows the org: ${res.body.slice(0, 200)}`).toBe(false)
        }
      }
      const after = (await ctx().request({ method: 'GET', url: `${BASE}/${outside}`, headers: bearer(ADMIN_TOKEN) })).json()
      expect(after).toEqual(before)
    })
  },
  { ADMIN_TOKENS: `root:${ADMIN_TOKEN}` }
)
