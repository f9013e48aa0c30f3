import { beforeAll, expect, it } from 'vitest'
import { loadConfig } from '../src/config.js'
import { openDatabase } from '../src/db/connect.js'
import { KyselyOrgStore } from '../src/orgs/kysely-store.js'
import { ADMIN_TOKEN, bearer, type CreatedKey, createKey, expectForbidden } from './support/access.js'
import { BASE, createOrg, describeEachStore, problemOf, uniqueOrgId } from './support/app.js'

/**
 * A grant limited to some orgs never learns that others exist (api.md "Roles and grants"): they
 * answer 404 exactly as absent orgs do, lists and their totals, the change feed and the history
 * hold only its orgs, and creating an org outside its list is a 403.
 */
const EVENTS = '/api/v1/events'

describeEachStore(
  'a grant limited to some orgs',
  (ctx) => {
    const tag = uniqueOrgId('g')
    const mine = [`${tag}_mine_1`, `${tag}_mine_2`]
    const notYet = `${tag}_mine_later`
    const others = [`${tag}_other_1`, `${tag}_other_2`]
    let viewer: CreatedKey
    let editor: CreatedKey
    const admin = bearer(ADMIN_TOKEN)

    beforeAll(async () => {
      for (const orgId of [...mine, ...others]) await createOrg(ctx(), orgId, { vipps_enabled: orgId.endsWith('2') ? false : true }, admin)
      await ctx().request({ method: 'PUT', url: `${BASE}/${others[0]}`, payload: { client_id: 'changed' }, headers: admin })
      viewer = await createKey(ctx(), { name: 'limited-viewer', role: 'viewer', org_ids: [...mine, notYet] })
      editor = await createKey(ctx(), { name: 'limited-editor', role: 'editor', org_ids: [...mine, notYet] })
      // Read by an unlimited reader first: the other orgs are in the read cache.
      for (const orgId of others) await ctx().request({ method: 'GET', url: `${BASE}/${orgId}/status` })
    })

    const get = (url: string, key: CreatedKey) => ctx().request({ method: 'GET', url, headers: bearer(key.key) })

    it('reads its own orgs', async () => {
      for (const key of [viewer, editor]) {
        expect((await get(`${BASE}/${mine[0]}`, key)).statusCode).toBe(200)
        expect((await get(`${BASE}/${mine[1]}/status`, key)).json()).toMatchObject({ org_id: mine[1], vipps_enabled: false })
        expect((await get(`${BASE}/${mine[0]}/history`, key)).json().pagination.total).toBe(1)
      }
    })

    it('another org answers 404 exactly as an absent one does: get, status, history, update, delete', async () => {
      const absent = `${tag}_absent`
      const answer = async (method: 'GET' | 'PUT' | 'DELETE', url: string, orgId: string) => {
        const res = await ctx().request({ method, url, headers: bearer(editor.key), ...(method === 'PUT' ? { payload: { vipps_enabled: true } } : {}) })
        const problem = problemOf(res, 404, 'not_found')
        return JSON.stringify({ ...problem, detail: problem.detail.replaceAll(orgId, '<id>'), instance: (problem as { instance?: string }).instance?.replaceAll(orgId, '<id>') })
      }
      for (const [method, suffix] of [['GET', ''], ['GET', '/status'], ['GET', '/history'], ['PUT', ''], ['DELETE', '']] as const) {
        const seen = new Set<string>()
        for (const orgId of [...others, absent]) seen.add(await answer(method, `${BASE}/${orgId}${suffix}`, orgId))
        expect([...seen], `${method} ${suffix}`).toHaveLength(1)
      }
      const unchanged = (await ctx().request({ method: 'GET', url: `${BASE}/${others[0]}`, headers: admin })).json()
      expect(unchanged).toMatchObject({ client_id: 'changed' })
      expect((await ctx().request({ method: 'GET', url: `${BASE}/${others[1]}/status` })).statusCode).toBe(200)
    })

    it('guessing org ids: every guess, existing or not, gets the same answer', async () => {
      const guesses = [...others, ...Array.from({ length: 8 }, (_, i) => `${tag}_guess_${i}`), 'org_a', 'klinikk']
      const answers = new Set<string>()
      for (const guess of guesses) {
        for (const suffix of ['', '/status']) {
          const res = await get(`${BASE}/${guess}${suffix}`, viewer)
          expect(res.statusCode).toBe(404)
          answers.add(`${res.headers['content-type']} ${res.body.replaceAll(guess, '<id>')} ${res.headers.etag ?? ''}`)
        }
      }
      expect(answers.size).toBe(2)
    })

    it('lists and their totals hold only its orgs, with every filter and search, on every page', async () => {
      const list = async (query: string) => (await get(`${BASE}?${query}`, viewer)).json()
      expect((await list('vipps_enabled=any')).pagination.total).toBe(2)
      expect((await list('vipps_enabled=any')).data.map((o: { org_id: string }) => o.org_id).sort()).toEqual([...mine].sort())
      expect((await list('')).data.map((o: { org_id: string }) => o.org_id)).toEqual([mine[0]])
      expect((await list('vipps_enabled=false')).data.map((o: { org_id: string }) => o.org_id)).toEqual([mine[1]])
      expect((await list(`q=${tag}&vipps_enabled=any`)).pagination.total).toBe(2)
      expect((await list(`q=${tag}_other&vipps_enabled=any`)).pagination).toMatchObject({ total: 0 })
      expect((await list('vipps_enabled=any&limit=1&page=2')).data).toHaveLength(1)
      expect((await list('vipps_enabled=any&limit=1&page=3')).data).toEqual([])
      // An unlimited reader sees them all (and was answered from the same cache).
      expect((await ctx().request({ method: 'GET', url: `${BASE}?q=${tag}&vipps_enabled=any` })).json().pagination.total).toBe(4)
      expect((await list('vipps_enabled=any')).pagination.total).toBe(2)
    })

    it('the store pages in SQL among its orgs too (while the in-memory index cannot answer)', async () => {
      const config = loadConfig({ DATABASE_URL: ctx().databaseUrl, LOG_LEVEL: 'silent' })
      const database = openDatabase(config, { warn: () => undefined })
      try {
        const store = new KyselyOrgStore(database.db)
        const page = await store.list({ offset: 0, limit: 10, orgIds: [...mine, notYet, 'org_none'] })
        expect(page.total).toBe(2)
        expect(page.items.map((o) => o.org_id).sort()).toEqual([...mine].sort())
        expect(await store.list({ offset: 0, limit: 10, orgIds: [] })).toEqual({ items: [], total: 0 })
      } finally {
        await database.close()
      }
    })

    it('the change feed holds only its orgs’ events; asking for another org is an empty page', async () => {
      const feed = (await get(`${EVENTS}?limit=1000`, viewer)).json()
      const orgs = new Set(feed.data.map((e: { org_id: string }) => e.org_id))
      expect([...orgs].sort()).toEqual([...mine].sort())
      const other = (await get(`${EVENTS}?org_id=${others[0]}`, viewer)).json()
      expect(other.data).toEqual([])
      const all = (await ctx().request({ method: 'GET', url: `${EVENTS}?org_id=${others[0]}` })).json()
      expect(all.data).toHaveLength(2)
    })

    it('creating an org outside its list is a 403; inside it, the editor creates, changes and deletes', async () => {
      const outside = `${tag}_outside`
      const res = await ctx().request({ method: 'POST', url: BASE, payload: { org_id: outside, client_id: 'c', client_secret_ref: 'vault://x', redirect_uri: 'https://e.com/cb' }, headers: bearer(editor.key) })
      expectForbidden(res, 'orgs:write')
      problemOf(await ctx().request({ method: 'GET', url: `${BASE}/${outside}`, headers: admin }), 404, 'not_found')
      await createOrg(ctx(), notYet, {}, bearer(editor.key))
      expect((await ctx().request({ method: 'PUT', url: `${BASE}/${notYet}`, payload: { vipps_enabled: false }, headers: bearer(editor.key) })).statusCode).toBe(200)
      expect((await ctx().request({ method: 'DELETE', url: `${BASE}/${notYet}`, headers: bearer(editor.key) })).statusCode).toBe(200)
      const history = (await get(`${BASE}/${notYet}/history`, viewer)).json()
      expect(history.data.map((e: { actor: { name: string } }) => e.actor.name)).toEqual(['limited-editor', 'limited-editor', 'limited-editor'])
    })

    it('a limited viewer may not write its own orgs; a limited grant reads no webhooks', async () => {
      expectForbidden(await ctx().request({ method: 'PUT', url: `${BASE}/${mine[0]}`, payload: { vipps_enabled: false }, headers: bearer(viewer.key) }), 'orgs:write')
      expectForbidden(await get('/api/v1/webhooks', viewer), 'webhooks:read')
      expectForbidden(await get('/api/v1/webhooks', editor), 'webhooks:read')
    })

    it('GET /api/v1/me shows the list', async () => {
      expect((await get('/api/v1/me', viewer)).json()).toMatchObject({ role: 'viewer', org_ids: [...mine, notYet] })
    })
  },
  { ADMIN_TOKENS: `root:${ADMIN_TOKEN}` }
)

