import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createClient, type FeedEvent, ProblemError, type VippsOrgsClient } from '@vipps-orgs/client'
import { uniqueOrgId, within } from './support/app.js'
import { type ListeningApp, listenApp, type Proxy, startProxy } from './support/client-server.js'

/** The typed client against the real service over HTTP (SQLite; the client knows no store). */

const TOKEN = 'client-test-token'

function orgBody(orgId: string, overrides: Record<string, unknown> = {}) {
  return {
    org_id: orgId,
    client_id: 'vipps-client-new001',
    client_secret_ref: `vault://orgs/${orgId}/vipps_secret`,
    redirect_uri: 'myapp://vipps-callback',
    scopes: ['openid', 'phoneNumber'] as ('openid' | 'phoneNumber')[],
    environment: 'production' as const,
    ...overrides
  }
}

async function problemOf(promise: Promise<unknown>): Promise<ProblemError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e
  )
  if (!(err instanceof ProblemError)) throw new Error(`expected a ProblemError, got ${String(err)}`)
  return err
}

/** A fetch that records what went out and what came back. */
function recordingFetch() {
  const log: { method: string; url: string; headers: Headers; status: number }[] = []
  const fetch = async (request: Request) => {
    const headers = new Headers(request.headers)
    const response = await globalThis.fetch(request)
    log.push({ method: request.method, url: new URL(request.url).pathname, headers, status: response.status })
    return response
  }
  return { fetch, log }
}

