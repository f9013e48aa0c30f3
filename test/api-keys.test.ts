import { createHash } from 'node:crypto'
import { expect, it } from 'vitest'
import { ADMIN_TOKEN, API_KEYS, bearer, createKey, expectForbidden, oneCharChanged } from './support/access.js'
import { BASE, createOrg, describeEachStore, fieldsOf, problemOf, queryDatabase, uniqueOrgId, validBody, within } from './support/app.js'

const ME = '/api/v1/me'
const ADMIN = { type: 'token', id: 'root', name: 'root' }
let addresses = 0
const nextAddress = () => `10.42.${Math.floor(++addresses / 250)}.${(addresses % 250) + 1}`

describeEachStore(
  '/api/v1/api-keys',
  (ctx) => {
    const me = (key: string) => ctx().request({ method: 'GET', url: ME, headers: bearer(key), remoteAddress: nextAddress() })

    it('POST creates a key, shown once: vok_ and 43 base64url characters, its prefix, who made it; Location; not cached', async () => {
      const res = await ctx().request({ method: 'POST', url: API_KEYS, payload: { name: 'billing-backend', role: 'editor' }, headers: bearer(ADMIN_TOKEN) })
      expect(res.statusCode).toBe(201)
      const created = res.json()
      expect(Object.keys(created).sort()).toEqual(['created_at', 'created_by', 'expires_at', 'id', 'key', 'name', 'org_ids', 'prefix', 'role'])
      expect(created.key).toMatch(/^vok_[A-Za-z0-9_-]{43}$/)
      expect(Buffer.from(created.key.slice(4), 'base64url')).toHaveLength(32)
      expect(created.prefix).toBe(created.key.slice(4, 12))
      expect(created).toMatchObject({ name: 'billing-backend', role: 'editor', org_ids: null, expires_at: null, created_by: ADMIN })
      expect(created.id).toMatch(/^key_[A-Za-z0-9_-]{16}$/)
      expect(res.headers.location).toBe(`${API_KEYS}/${created.id}`)
      expect(res.headers['cache-control']).toBe('no-store')
      expect((await me(created.key)).json()).toEqual({
        actor: { type: 'api_key', id: created.id, name: 'billing-backend' },
        role: 'editor',
        org_ids: null,
        expires_at: null
      })
    })

    it('stores only the SHA-256 digest: the key is in no column of any row', async () => {
      const { id, key } = await createKey(ctx(), { name: 'stored', role: 'viewer' })
      const rows = await queryDatabase<Record<string, unknown>>(ctx().databaseUrl, 'select * from api_keys where id = ?', [id])
      expect(rows).toHaveLength(1)
      expect(JSON.stringify(rows)).not.toContain(key.slice(4))
      expect(rows[0]!.digest).toBe(createHash('sha256').update(key).digest('base64url'))
    })

    it('GET lists every key without key material; GET /:id shows one; an unknown id is a 404', async () => {
      const { id, key, prefix } = await createKey(ctx(), { name: 'listed', role: 'viewer' })
      const list = await ctx().request({ method: 'GET', url: API_KEYS, headers: bearer(ADMIN_TOKEN) })
      expect(list.statusCode).toBe(200)
      expect(list.body).not.toContain(key.slice(4))
      const item = list.json().data.find((k: { id: string }) => k.id === id)
      expect(Object.keys(item).sort()).toEqual(['created_at', 'created_by', 'expires_at', 'id', 'last_used_at', 'name', 'org_ids', 'prefix', 'revoked_at', 'role'])
      expect(item).toMatchObject({ prefix, revoked_at: null, last_used_at: null })
      const one = await ctx().request({ method: 'GET', url: `${API_KEYS}/${id}`, headers: bearer(ADMIN_TOKEN) })
      expect(one.json()).toEqual(item)
      problemOf(await ctx().request({ method: 'GET', url: `${API_KEYS}/key_nothing_here_000`, headers: bearer(ADMIN_TOKEN) }), 404, 'not_found')
    })

    it('last_used_at says the minute the key was last used, without a write per request', async () => {
      const { id, key } = await createKey(ctx(), { name: 'used', role: 'viewer' })
      for (let i = 0; i < 5; i++) expect((await me(key)).statusCode).toBe(200)
      const item = (await ctx().request({ method: 'GET', url: `${API_KEYS}/${id}`, headers: bearer(ADMIN_TOKEN) })).json()
      expect(item.last_used_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:00Z$/)
      expect(Date.now() - Date.parse(item.last_used_at)).toBeLessThan(61_000)
    })

    it('DELETE revokes: the key is refused at once, stays listed with revoked_at; again answers the same; unknown is a 404', async () => {
      const { id, key } = await createKey(ctx(), { name: 'revoked', role: 'admin' })
      expect((await me(key)).statusCode).toBe(200)
      const revoked = await ctx().request({ method: 'DELETE', url: `${API_KEYS}/${id}`, headers: bearer(ADMIN_TOKEN) })
      expect(revoked.statusCode).toBe(200)
      expect(revoked.json().revoked_at).toMatch(/Z$/)
      const refused = await me(key)
      problemOf(refused, 401, 'unauthorized')
      expect(refused.headers['www-authenticate']).toContain('invalid_token')
      problemOf(await ctx().request({ method: 'POST', url: BASE, payload: validBody(uniqueOrgId()), headers: bearer(key), remoteAddress: nextAddress() }), 401, 'unauthorized')
      const again = await ctx().request({ method: 'DELETE', url: `${API_KEYS}/${id}`, headers: bearer(ADMIN_TOKEN) })
      expect(again.json()).toEqual(revoked.json())
      const listed = (await ctx().request({ method: 'GET', url: API_KEYS, headers: bearer(ADMIN_TOKEN) })).json().data
      expect(listed.find((k: { id: string }) => k.id === id).revoked_at).toBe(revoked.json().revoked_at)
      problemOf(await ctx().request({ method: 'DELETE', url: `${API_KEYS}/key_nothing_here_000`, headers: bearer(ADMIN_TOKEN) }), 404, 'not_found')
    })

    it('a key with one character changed, cut short, or made up in the right shape is a 401', async () => {
      const { key } = await createKey(ctx(), { name: 'genuine', role: 'admin' })
      for (const at of [4, 12, 30, key.length - 1]) problemOf(await me(oneCharChanged(key, at)), 401, 'unauthorized')
      problemOf(await me(key.slice(0, -1)), 401, 'unauthorized')
      problemOf(await me(`${key}A`), 401, 'unauthorized')
      problemOf(await me(`vok_${'A'.repeat(43)}`), 401, 'unauthorized')
      problemOf(await me(key.toUpperCase()), 401, 'unauthorized')
      expect((await me(key)).statusCode).toBe(200)
    })

    it('an expired key is a 401: it works until its expires_at, and not after', async () => {
      const expiresAt = new Date(Date.now() + 2_000).toISOString()
      const { key, expires_at } = await createKey(ctx(), { name: 'short-lived', role: 'viewer', expires_at: expiresAt })
      expect(expires_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/)
      expect(Date.parse(expires_at!)).toBeLessThanOrEqual(Date.parse(expiresAt))
      const before = await me(key)
      if (Date.now() < Date.parse(expires_at!)) expect(before.json().expires_at).toBe(expires_at)
      await within(4_000, async () => (await me(key)).statusCode === 401, 100)
      expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(expires_at!))
    })

    it('refuses a bad request with a 400 naming each bad field, and makes no key', async () => {
      const count = async () => (await ctx().request({ method: 'GET', url: API_KEYS, headers: bearer(ADMIN_TOKEN) })).json().data.length
      const before = await count()
      const bad: [Record<string, unknown>, string[]][] = [
        [{ name: 'x', role: 'admin', org_ids: ['org_a'] }, ['org_ids']],
        [{ name: 'x', role: 'viewer', expires_at: '2020-01-01T00:00:00Z' }, ['expires_at']],
        [{ name: 'x', role: 'viewer', expires_at: 'tomorrow' }, ['expires_at']],
        [{ name: 'x', role: 'viewer', expires_at: '2999-02-30T00:00:00Z' }, ['expires_at']],
        [{ name: 'x', role: 'root' }, ['role']],
        [{ name: 'x', role: 'viewer', org_ids: [] }, ['org_ids']],
        [{ name: 'x', role: 'viewer', org_ids: ['Not An Org'] }, ['org_ids']],
        [{ name: 'x', role: 'viewer', org_ids: ['org_a', 'org_a'] }, ['org_ids']],
        [{ name: 'x', role: 'viewer', org_ids: Array.from({ length: 1001 }, (_, i) => `org_${i}`) }, ['org_ids']],
        [{ name: '', role: 'viewer' }, ['name']],
        [{ name: 'a\nb', role: 'viewer' }, ['name']],
        [{ role: 'viewer' }, ['name']],
        [{ name: 'x', role: 'viewer', key: 'vok_mine' }, ['key']],
        [{ name: 'x', role: 'viewer', scopes: ['all'] }, ['scopes']]
      ]
      for (const [payload, fields] of bad) {
        const problem = problemOf(await ctx().request({ method: 'POST', url: API_KEYS, payload, headers: bearer(ADMIN_TOKEN) }), 400, 'validation_failed')
        expect(fieldsOf(problem), JSON.stringify(payload)).toEqual(fields)
      }
      expect(await count()).toBe(before)
    })

    it('is for admins: an editor key may not create keys, a viewer key may not list them; an admin key may, and is their author', async () => {
      const editor = await createKey(ctx(), { name: 'an-editor', role: 'editor' })
      const viewer = await createKey(ctx(), { name: 'a-viewer', role: 'viewer' })
      const admin = await createKey(ctx(), { name: 'an-admin', role: 'admin' })
      expectForbidden(await ctx().request({ method: 'POST', url: API_KEYS, payload: { name: 'x', role: 'admin' }, headers: bearer(editor.key) }), 'api_keys:write')
      expectForbidden(await ctx().request({ method: 'GET', url: API_KEYS, headers: bearer(viewer.key) }), 'api_keys:read')
      expectForbidden(await ctx().request({ method: 'DELETE', url: `${API_KEYS}/${admin.id}`, headers: bearer(editor.key) }), 'api_keys:write')
      const made = await createKey(ctx(), { name: 'made-by-a-key', role: 'viewer' }, admin.key)
      expect(made.created_by).toEqual({ type: 'api_key', id: admin.id, name: 'an-admin' })
    })

    it('Idempotency-Key records are kept per actor, <type>:<id>: the same key from two credentials is two requests', async () => {
      const { id, key } = await createKey(ctx(), { name: 'retrier', role: 'editor' })
      const idempotency = `idem-${uniqueOrgId()}`
      const [first, second] = [uniqueOrgId(), uniqueOrgId()]
      const post = (orgId: string, token: string) =>
        ctx().request({ method: 'POST', url: BASE, payload: validBody(orgId), headers: { ...bearer(token), 'idempotency-key': idempotency } })
      expect((await post(first, key)).statusCode).toBe(201)
      expect((await post(second, ADMIN_TOKEN)).statusCode).toBe(201)
      const replay = await post(first, key)
      expect([replay.statusCode, replay.headers['idempotent-replayed']]).toEqual([201, 'true'])
      problemOf(await post(second, key), 422, 'idempotency_key_reused')
      const rows = await queryDatabase<{ actor: string }>(ctx().databaseUrl, 'select actor from idempotency_keys where key = ? order by actor', [idempotency])
      expect(rows.map((r) => r.actor)).toEqual([`api_key:${id}`, 'token:root'])
    })

    it('a key writes as itself: history and the change feed name it', async () => {
      const { id, key } = await createKey(ctx(), { name: 'provisioner', role: 'editor' })
      const orgId = uniqueOrgId()
      await createOrg(ctx(), orgId, {}, bearer(key))
      const author = { type: 'api_key', id, name: 'provisioner' }
      expect((await ctx().request({ method: 'GET', url: `${BASE}/${orgId}/history` })).json().data[0].actor).toEqual(author)
      expect((await ctx().request({ method: 'GET', url: `/api/v1/events?org_id=${orgId}` })).json().data[0].actor).toEqual(author)
    })
  },
  { ADMIN_TOKENS: `root:${ADMIN_TOKEN}` }
)
