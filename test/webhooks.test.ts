import { afterAll, afterEach, beforeAll, expect, it } from 'vitest'
import { Webhook as Verifier } from 'standardwebhooks'
import {
  BASE,
  createOrg,
  describeEachStore,
  fieldsOf,
  problemOf,
  queryDatabase,
  type TestApp,
  uniqueOrgId,
  within
} from './support/app.js'
import { type Answer, type Received, type Receiver, startReceiver } from './support/webhook-receiver.js'

const HOOKS = '/api/v1/webhooks'
// Short delays, so retries happen within a test; secrets encrypted at rest.
const SECRETS_KEY = Buffer.alloc(32, 42).toString('base64')
const ENV = { WEBHOOK_RETRY_SCHEDULE: '150ms,150ms,150ms', WEBHOOK_TIMEOUT_MS: '600', SECRETS_KEY }

interface Created {
  id: string
  url: string
  secret: string
  event_types: string[]
  enabled: boolean
}

async function register(t: TestApp, body: Record<string, unknown>, headers: Record<string, string> = {}): Promise<Created> {
  const res = await t.request({ method: 'POST', url: HOOKS, payload: body, headers })
  if (res.statusCode !== 201) throw new Error(`${res.statusCode} ${res.body}`)
  return res.json() as Created
}

function verified(secret: string, received: Received): { type: string; timestamp: string; data: Record<string, unknown> } {
  return new Verifier(secret).verify(received.body, received.headers as Record<string, string>) as never
}

/** The receiver, answering per test; each test sets what it wants. */
let answer: (received: Received, index: number) => Answer = () => ({})
let receiver: Receiver
beforeAll(async () => {
  receiver = await startReceiver((r, i) => answer(r, i))
})
afterAll(async () => {
  await receiver.close()
})

/** The deliveries the receiver got for events of this org. */
const forOrg = (orgId: string) => receiver.received.filter((r) => r.body.includes(`"org_id":"${orgId}"`))

