import fc from 'fast-check'
import type { LightMyRequestResponse } from 'fastify'
import { expect, it } from 'vitest'
import { BASE, dropDatabase, startApp, storeNames, type TestApp } from './support/app.js'

/**
 * Model-based fuzzing: random sequences of API calls, valid and invalid, run against the real
 * app and against a small in-memory model of the contract (../shared/design/api.md). After
 * every step the response must agree with the model; no 5xx ever; every error is a well-formed
 * problem. FUZZ_RUNS sets the number of sequences per store (default 20; `npm run fuzz` runs more).
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 20)

type Config = {
  client_id: string
  client_secret_ref: string
  redirect_uri: string
  scopes: string[]
  vipps_enabled: boolean
  environment: string
}
type Model = Map<string, Config>

/** A value with whether the contract accepts it. */
type Tagged = { value: unknown; ok: boolean }
const good = (arb: fc.Arbitrary<unknown>) => arb.map((value): Tagged => ({ value, ok: true }))
const bad = (...values: unknown[]) => fc.constantFrom(...values).map((value): Tagged => ({ value, ok: false }))
const either = (valid: fc.Arbitrary<Tagged>, invalid: fc.Arbitrary<Tagged>) =>
  fc.oneof({ arbitrary: valid, weight: 4 }, { arbitrary: invalid, weight: 1 })

const SCOPES = ['name', 'email', 'address', 'phoneNumber', 'birthDate', 'nin', 'delegatedConsents']
const ORG_IDS = ['org_a', 'org_b', 'org-c', 'org_d1']

const field = {
  client_id: either(
    good(fc.oneof(fc.stringMatching(/^[A-Za-z0-9._:-]{1,40}$/), fc.constantFrom('klinikk-øæå', 'x🙂y', 'a'.repeat(255)))),
    bad('', ' ', 'a b', 'tab\tx', 'a'.repeat(256), 'nul\u0000', 'zw\u200b', 42, null, true, [], {})
  ),
  client_secret_ref: either(
    good(fc.constantFrom('vault://a', 'vault://orgs/x/vipps_secret', 'vault://A.b-c_d/e/f', `vault://${'s'.repeat(504)}`)),
    bad('secret', 'vault://', 'vault:///a', 'vault://a//b', 'vault://a/', 'http://x', 'vault://a b', `vault://${'s'.repeat(505)}`, 7, null)
  ),
  redirect_uri: either(
    good(fc.constantFrom('https://example.com/cb', 'https://a.example:8443/p?q=1', 'myapp://vipps-callback', 'no.app.ios://login/x')),
    bad('ftp://x/y', '/relative', 'https://e.com/#frag', 'javascript://x', 'myapp://', '', 'https:///cb', 'http://example.com/cb', 5, null)
  ),
  scopes: either(
    good(fc.subarray(SCOPES).chain((rest) => fc.shuffledSubarray(['openid', ...rest], { minLength: rest.length + 1 }))),
    bad([], ['name'], ['openid', 'openid'], ['openid', 'OPENID'], ['openid', 'profile'], 'openid', [1], null)
  ),
  environment: either(good(fc.constantFrom('production', 'test')), bad('prod', '', 'TEST', null, 1)),
  vipps_enabled: either(good(fc.boolean()), bad('true', 'false', 1, 0, null, 'yes'))
}
const LOCALHOST = 'http://localhost:3000/cb'
type FieldName = keyof typeof field

const orgIdArb = fc.oneof(
  { arbitrary: fc.constantFrom(...ORG_IDS).map((value): Tagged => ({ value, ok: true })), weight: 6 },
  { arbitrary: bad('ab', 'Org_A', 'org_a_', '-org', 'a'.repeat(65), 'org a', 3, null), weight: 1 }
)

interface BodySpec {
  org_id: Tagged | undefined
  fields: Record<FieldName, Tagged | undefined>
  /** Replace redirect_uri (when sent) by a loopback http URI, allowed only in test. */
  localhost: boolean
  unknown: string | undefined
}

/** An object body: each field present or not, valid or not, sometimes an unknown key, sometimes localhost. */
function bodyArb(names: FieldName[], withOrgId: boolean): fc.Arbitrary<BodySpec> {
  const fields = Object.fromEntries(names.map((n) => [n, fc.option(field[n], { freq: 2, nil: undefined })]))
  return fc.record({
    org_id: withOrgId ? fc.option(orgIdArb, { freq: 8, nil: undefined }) : fc.constant(undefined),
    fields: fc.record(fields) as fc.Arbitrary<Record<FieldName, Tagged | undefined>>,
    localhost: fc.integer({ min: 0, max: 9 }).map((n) => n < 2),
    unknown: fc.option(fc.constantFrom('scope', 'enabled', 'created_at', 'updated_at', 'org_id', 'deleted_at', 'constructor_'), {
      freq: 8,
      nil: undefined
    })
  })
}