describe('the typed client', () => {
  let server: ListeningApp
  let client: VippsOrgsClient
  beforeAll(async () => {
    server = await listenApp('sqlite', { ADMIN_TOKENS: `ops:${TOKEN}` })
    client = createClient({ baseUrl: server.base, token: TOKEN })
  })
  afterAll(async () => {
    await server?.close()
  })

  describe('orgs', () => {
    it('batchCreateOrgs: one result per item, in order, each created or failed alone', async () => {
      const [a, b] = [uniqueOrgId('clb'), uniqueOrgId('clb')]
      const results = await client.batchCreateOrgs([orgBody(a), orgBody(b, { redirect_uri: 'nope' }), orgBody(a)])
      expect(results.map((r) => [r.org_id, r.status])).toEqual([
        [a, 201],
        [b, 400],
        [a, 409]
      ])
      expect(results[0]).toMatchObject({ org: { org_id: a }, etag: '"1"' })
      expect(results[1]).toMatchObject({ problem: { code: 'validation_failed', errors: [{ field: 'redirect_uri' }] } })
      expect(await client.getOrg(a)).toMatchObject({ org_id: a })
    })

    it('creates, reads, lists, updates with If-Match, reads history and deletes', async () => {
      const id = uniqueOrgId('cl')
      expect(await client.createOrg(orgBody(id))).toMatchObject({ org_id: id, vipps_enabled: true, environment: 'production' })
      const org = await client.getOrg(id)
      expect(org).toMatchObject({ org_id: id, client_secret_ref: `vault://orgs/${id}/vipps_secret`, scopes: ['openid', 'phoneNumber'] })
      expect(await client.getStatus(id)).toEqual({ org_id: id, vipps_enabled: true, client_id: 'vipps-client-new001', environment: 'production' })

      const all: string[] = []
      for await (const summary of client.listAllOrgs()) all.push(summary.org_id)
      expect(all).toContain(id)
      expect((await client.listOrgs({ limit: 1, page: 1 })).pagination.limit).toBe(1)

      const { etag } = await client.getOrgForUpdate(id)
      expect(await client.updateOrg(id, { client_id: 'vipps-client-new002' }, { ifMatch: etag })).toMatchObject({ org_id: id, client_id: 'vipps-client-new002' })
      // The ETag is now stale: a second writer holding it is refused.
      const stale = await problemOf(client.updateOrg(id, { vipps_enabled: false }, { ifMatch: etag }))
      expect(stale).toMatchObject({ status: 412, code: 'precondition_failed' })

      expect(await client.modifyOrg(id, (current) => (current.vipps_enabled ? { vipps_enabled: false } : undefined))).toMatchObject({ vipps_enabled: false })
      expect(await client.modifyOrg(id, (current) => (current.vipps_enabled ? { vipps_enabled: false } : undefined))).toBeUndefined()

      const history = await client.getOrgHistory(id)
      expect(history.data.map((e) => e.action)).toEqual(['create', 'update', 'update'])

      expect(await client.deleteOrg(id)).toMatchObject({ org_id: id, deleted: true })
      expect(await problemOf(client.getOrg(id))).toMatchObject({ status: 404, code: 'not_found', errors: [] })
    })
  })

  describe('errors', () => {
    it('throws a ProblemError naming every bad field', async () => {
      const id = uniqueOrgId('bad')
      const err = await problemOf(client.createOrg(orgBody(id, { client_secret_ref: 'hunter2', redirect_uri: 'http://evil.example.com/cb' })))
      expect(err.status).toBe(400)
      expect(err.code).toBe('validation_failed')
      expect(err.errors.map((e) => e.field).sort()).toEqual(['client_secret_ref', 'redirect_uri'])
      expect(err.describe().split('\n')).toHaveLength(3)
      expect(err.requestId).toBeTruthy()
    })

    it('throws already_exists on a second create, unauthorized without the token, and never shows the token', async () => {
      const id = uniqueOrgId('dup')
      await client.createOrg(orgBody(id))
      expect(await problemOf(client.createOrg(orgBody(id)))).toMatchObject({ status: 409, code: 'already_exists' })
      const anonymous = createClient({ baseUrl: server.base, token: 'wrong-token' })
      const err = await problemOf(anonymous.updateOrg(id, { vipps_enabled: false }))
      expect(err).toMatchObject({ status: 401, code: 'unauthorized' })
      expect(JSON.stringify({ ...err, message: err.message, stack: err.stack })).not.toContain('wrong-token')
    })

    it('throws unexpected_response for an answer that is not a problem', async () => {
      const proxy = await startProxy(server.base, (_req, res) => {
        res.writeHead(502, { 'content-type': 'text/html' }).end('<html>bad gateway</html>')
        return true
      })
      try {
        const viaProxy = createClient({ baseUrl: proxy.base, retry: { attempts: 1 } })
        expect(await problemOf(viaProxy.getOrg('org_helseapp'))).toMatchObject({ status: 502, code: 'unexpected_response', errors: [] })
      } finally {
        await proxy.close()
      }
    })
  })

  describe('retries', () => {
    let proxy: Proxy | undefined
    afterAll(async () => {
      await proxy?.close()
    })

    it('tries a 503 again after its Retry-After', async () => {
      const id = uniqueOrgId('r503')
      await client.createOrg(orgBody(id))
      proxy = await startProxy(server.base, (_req, res, n) => {
        if (n > 1) return false
        res.writeHead(503, { 'content-type': 'application/problem+json', 'retry-after': '1' })
        res.end(JSON.stringify({ type: 'about:blank', title: 'Service unavailable', status: 503, detail: 'busy', code: 'service_unavailable' }))
        return true
      })
      const viaProxy = createClient({ baseUrl: proxy.base, retry: { baseDelayMs: 1 } })
      expect(await viaProxy.getOrg(id)).toMatchObject({ org_id: id })
      expect(proxy.seen.map((s) => s.status)).toEqual([503, 200])
      // The wait came from Retry-After (1 s), not from the 1 ms backoff.
      expect(proxy.seen[1]!.at - proxy.seen[0]!.at).toBeGreaterThanOrEqual(950)
    })

    it('gives up after its attempts and throws the last problem', async () => {
      const always = await startProxy(server.base, (_req, res) => {
        res.writeHead(503, { 'content-type': 'application/problem+json', 'retry-after': '0' })
        res.end(JSON.stringify({ type: 'about:blank', title: 'Service unavailable', status: 503, detail: 'busy', code: 'service_unavailable' }))
        return true
      })
      try {
        const viaProxy = createClient({ baseUrl: always.base, retry: { attempts: 3, baseDelayMs: 1 } })
        expect(await problemOf(viaProxy.getOrg('org_helseapp'))).toMatchObject({ status: 503, code: 'service_unavailable' })
        expect(always.seen).toHaveLength(3)
      } finally {
        await always.close()
      }
    })

    it('does not repeat a request that is not safe to repeat after a 503 (the first may have committed)', async () => {
      const once = await startProxy(server.base, (_req, res) => {
        res.writeHead(503, { 'content-type': 'application/problem+json', 'retry-after': '0' })
        res.end(JSON.stringify({ type: 'about:blank', title: 'Service unavailable', status: 503, detail: 'busy', code: 'service_unavailable' }))
        return true
      })
      try {
        const viaProxy = createClient({ baseUrl: once.base, retry: { attempts: 3, baseDelayMs: 1 } })
        expect(await problemOf(viaProxy.createWebhook({ url: 'https://hooks.example.com/in' } as never))).toMatchObject({ status: 503 })
        expect(once.seen).toHaveLength(1)
      } finally {
        await once.close()
      }
    })

    it('waits out the service’s own 429 (rate limit) and then succeeds', async () => {
      const limited = await listenApp('sqlite', { WRITE_RATE_LIMIT: '2', WRITE_RATE_WINDOW_MS: '1000' })
      try {
        const { fetch, log } = recordingFetch()
        const c = createClient({ baseUrl: limited.base, fetch, retry: { attempts: 5 } })
        for (let i = 0; i < 3; i++) await c.createOrg(orgBody(uniqueOrgId('rl')))
        const statuses = log.map((l) => l.status)
        expect(statuses).toContain(429)
        expect(statuses.filter((s) => s === 201)).toHaveLength(3)
      } finally {
        await limited.close()
      }
    })

    it('sends one Idempotency-Key per create, so a create retried after a lost answer makes one org', async () => {
      const id = uniqueOrgId('idem')
      const attempts: { key: string | null; status: number; replayed: string | null }[] = []
      // The first answer is lost after the service has acted on the request (a dropped connection).
      const losingFetch = async (request: Request) => {
        const response = await globalThis.fetch(request)
        attempts.push({ key: request.headers.get('idempotency-key'), status: response.status, replayed: response.headers.get('idempotent-replayed') })
        if (attempts.length === 1) {
          await response.text()
          throw new TypeError('fetch failed: connection reset')
        }
        return response
      }
      const c = createClient({ baseUrl: server.base, token: TOKEN, fetch: losingFetch, retry: { baseDelayMs: 1 } })
      expect(await c.createOrg(orgBody(id))).toMatchObject({ org_id: id })
      expect(attempts).toHaveLength(2)
      expect(attempts[0]!.key).toMatch(/^[0-9a-f-]{36}$/)
      expect(attempts[1]).toEqual({ key: attempts[0]!.key, status: 201, replayed: 'true' })
      expect((await client.getOrgHistory(id)).data).toHaveLength(1)
    })

    /** A proxy that drops the answer to the first `method` request after the service committed it. */
    async function droppingFirst(method: string) {
      let dropped = false
      const proxy = await startProxy(server.base, (req) => {
        if (req.method !== method || dropped) return false
        dropped = true
        return 'drop'
      })
      const attempts = () => proxy.seen.filter((s) => s.method === method)
      return { proxy, attempts, client: createClient({ baseUrl: proxy.base, token: TOKEN, retry: { baseDelayMs: 1 } }) }
    }

    it('a conditional update whose answer was lost after it committed is reported done, once, even after another write', async () => {
      const id = uniqueOrgId('putlost')
      await client.createOrg(orgBody(id))
      const { etag } = await client.getOrgForUpdate(id)
      const { proxy, attempts, client: viaProxy } = await droppingFirst('PUT')
      // Before the retry arrives, someone else changes the org: the If-Match is stale by then.
      proxy.onDrop = async () => void (await client.updateOrg(id, { vipps_enabled: false }))
      try {
        const updated = await viaProxy.updateOrg(id, { client_id: 'vipps-client-after-loss', scopes: ['openid'] }, { ifMatch: etag })
        expect(updated).toMatchObject({ org_id: id, client_id: 'vipps-client-after-loss', scopes: ['openid'] })
        expect(attempts().map((a) => [a.status, a.dropped ?? false])).toEqual([[200, true], [200, false]])
        const keys = attempts().map((a) => a.headers['idempotency-key'])
        expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/)
        expect(keys[1]).toBe(keys[0])
        const history = (await client.getOrgHistory(id)).data
        expect(history.map((e) => [e.action, Object.keys(e.changes).sort()])).toEqual([
          ['create', expect.any(Array)],
          ['update', ['client_id', 'scopes']],
          ['update', ['vipps_enabled']]
        ])
      } finally {
        await proxy.close()
      }
      // Someone else's write before the first attempt is still a 412.
      const { etag: stale } = await client.getOrgForUpdate(id)
      await client.updateOrg(id, { client_id: 'vipps-client-someone-else' })
      expect(await problemOf(client.updateOrg(id, { client_id: 'vipps-client-mine' }, { ifMatch: stale }))).toMatchObject({ status: 412 })
    })

    it('a delete whose answer was lost after it committed is reported done and deletes nothing else', async () => {
      for (const conditional of [false, true]) {
        const id = uniqueOrgId('dellost')
        await client.createOrg(orgBody(id))
        const { etag } = await client.getOrgForUpdate(id)
        const { proxy, attempts, client: viaProxy } = await droppingFirst('DELETE')
        // Before the retry arrives, someone creates the org again: the retry must not delete it.
        proxy.onDrop = async () => void (await client.createOrg(orgBody(id)))
        try {
          const deleted = await viaProxy.deleteOrg(id, conditional ? { ifMatch: etag } : {})
          expect(deleted).toMatchObject({ org_id: id, deleted: true })
          expect(attempts().map((a) => [a.status, a.dropped ?? false])).toEqual([[200, true], [200, false]])
          expect(attempts()[1]!.headers['idempotency-key']).toBe(attempts()[0]!.headers['idempotency-key'])
        } finally {
          await proxy.close()
        }
        expect((await client.getOrgHistory(id)).data.map((e) => e.action)).toEqual(['create', 'delete', 'create'])
        expect(await client.getOrg(id)).toMatchObject({ org_id: id })
      }
      // An org that was never there is still a 404.
      const { proxy, client: viaProxy } = await droppingFirst('DELETE')
      try {
        expect(await problemOf(viaProxy.deleteOrg(uniqueOrgId('never')))).toMatchObject({ status: 404 })
      } finally {
        await proxy.close()
      }
    })

    it('does not repeat a POST without an Idempotency-Key after a connection error', async () => {
      let calls = 0
      const failing = async () => {
        calls += 1
        throw new TypeError('fetch failed')
      }
      const c = createClient({ baseUrl: server.base, token: TOKEN, fetch: failing, retry: { baseDelayMs: 1 } })
      await expect(c.createWebhook({ url: 'http://127.0.0.1:9/hook' })).rejects.toThrow('fetch failed')
      expect(calls).toBe(1)
      await expect(c.getOrg('org_helseapp')).rejects.toThrow('fetch failed')
      expect(calls).toBe(1 + 4)
    })
  })

  describe('getStatus: the read cache', () => {
    it('answers from memory, then revalidates with If-None-Match after its max age', async () => {
      const id = uniqueOrgId('cache')
      await client.createOrg(orgBody(id))
      const { fetch, log } = recordingFetch()
      const c = createClient({ baseUrl: server.base, fetch, statusMaxAgeMs: 200 })
      const first = await c.getStatus(id)
      expect(await c.getStatus(id)).toEqual(first)
      expect(log).toHaveLength(1)
      await new Promise((resolve) => setTimeout(resolve, 250))
      expect(await c.getStatus(id)).toEqual(first)
      expect(log).toHaveLength(2)
      expect(log[1]!.headers.get('if-none-match')).toBeTruthy()
      expect(log[1]!.status).toBe(304)
      // Ten callers at once on a cold org share one request.
      c.invalidateStatus(id)
      await Promise.all(Array.from({ length: 10 }, () => c.getStatus(id)))
      expect(log).toHaveLength(3)
    })

    it('is invalidated by the change feed within 100 ms of a change', async () => {
      const id = uniqueOrgId('feed')
      await client.createOrg(orgBody(id))
      const { fetch, log } = recordingFetch()
      const seen: FeedEvent[] = []
      const app = createClient({ baseUrl: server.base, fetch, statusMaxAgeMs: 3_600_000 })
      const watcher = app.watch({ onEvent: (e) => seen.push(e) })
      try {
        await watcher.ready
        expect((await app.getStatus(id)).vipps_enabled).toBe(true)
        await client.updateOrg(id, { vipps_enabled: false })
        const took = await within(100, async () => (await app.getStatus(id)).vipps_enabled === false)
        expect(took).toBeLessThan(100)
        expect(seen.map((e) => [e.type, e.org_id])).toEqual([['vipps_org.updated', id]])
        const statusReads = log.filter((l) => l.url.endsWith('/status'))
        expect(statusReads).toHaveLength(2)
      } finally {
        await watcher.stop()
      }
    })

    it('the watcher resumes from its cursor after errors, missing no change', async () => {
      const id = uniqueOrgId('resume')
      await client.createOrg(orgBody(id))
      let broken = false
      const errors: unknown[] = []
      const flaky = async (request: Request) => {
        if (broken && new URL(request.url).pathname === '/api/v1/events') throw new TypeError('fetch failed: network down')
        return globalThis.fetch(request)
      }
      const app = createClient({ baseUrl: server.base, fetch: flaky, statusMaxAgeMs: 3_600_000, retry: { attempts: 1 } })
      const watcher = app.watch({ waitSeconds: 1, onError: (err) => errors.push(err) })
      try {
        await watcher.ready
        expect((await app.getStatus(id)).vipps_enabled).toBe(true)
        broken = true
        await within(3_000, async () => errors.length > 0, 20)
        await client.updateOrg(id, { vipps_enabled: false })
        // Still cached: the feed is down.
        expect((await app.getStatus(id)).vipps_enabled).toBe(true)
        broken = false
        await within(5_000, async () => (await app.getStatus(id)).vipps_enabled === false, 20)
      } finally {
        await watcher.stop()
      }
    })
    it('the watcher keeps going when its onEvent throws', async () => {
      const id = uniqueOrgId('throws')
      await client.createOrg(orgBody(id))
      const errors: unknown[] = []
      const app = createClient({ baseUrl: server.base, statusMaxAgeMs: 3_600_000 })
      const watcher = app.watch({
        waitSeconds: 1,
        onEvent: () => {
          throw new Error('the caller failed')
        },
        onError: (err) => errors.push(err)
      })
      try {
        await watcher.ready
        for (const enabled of [false, true]) {
          expect((await app.getStatus(id)).vipps_enabled).toBe(!enabled)
          await client.updateOrg(id, { vipps_enabled: enabled })
          await within(3_000, async () => (await app.getStatus(id)).vipps_enabled === enabled, 20)
        }
        expect(errors.map((e) => (e as Error).message)).toEqual(['the caller failed', 'the caller failed'])
      } finally {
        await watcher.stop()
      }
    })

    it('a watcher whose cursor the feed refuses starts again from now with an empty cache', async () => {
      const id = uniqueOrgId('refused')
      await client.createOrg(orgBody(id))
      const errors: unknown[] = []
      const app = createClient({ baseUrl: server.base, statusMaxAgeMs: 3_600_000 })
      expect((await app.getStatus(id)).vipps_enabled).toBe(true)
      await client.updateOrg(id, { vipps_enabled: false }) // unseen: the watcher does not run yet
      const watcher = app.watch({ after: 'not-a-cursor', waitSeconds: 1, onError: (err) => errors.push(err) })
      try {
        await within(3_000, async () => watcher.cursor() !== 'not-a-cursor' && watcher.cursor() !== undefined, 20)
        expect(errors).toHaveLength(1)
        expect((errors[0] as ProblemError).code).toBe('invalid_cursor')
        // What was cached before the refusal is dropped…
        expect((await app.getStatus(id)).vipps_enabled).toBe(false)
        // …and changes from the new start are seen.
        await client.updateOrg(id, { vipps_enabled: true })
        await within(3_000, async () => (await app.getStatus(id)).vipps_enabled === true, 20)
      } finally {
        await watcher.stop()
      }
    })

    it('a follower starting at now pins its start first: a change made while its first long poll fails is not lost', async () => {
      const id = uniqueOrgId('pinned')
      await client.createOrg(orgBody(id))
      let polls = 0
      const failOnce = async (request: Request) => {
        const url = new URL(request.url)
        if (url.pathname === '/api/v1/events' && url.searchParams.get('wait') !== '0' && ++polls === 1) {
          await client.updateOrg(id, { client_id: 'vipps-client-during-failure' })
          throw new TypeError('fetch failed: connection reset')
        }
        return globalThis.fetch(request)
      }
      const app = createClient({ baseUrl: server.base, fetch: failOnce, retry: { attempts: 1 } })
      const controller = new AbortController()
      const seen: FeedEvent[] = []
      try {
        for await (const event of app.followEvents({ waitSeconds: 1, signal: controller.signal, onError: () => undefined })) {
          seen.push(event)
          if (event.org_id === id) break
        }
      } finally {
        controller.abort()
      }
      expect(polls).toBeGreaterThanOrEqual(2)
      expect(seen.filter((e) => e.org_id === id).map((e) => e.type)).toEqual(['vipps_org.updated'])
    })
  })

  describe('webhooks', () => {
    it('creates, lists, rotates, tests and deletes an endpoint', async () => {
      const created = await client.createWebhook({ url: 'http://127.0.0.1:9/hook', description: 'client test' })
      expect(created.secret).toMatch(/^whsec_/)
      expect((await client.listWebhooks()).map((w) => w.id)).toContain(created.id)
      expect(await client.getWebhook(created.id)).not.toHaveProperty('secret')
      expect((await client.updateWebhook(created.id, { enabled: false })).enabled).toBe(false)
      expect((await client.rotateWebhookSecret(created.id)).secret).not.toBe(created.secret)
      expect((await client.sendWebhookTest(created.id)).type).toBe('webhook.test')
      expect(Array.isArray((await client.listWebhookDeliveries(created.id)).data)).toBe(true)
      await client.deleteWebhook(created.id)
      expect(await problemOf(client.getWebhook(created.id))).toMatchObject({ status: 404, code: 'not_found' })
    })
  })

  describe('access', () => {
    it('getMe names the credential; API keys are created (key once), listed, read and revoked; a key is a token like any other', async () => {
      expect(await client.getMe()).toEqual({ actor: { type: 'token', id: 'ops', name: 'ops' }, role: 'admin', org_ids: null, expires_at: null })
      const mine = uniqueOrgId()
      const created = await client.createApiKey({ name: 'client-app', role: 'editor', org_ids: [mine], expires_at: '2999-01-01T00:00:00Z' })
      expect(created.key).toMatch(/^vok_[A-Za-z0-9_-]{43}$/)
      const { fetch, log } = recordingFetch()
      const app = createClient({ baseUrl: server.base, token: created.key, fetch })
      expect(await app.getMe()).toMatchObject({ actor: { type: 'api_key', id: created.id, name: 'client-app' }, role: 'editor', org_ids: [mine], expires_at: '2999-01-01T00:00:00Z' })
      expect(log[0]!.headers.get('authorization')).toBe(`Bearer ${created.key}`)
      await app.createOrg(orgBody(mine))
      expect((await app.getStatus(mine)).org_id).toBe(mine)
      expect((await app.getOrgHistory(mine)).data[0]!.actor).toEqual({ type: 'api_key', id: created.id, name: 'client-app' })
      expect(await problemOf(app.createOrg(orgBody(uniqueOrgId())))).toMatchObject({ status: 403, code: 'forbidden' })
      expect(await problemOf(app.listApiKeys())).toMatchObject({ status: 403, code: 'forbidden' })
      const listed = (await client.listApiKeys()).find((k) => k.id === created.id)
      expect(listed).toMatchObject({ name: 'client-app', prefix: created.prefix, revoked_at: null })
      expect(listed).not.toHaveProperty('key')
      expect(await client.getApiKey(created.id)).toEqual(listed)
      const revoked = await client.revokeApiKey(created.id)
      expect(revoked.revoked_at).not.toBeNull()
      const refused = await problemOf(app.getMe())
      expect(refused).toMatchObject({ status: 401, code: 'unauthorized' })
      expect(String(refused)).not.toContain(created.key.slice(4))
    })
  })
})