describeEachStore(
  '/api/v1/webhooks',
  (ctx) => {
    // Each test starts with no endpoint, even after one that failed before removing its own.
    afterEach(async () => {
      const { data } = (await ctx().request({ method: 'GET', url: HOOKS })).json() as { data: { id: string }[] }
      for (const { id } of data) await ctx().request({ method: 'DELETE', url: `${HOOKS}/${id}` })
    })

    it('registers an endpoint and shows its whsec_ secret only then', async () => {
      const res = await ctx().request({ method: 'POST', url: HOOKS, payload: { url: receiver.url, description: 'billing' } })
      expect(res.statusCode).toBe(201)
      const created = res.json()
      expect(res.headers.location).toBe(`${HOOKS}/${created.id}`)
      expect(created).toMatchObject({
        url: receiver.url,
        description: 'billing',
        event_types: ['vipps_org.created', 'vipps_org.updated', 'vipps_org.deleted'],
        enabled: true,
        disabled_reason: null
      })
      expect(created.id).toMatch(/^wh_[A-Za-z0-9_-]{16}$/)
      expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/)
      expect(Buffer.from(created.secret.slice(6), 'base64')).toHaveLength(32)
      const one = (await ctx().request({ method: 'GET', url: `${HOOKS}/${created.id}` })).json()
      expect(one).not.toHaveProperty('secret')
      expect(one.id).toBe(created.id)
      const list = (await ctx().request({ method: 'GET', url: HOOKS })).json()
      expect(list.data.map((w: { id: string }) => w.id)).toContain(created.id)
      expect(JSON.stringify(list)).not.toContain(created.secret)
      await ctx().request({ method: 'DELETE', url: `${HOOKS}/${created.id}` })
    })

    it('keeps secrets encrypted at rest (AES-256-GCM under SECRETS_KEY), the old one too after a rotation', async () => {
      const hook = await register(ctx(), { url: receiver.url })
      const { secret } = (await ctx().request({ method: 'POST', url: `${HOOKS}/${hook.id}/rotate-secret` })).json()
      const [row] = await queryDatabase<{ secret: string; previous_secret: string }>(
        ctx().databaseUrl,
        'select secret, previous_secret from webhook_endpoints where id = ?',
        [hook.id]
      )
      for (const stored of [row!.secret, row!.previous_secret]) {
        expect(stored).toMatch(/^gcm:/)
        expect(stored).not.toContain(secret.slice(6, 20))
        expect(stored).not.toContain(hook.secret.slice(6, 20))
      }
      await ctx().request({ method: 'DELETE', url: `${HOOKS}/${hook.id}` })
    })

    it('disables an endpoint that has failed for 5 days straight, saying why', async () => {
      const hook = await register(ctx(), { url: receiver.url })
      const orgId = uniqueOrgId()
      answer = (r) => (r.body.includes(orgId) ? { status: 500 } : {})
      // Failing since six days ago (a state no test can wait for).
      const sixDaysAgo = new Date(Date.now() - 6 * 86_400_000).toISOString().slice(0, 19) + 'Z'
      await queryDatabase(ctx().databaseUrl, 'update webhook_endpoints set failing_since = ? where id = ?', [sixDaysAgo, hook.id])
      await createOrg(ctx(), orgId)
      await within(5_000, async () => !(await ctx().request({ method: 'GET', url: `${HOOKS}/${hook.id}` })).json().enabled, 20)
      const disabled = (await ctx().request({ method: 'GET', url: `${HOOKS}/${hook.id}` })).json()
      expect(disabled.disabled_reason).toBe(`Disabled after failing for 5 days straight, since ${sixDaysAgo}; last error: HTTP 500`)
      // Re-enabled, it starts afresh.
      const again = (await ctx().request({ method: 'PUT', url: `${HOOKS}/${hook.id}`, payload: { enabled: true } })).json()
      expect(again).toMatchObject({ enabled: true, disabled_reason: null })
      await ctx().request({ method: 'DELETE', url: `${HOOKS}/${hook.id}` })
    })

    it('a success ends a failing streak', async () => {
      const hook = await register(ctx(), { url: receiver.url })
      const orgId = uniqueOrgId()
      let failing = true
      answer = (r) => (r.body.includes(orgId) && failing ? { status: 500 } : {})
      const failingSince = async () =>
        (await queryDatabase<{ failing_since: string | null }>(ctx().databaseUrl, 'select failing_since from webhook_endpoints where id = ?', [hook.id]))[0]!
          .failing_since
      const attempts = async () =>
        (await ctx().request({ method: 'GET', url: `${HOOKS}/${hook.id}/deliveries` })).json().data as { status: string }[]
      await createOrg(ctx(), orgId)
      await within(5_000, async () => (await attempts()).some((a) => a.status === 'failed'), 20)
      expect(await failingSince()).not.toBeNull()
      failing = false
      await within(5_000, async () => (await attempts()).some((a) => a.status === 'succeeded'), 20)
      expect(await failingSince()).toBeNull()
      await ctx().request({ method: 'DELETE', url: `${HOOKS}/${hook.id}` })
    })

    it('changes and removes an endpoint; unknown ids are 404', async () => {
      const hook = await register(ctx(), { url: receiver.url })
      const put = await ctx().request({
        method: 'PUT',
        url: `${HOOKS}/${hook.id}`,
        payload: { description: 'ops', event_types: ['vipps_org.deleted'], enabled: false }
      })
      expect(put.statusCode).toBe(200)
      expect(put.json()).toMatchObject({ description: 'ops', event_types: ['vipps_org.deleted'], enabled: false })
      expect((await ctx().request({ method: 'DELETE', url: `${HOOKS}/${hook.id}` })).statusCode).toBe(204)
      for (const [method, url] of [
        ['GET', `${HOOKS}/${hook.id}`],
        ['DELETE', `${HOOKS}/${hook.id}`],
        ['GET', `${HOOKS}/wh_nope`],
        ['POST', `${HOOKS}/${hook.id}/rotate-secret`],
        ['GET', `${HOOKS}/${hook.id}/deliveries`]
      ] as const) {
        problemOf(await ctx().request({ method, url }), 404, 'not_found')
      }
    })

    it('refuses bad input with a 400 naming each field', async () => {
      const cases: [Record<string, unknown>, string[]][] = [
        [{}, ['url']],
        [{ url: 'not a url' }, ['url']],
        [{ url: 'ftp://example.com/x' }, ['url']],
        [{ url: 'https://user:pw@example.com/x' }, ['url']],
        [{ url: receiver.url, event_types: ['vipps_org.exploded'] }, ['event_types']],
        [{ url: receiver.url, event_types: [] }, ['event_types']],
        [{ url: receiver.url, event_types: ['webhook.test'] }, ['event_types']],
        [{ url: receiver.url, enabled: 'yes' }, ['enabled']],
        [{ url: receiver.url, secret: 'mine' }, ['secret']]
      ]
      for (const [payload, fields] of cases) {
        const problem = problemOf(await ctx().request({ method: 'POST', url: HOOKS, payload }), 400, 'validation_failed')
        expect([payload, fieldsOf(problem)]).toEqual([payload, fields])
      }
      const hook = await register(ctx(), { url: receiver.url, enabled: false })
      problemOf(await ctx().request({ method: 'PUT', url: `${HOOKS}/${hook.id}`, payload: {} }), 400, 'validation_failed')
      problemOf(await ctx().request({ method: 'GET', url: `${HOOKS}/${hook.id}/deliveries?limit=0` }), 400, 'validation_failed')
      await ctx().request({ method: 'DELETE', url: `${HOOKS}/${hook.id}` })
    })

    it('delivers every change signed as Standard Webhooks says, verified by the standardwebhooks library', async () => {
      answer = () => ({})
      const hook = await register(ctx(), { url: receiver.url })
      const orgId = uniqueOrgId()
      await createOrg(ctx(), orgId)
      await ctx().request({ method: 'PUT', url: `${BASE}/${orgId}`, payload: { vipps_enabled: false } })
      await ctx().request({ method: 'DELETE', url: `${BASE}/${orgId}` })
      await within(5_000, async () => forOrg(orgId).length >= 3, 20)
      const feed = (await ctx().request({ method: 'GET', url: `/api/v1/events?org_id=${orgId}` })).json().data as {
        id: string
        type: string
        occurred_at: string
      }[]
      const bodies = forOrg(orgId).map((r) => ({ r, body: verified(hook.secret, r) }))
      expect(bodies.map(({ body }) => body.type).sort()).toEqual(['vipps_org.created', 'vipps_org.deleted', 'vipps_org.updated'])
      for (const { r, body } of bodies) {
        const event = feed.find((e) => e.id === r.headers['webhook-id'])!
        const { type, ...data } = event
        expect(body).toEqual({ type, timestamp: event.occurred_at, data })
        expect(body.data.actor).toEqual({ type: 'anonymous', id: 'anonymous', name: 'anonymous' })
        expect(r.headers['content-type']).toBe('application/json')
        expect(Math.abs(Number(r.headers['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(30)
      }
      await ctx().request({ method: 'DELETE', url: `${HOOKS}/${hook.id}` })
    })

    it('sends only the event types an endpoint asked for', async () => {
      answer = () => ({})
      const hook = await register(ctx(), { url: receiver.url, event_types: ['vipps_org.updated'] })
      const orgId = uniqueOrgId()
      await createOrg(ctx(), orgId)
      await ctx().request({ method: 'PUT', url: `${BASE}/${orgId}`, payload: { client_id: 'changed' } })
      await within(5_000, async () => forOrg(orgId).length >= 1, 20)
      await new Promise((resolve) => setTimeout(resolve, 300))
      expect(forOrg(orgId).map((r) => verified(hook.secret, r).type)).toEqual(['vipps_org.updated'])
      await ctx().request({ method: 'DELETE', url: `${HOOKS}/${hook.id}` })
    })

    it('retries failures on the schedule with the same webhook-id, and records every attempt', async () => {
      const hook = await register(ctx(), { url: receiver.url })
      const orgId = uniqueOrgId()
      answer = (r) => {
        if (!r.body.includes(orgId)) return {}
        return forOrg(orgId).length <= 2 ? { status: 500 } : { status: 200 }
      }
      await createOrg(ctx(), orgId)
      await within(5_000, async () => forOrg(orgId).length >= 3, 20)
      const got = forOrg(orgId)
      expect(new Set(got.map((r) => r.headers['webhook-id'])).size).toBe(1)
      for (let i = 1; i < got.length; i++) expect(got[i]!.at - got[i - 1]!.at).toBeGreaterThanOrEqual(140)
      // The receiver has the third attempt; its record is written in the next batch of outcomes.
      await within(5_000, async () => {
        const data = (await ctx().request({ method: 'GET', url: `${HOOKS}/${hook.id}/deliveries` })).json().data
        return data.length >= 3 && data[0].status === 'succeeded'
      })
      const attempts = (await ctx().request({ method: 'GET', url: `${HOOKS}/${hook.id}/deliveries` })).json().data
      expect(attempts.map((a: { attempt: number; status: string; response_status: number }) => [a.attempt, a.status, a.response_status])).toEqual([
        [3, 'succeeded', 200],
        [2, 'failed', 500],
        [1, 'failed', 500]
      ])
      expect(attempts[1]).toMatchObject({ error: 'HTTP 500', event_id: got[0]!.headers['webhook-id'], event_type: 'vipps_org.created' })
      expect(attempts[1].next_attempt_at).not.toBeNull()
      await ctx().request({ method: 'DELETE', url: `${HOOKS}/${hook.id}` })
    })

    it('gives up after the last retry of the schedule', async () => {
      const hook = await register(ctx(), { url: receiver.url })
      const orgId = uniqueOrgId()
      answer = (r) => (r.body.includes(orgId) ? { status: 500 } : {})
      await createOrg(ctx(), orgId)
      await within(5_000, async () => forOrg(orgId).length >= 4, 20)
      await new Promise((resolve) => setTimeout(resolve, 500))
      expect(forOrg(orgId)).toHaveLength(4) // the first attempt and three retries
      const attempts = (await ctx().request({ method: 'GET', url: `${HOOKS}/${hook.id}/deliveries` })).json().data
      expect(attempts[0]).toMatchObject({ attempt: 4, status: 'failed', next_attempt_at: null })
      await ctx().request({ method: 'DELETE', url: `${HOOKS}/${hook.id}` })
    })

    it('honours Retry-After, times out a receiver that does not answer, and follows no redirect', async () => {
      const hook = await register(ctx(), { url: receiver.url })
      const [slow, hung, moved] = [uniqueOrgId('slow'), uniqueOrgId('hung'), uniqueOrgId('moved')]
      answer = (r): Answer => {
        if (r.body.includes(slow)) return forOrg(slow).length === 1 ? { status: 503, headers: { 'retry-after': '1' } } : {}
        if (r.body.includes(hung)) return forOrg(hung).length === 1 ? { hang: true } : {}
        if (r.body.includes(moved)) return forOrg(moved).length === 1 ? { status: 307, headers: { location: `${receiver.url}/elsewhere` } } : {}
        return {}
      }
      for (const orgId of [slow, hung, moved]) await createOrg(ctx(), orgId)
      await within(8_000, async () => forOrg(slow).length >= 2 && forOrg(hung).length >= 2 && forOrg(moved).length >= 2, 20)
      const [first, second] = forOrg(slow)
      expect(second!.at - first!.at).toBeGreaterThanOrEqual(950)
      expect(receiver.received.filter((r) => r.body.includes(moved)).every((r) => !r.headers.host?.includes('elsewhere'))).toBe(true)
      const attempts = (await ctx().request({ method: 'GET', url: `${HOOKS}/${hook.id}/deliveries?limit=100` })).json().data as {
        error: string | null
        response_status: number | null
      }[]
      expect(attempts.some((a) => a.error === 'no answer within 600 ms' && a.response_status === null)).toBe(true)
      expect(attempts.some((a) => a.error === 'HTTP 307' && a.response_status === 307)).toBe(true)
      expect(attempts.some((a) => a.error === 'HTTP 503' && a.response_status === 503)).toBe(true)
      await ctx().request({ method: 'DELETE', url: `${HOOKS}/${hook.id}` })
    })

    it('reads at most 4 KiB of a response: a huge body does not hold the attempt up', async () => {
      const hook = await register(ctx(), { url: receiver.url })
      const orgId = uniqueOrgId()
      answer = (r) => (r.body.includes(orgId) ? { status: 200, body: 'x'.repeat(5 * 1024 * 1024) } : {})
      await createOrg(ctx(), orgId)
      await within(5_000, async () => {
        const data = (await ctx().request({ method: 'GET', url: `${HOOKS}/${hook.id}/deliveries` })).json().data
        return data.some((a: { status: string }) => a.status === 'succeeded')
      })
      expect(forOrg(orgId)).toHaveLength(1)
      await ctx().request({ method: 'DELETE', url: `${HOOKS}/${hook.id}` })
    })

    it('after a rotation both secrets sign (two signatures), and either verifies', async () => {
      answer = () => ({})
      const hook = await register(ctx(), { url: receiver.url })
      const rotated = await ctx().request({ method: 'POST', url: `${HOOKS}/${hook.id}/rotate-secret` })
      expect(rotated.statusCode).toBe(200)
      const { secret, previous_secret_expires_at } = rotated.json()
      expect(secret).toMatch(/^whsec_/)
      expect(secret).not.toBe(hook.secret)
      expect(Date.parse(previous_secret_expires_at) - Date.now()).toBeGreaterThan(23.9 * 3600 * 1000)
      const orgId = uniqueOrgId()
      await createOrg(ctx(), orgId)
      await within(5_000, async () => forOrg(orgId).length >= 1, 20)
      const delivery = forOrg(orgId)[0]!
      expect(String(delivery.headers['webhook-signature']).split(' ')).toHaveLength(2)
      expect(verified(secret, delivery).type).toBe('vipps_org.created')
      expect(verified(hook.secret, delivery).type).toBe('vipps_org.created')
      expect(() => verified(`whsec_${Buffer.alloc(32, 7).toString('base64')}`, delivery)).toThrow()
      await ctx().request({ method: 'DELETE', url: `${HOOKS}/${hook.id}` })
    })

    it('sends a webhook.test event on request, even to a disabled endpoint', async () => {
      answer = () => ({})
      const hook = await register(ctx(), { url: receiver.url, enabled: false })
      const res = await ctx().request({ method: 'POST', url: `${HOOKS}/${hook.id}/test` })
      expect(res.statusCode).toBe(202)
      const { event_id } = res.json()
      await within(5_000, async () => receiver.received.some((r) => r.headers['webhook-id'] === event_id), 20)
      const got = receiver.received.find((r) => r.headers['webhook-id'] === event_id)!
      expect(verified(hook.secret, got)).toMatchObject({ type: 'webhook.test', data: { webhook_id: hook.id } })
      await ctx().request({ method: 'DELETE', url: `${HOOKS}/${hook.id}` })
    })

    it('a disabled endpoint gets nothing; re-enabled, it gets what commits from then on', async () => {
      answer = () => ({})
      const hook = await register(ctx(), { url: receiver.url, enabled: false })
      const [before, after] = [uniqueOrgId('before'), uniqueOrgId('after')]
      await createOrg(ctx(), before)
      await ctx().request({ method: 'PUT', url: `${HOOKS}/${hook.id}`, payload: { enabled: true } })
      await createOrg(ctx(), after)
      await within(5_000, async () => forOrg(after).length >= 1, 20)
      expect(forOrg(before)).toHaveLength(0)
      await ctx().request({ method: 'DELETE', url: `${HOOKS}/${hook.id}` })
    })
  },
  ENV
)

describeEachStore(
  'webhooks in production',
  (ctx) => {
    const auth = { authorization: 'Bearer ops-token' }
    it('needs an admin token even with AUTH_DISABLED=true, since the server would send requests', async () => {
      problemOf(await ctx().request({ method: 'GET', url: HOOKS }), 401, 'unauthorized')
      problemOf(await ctx().request({ method: 'POST', url: HOOKS, payload: { url: 'https://example.com/h' } }), 401, 'unauthorized')
      expect((await ctx().request({ method: 'GET', url: HOOKS, headers: auth })).statusCode).toBe(200)
    })

    it('refuses http:// and private addresses', async () => {
      for (const url of ['http://example.com/h', 'https://127.0.0.1/h', 'https://[::1]/h', 'https://169.254.169.254/latest', 'https://10.1.2.3/h', 'https://[fd00:ec2::254]/h', 'https://100.100.100.200/h', 'https://[::ffff:127.0.0.1]/h']) {
        const res = await ctx().request({ method: 'POST', url: HOOKS, payload: { url }, headers: auth })
        expect([url, fieldsOf(problemOf(res, 400, 'validation_failed'))]).toEqual([url, ['url']])
      }
    })

    it('refuses to create a webhook without SECRETS_KEY, with a clear problem', async () => {
      const res = await ctx().request({ method: 'POST', url: HOOKS, payload: { url: 'https://example.com/h' }, headers: auth })
      expect(problemOf(res, 501, 'secrets_key_required').detail).toContain('SECRETS_KEY')
    })
  },
  { NODE_ENV: 'production', ADMIN_TOKENS: 'ops:ops-token', AUTH_DISABLED: 'true' }
)

describeEachStore(
  'webhooks with WEBHOOK_ALLOW_PRIVATE_URLS=false',
  (ctx) => {
    it('refuses a name that resolves to a private address when it delivers, and records why', async () => {
      answer = () => ({})
      problemOf(await ctx().request({ method: 'POST', url: HOOKS, payload: { url: receiver.url } }), 400, 'validation_failed')
      // A host name is checked on the address it resolves to, each time a delivery connects.
      const hook = await register(ctx(), { url: `http://localhost:${receiver.port}/hooks` })
      const before = receiver.received.length
      const orgId = uniqueOrgId()
      await createOrg(ctx(), orgId)
      await within(5_000, async () => {
        const data = (await ctx().request({ method: 'GET', url: `${HOOKS}/${hook.id}/deliveries` })).json().data
        return data.some((a: { status: string }) => a.status === 'failed')
      })
      const [attempt] = (await ctx().request({ method: 'GET', url: `${HOOKS}/${hook.id}/deliveries` })).json().data.filter(
        (a: { status: string }) => a.status === 'failed'
      )
      expect(attempt.error).toMatch(/^refused: localhost resolves to a loopback address/)
      expect(receiver.received.length).toBe(before)
      await ctx().request({ method: 'DELETE', url: `${HOOKS}/${hook.id}` })
    })
  },
  { ...ENV, WEBHOOK_ALLOW_PRIVATE_URLS: 'false' }
)