type Action =
  | { kind: 'create'; body: BodySpec }
  | { kind: 'update'; orgId: Tagged; body: BodySpec }
  | { kind: 'delete' | 'get' | 'status'; orgId: Tagged }
  | { kind: 'list'; query: string; ok: boolean }
  | { kind: 'raw'; method: string; path: string; contentType: string; body: string; header: [string, string] }

const ALL: FieldName[] = ['client_id', 'client_secret_ref', 'redirect_uri', 'scopes', 'vipps_enabled', 'environment']

const actionArb: fc.Arbitrary<Action> = fc.oneof(
  { arbitrary: bodyArb(ALL, true).map((body) => ({ kind: 'create' as const, body })), weight: 5 },
  { arbitrary: fc.record({ orgId: orgIdArb, body: bodyArb(ALL, false) }).map((a) => ({ kind: 'update' as const, ...a })), weight: 5 },
  { arbitrary: fc.record({ kind: fc.constantFrom('delete' as const, 'get' as const, 'status' as const), orgId: orgIdArb }), weight: 4 },
  {
    arbitrary: fc.oneof(
      fc
        .record({
          page: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
          limit: fc.option(fc.integer({ min: 1, max: 100 }), { nil: undefined }),
          environment: fc.option(fc.constantFrom('production', 'test'), { nil: undefined }),
          vipps_enabled: fc.option(fc.constantFrom('true', 'false', 'any'), { nil: undefined })
        })
        .map((q) => ({
          kind: 'list' as const,
          ok: true,
          query: Object.entries(q)
            .filter(([, v]) => v !== undefined)
            .map(([k, v]) => `${k}=${v}`)
            .join('&')
        })),
      fc
        .constantFrom('page=0', 'limit=101', 'limit=-1', 'page=x', 'vipps_enabled=yes', 'environment=prod', 'sort=a', 'page=1.5', 'limit=', '__proto__=1')
        .map((query) => ({ kind: 'list' as const, ok: false, query }))
    ),
    weight: 2
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('raw' as const),
      method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'),
      path: fc.constantFrom(
        BASE,
        `${BASE}/org_zz_raw`,
        `${BASE}/org_zz_raw/status`,
        `${BASE}/org_zz_raw/history`,
        `${BASE}/%00`,
        `${BASE}/..%2f..%2fetc`,
        `${BASE}/%E0%A4%A`,
        `${BASE}/ørg`,
        `${BASE}?page=%ZZ`,
        '/',
        '/docs/json',
        `${BASE}/${'x'.repeat(400)}`
      ),
      contentType: fc.constantFrom('application/json', 'text/plain', 'application/json; charset=utf-16', '', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x'),
      body: fc.oneof(
        fc.string(),
        fc.json(),
        fc.constantFrom('{"__proto__":{"x":1}}', '{"constructor":{"prototype":{}}}', '[[[[[[[[[[[[[[]]]]]]]]]]]]]]', '{"a":' + '1'.repeat(20_000) + '}'),
        fc.string({ unit: 'grapheme', maxLength: 50 })
      ),
      header: fc.constantFrom<[string, string]>(
        ['if-match', 'garbage'],
        ['if-none-match', '*'],
        ['authorization', 'Bearer \u00ff'],
        ['idempotency-key', 'k'],
        ['x-request-id', '../../etc'],
        ['accept', 'text/html']
      )
    }),
    weight: 2
  }
)

function expectProblem(res: LightMyRequestResponse, method: string) {
  expect(res.statusCode, res.body).toBeLessThan(500)
  if (res.statusCode >= 400 && method !== 'HEAD') {
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/)
    const body = res.json()
    expect(typeof body.type).toBe('string')
    expect(typeof body.title).toBe('string')
    expect(typeof body.detail).toBe('string')
    expect(typeof body.code).toBe('string')
    expect(body.status).toBe(res.statusCode)
    expect(body).not.toHaveProperty('stack')
  }
}

function buildBody(b: Action & { kind: 'create' | 'update' }) {
  const body: Record<string, unknown> = {}
  let ok = true
  if (b.kind === 'create' && b.body.org_id) {
    body.org_id = b.body.org_id.value
    ok &&= b.body.org_id.ok
  }
  for (const [name, tagged] of Object.entries(b.body.fields)) {
    if (!tagged) continue
    const localhost = name === 'redirect_uri' && b.body.localhost
    body[name] = localhost ? LOCALHOST : tagged.value
    ok &&= localhost || tagged.ok
  }
  if (b.body.unknown) {
    body[b.body.unknown] = 'x'
    ok = false
  }
  return { body, ok }
}