describe('the typed client for a person signed in by cookie', () => {
  it('sends X-CSRF-Token with POST, PUT and DELETE (asking the function each time), never with reads; and the credentials mode given', async () => {
    const seen: Request[] = []
    let token = 'csrf-one'
    const record = async (request: Request) => {
      seen.push(request)
      const body = request.method === 'POST' ? { end_session_url: null } : { data: [], pagination: { page: 1, limit: 20, total: 0 } }
      return new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } })
    }
    const c = createClient({ baseUrl: 'http://service.invalid', credentials: 'same-origin', csrfToken: () => token, fetch: record })
    await c.listOrgs()
    await c.signOut()
    token = 'csrf-two'
    await c.signOut()
    expect(seen.map((r) => [r.method, r.headers.get('x-csrf-token'), r.credentials])).toEqual([
      ['GET', null, 'same-origin'],
      ['POST', 'csrf-one', 'same-origin'],
      ['POST', 'csrf-two', 'same-origin']
    ])
    const bearer = createClient({ baseUrl: 'http://service.invalid', token: 'a-token', fetch: record })
    await bearer.signOut()
    expect(seen.at(-1)!.headers.get('x-csrf-token')).toBeNull()
    expect(seen.at(-1)!.headers.get('authorization')).toBe('Bearer a-token')
  })
})