async function step(t: TestApp, model: Model, action: Action): Promise<void> {
  if (action.kind === 'raw') {
    const res = await t.request({
      method: action.method as 'GET',
      url: action.path,
      payload: action.method === 'GET' || action.method === 'HEAD' ? undefined : action.body,
      headers: { ...(action.contentType ? { 'content-type': action.contentType } : {}), [action.header[0]]: action.header[1] }
    })
    expectProblem(res, action.method)
    return
  }
  if (action.kind === 'list') {
    const res = await t.request({ method: 'GET', url: `${BASE}?${action.query}` })
    expectProblem(res, 'GET')
    if (!action.ok) return void expect(res.statusCode).toBe(400)
    expect(res.statusCode).toBe(200)
    const q = new URLSearchParams(action.query)
    const enabled = q.get('vipps_enabled') ?? 'true'
    const env = q.get('environment')
    const expected = [...model]
      .filter(([, c]) => (enabled === 'any' || String(c.vipps_enabled) === enabled) && (!env || c.environment === env))
      .map(([id]) => id)
    const body = res.json()
    expect(body.pagination.total).toBe(expected.length)
    const page = Number(q.get('page') ?? 1)
    const limit = Number(q.get('limit') ?? 20)
    expect(body.data.length).toBe(Math.max(0, Math.min(limit, expected.length - (page - 1) * limit)))
    for (const item of body.data) expect(expected).toContain(item.org_id)
    return
  }
  if (action.kind === 'create') {
    const { body, ok } = buildBody(action)
    const res = await t.request({ method: 'POST', url: BASE, payload: body })
    expectProblem(res, 'POST')
    const required = ['org_id', 'client_id', 'client_secret_ref', 'redirect_uri'].every((k) => k in body)
    const environment = (body.environment as string | undefined) ?? 'test'
    if (!ok || !required) return void expect(res.statusCode).toBe(400)
    if (body.redirect_uri === LOCALHOST && environment === 'production') return void expect(res.statusCode).toBe(400)
    const orgId = body.org_id as string
    if (model.has(orgId)) return void expect(res.statusCode).toBe(409)
    expect(res.statusCode, res.body).toBe(201)
    model.set(orgId, {
      client_id: body.client_id as string,
      client_secret_ref: body.client_secret_ref as string,
      redirect_uri: body.redirect_uri as string,
      scopes: (body.scopes as string[] | undefined) ?? ['openid'],
      vipps_enabled: (body.vipps_enabled as boolean | undefined) ?? true,
      environment
    })
    return
  }
  const path = `${BASE}/${encodeURIComponent(String(action.orgId.value))}`
  const live = action.orgId.ok ? model.get(action.orgId.value as string) : undefined
  if (action.kind === 'update') {
    const { body, ok } = buildBody(action)
    const res = await t.request({ method: 'PUT', url: path, payload: body })
    expectProblem(res, 'PUT')
    if (!ok || Object.keys(body).length === 0) return void expect(res.statusCode).toBe(400)
    if (!live) return void expect(res.statusCode).toBe(404)
    const merged = { ...live, ...body } as Config
    if (merged.redirect_uri === LOCALHOST && merged.environment === 'production') return void expect(res.statusCode).toBe(400)
    expect(res.statusCode, res.body).toBe(200)
    model.set(action.orgId.value as string, merged)
    return
  }
  if (action.kind === 'delete') {
    const res = await t.request({ method: 'DELETE', url: path })
    expectProblem(res, 'DELETE')
    expect(res.statusCode).toBe(live ? 200 : 404)
    model.delete(action.orgId.value as string)
    return
  }
  const res = await t.request({ method: 'GET', url: action.kind === 'status' ? `${path}/status` : path })
  expectProblem(res, 'GET')
  if (!live) return void expect(res.statusCode).toBe(404)
  expect(res.statusCode).toBe(200)
  const got = res.json()
  if (action.kind === 'status') {
    expect(got).toEqual({ org_id: action.orgId.value, vipps_enabled: live.vipps_enabled, client_id: live.client_id, environment: live.environment })
  } else {
    expect(got).toMatchObject({ org_id: action.orgId.value, ...live })
  }
}

for (const store of storeNames()) {
  it(`the API agrees with the model of the contract after every step [${store}]`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(actionArb, { minLength: 5, maxLength: 40 }), async (actions) => {
        const t = await startApp(store, { WRITE_RATE_LIMIT: '1000000' })
        try {
          const model: Model = new Map()
          for (const action of actions) await step(t, model, action)
          // Finally the stored state, org by org.
          for (const orgId of ORG_IDS) {
            const res = await t.request({ method: 'GET', url: `${BASE}/${orgId}` })
            expect(res.statusCode).toBe(model.has(orgId) ? 200 : 404)
          }
        } finally {
          await t.close()
          await dropDatabase(t.databaseUrl)
        }
      }),
      { numRuns: RUNS }
    )
  }, 600_000)
}
