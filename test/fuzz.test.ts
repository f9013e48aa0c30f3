import fc from 'fast-check'
import type { LightMyRequestResponse } from 'fastify'
import { expect, it } from 'vitest'
import { BASE, dropDatabase, startApp, storeNames, type TestApp } from './support/app.js'

/**
 * Model-based fuzzing: random sequences of API calls, valid and invalid, run against the real
 * app and against a small in-memory model of the contract (../shared/design/api.md). Each
 * sequence has random grants (API keys of random roles, some limited to random orgs), and each
 * call is made with one of them, the bootstrap token, a bad credential or none: the answer must be
 * what the role table and the grant's orgs say. After every step the response must agree with the
 * model; no 5xx ever; every error is a well-formed problem. FUZZ_RUNS sets the number of sequences
 * per store (default 20; `npm run fuzz` runs more).
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

const ADMIN_TOKEN = 'fuzz-admin-token-0123456789'
type Role = 'viewer' | 'editor' | 'admin'
interface Grant {
  role: Role
  orgIds: string[] | null
}
/** Who makes a call: nobody, a bad credential, or a grant (the bootstrap token's: admin, every org). */
type Caller = { kind: 'none' } | { kind: 'bad'; header: string } | { kind: 'grant'; grant: Grant; key: string }
/** The role table of api.md, for the orgs endpoints. */
const CAN_WRITE: Record<Role, boolean> = { viewer: false, editor: true, admin: true }

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

type Action = (
  | { kind: 'create'; body: BodySpec }
  | { kind: 'update'; orgId: Tagged; body: BodySpec }
  | { kind: 'delete' | 'get' | 'status'; orgId: Tagged }
  | { kind: 'list'; query: string; ok: boolean }
  | { kind: 'raw'; method: string; path: string; contentType: string; body: string; header: [string, string] }
) & { caller?: number }

/** A grant: a role, and for viewer and editor sometimes a list of orgs. */
const grantArb: fc.Arbitrary<Grant> = fc
  .record({ role: fc.constantFrom<Role>('viewer', 'editor', 'admin'), orgIds: fc.option(fc.subarray(ORG_IDS, { minLength: 1 }), { nil: null }) })
  .map((g) => (g.role === 'admin' ? { role: g.role, orgIds: null } : g))

/** Which caller makes a call: -3 none, -2 a bad credential, -1 the bootstrap token, else a key (modulo their number). */
const callerArb = fc.oneof({ arbitrary: fc.integer({ min: 0, max: 7 }), weight: 6 }, { arbitrary: fc.integer({ min: -3, max: -1 }), weight: 3 })

const ALL: FieldName[] = ['client_id', 'client_secret_ref', 'redirect_uri', 'scopes', 'vipps_enabled', 'environment']

const plainActionArb: fc.Arbitrary<Action> = fc.oneof(
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
const actionArb: fc.Arbitrary<Action> = fc.tuple(plainActionArb, callerArb).map(([action, caller]) => ({ ...action, caller }))

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

let address = 0

/** A key with its last character changed. */
function changedKey(caller: Caller): string {
  const key = caller.kind === 'grant' ? caller.key : ''
  return key.slice(0, -1) + (key.endsWith('x') ? 'y' : 'x')
}

async function step(t: TestApp, model: Model, action: Action, caller: Caller): Promise<void> {
  // Each call from an address of its own: the bad credentials of a sequence never reach the limit of 20.
  const send = (options: Parameters<TestApp['request']>[0]) => {
    const authorization = caller.kind === 'grant' ? `Bearer ${caller.key}` : caller.kind === 'bad' ? caller.header : undefined
    const headers = { ...(options.headers as Record<string, string>), ...(authorization ? { authorization } : {}) }
    return t.request({ ...options, headers, remoteAddress: `10.77.${Math.floor(++address / 250) % 250}.${(address % 250) + 1}` })
  }
  if (action.kind === 'raw') {
    const res = await send({
      method: action.method as 'GET',
      url: action.path,
      payload: action.method === 'GET' || action.method === 'HEAD' ? undefined : action.body,
      headers: { ...(action.contentType ? { 'content-type': action.contentType } : {}), [action.header[0]]: action.header[1] }
    })
    expectProblem(res, action.method)
    return
  }
  const write = action.kind === 'create' || action.kind === 'update' || action.kind === 'delete'
  // Access comes first, before the request is read: a bad credential is a 401, so is a write
  // without one (reads are public), and a role without the right is a 403.
  const refusal = caller.kind === 'bad' || (caller.kind === 'none' && write) ? 401 : caller.kind === 'grant' && write && !CAN_WRITE[caller.grant.role] ? 403 : undefined
  const scope = caller.kind === 'grant' ? caller.grant.orgIds : null
  const inScope = (orgId: string) => scope === null || scope.includes(orgId)
  if (action.kind === 'list') {
    const res = await send({ method: 'GET', url: `${BASE}?${action.query}` })
    expectProblem(res, 'GET')
    if (refusal) return void expect(res.statusCode).toBe(refusal)
    if (!action.ok) return void expect(res.statusCode).toBe(400)
    expect(res.statusCode).toBe(200)
    const q = new URLSearchParams(action.query)
    const enabled = q.get('vipps_enabled') ?? 'true'
    const env = q.get('environment')
    const expected = [...model]
      .filter(([id, c]) => inScope(id) && (enabled === 'any' || String(c.vipps_enabled) === enabled) && (!env || c.environment === env))
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
    const res = await send({ method: 'POST', url: BASE, payload: body })
    expectProblem(res, 'POST')
    if (refusal) return void expect(res.statusCode).toBe(refusal)
    const required = ['org_id', 'client_id', 'client_secret_ref', 'redirect_uri'].every((k) => k in body)
    const environment = (body.environment as string | undefined) ?? 'test'
    if (!ok || !required) return void expect(res.statusCode).toBe(400)
    const orgId = body.org_id as string
    // Outside the grant's orgs: refused before the rules are looked at.
    if (!inScope(orgId)) return void expect([res.statusCode, res.json().code]).toEqual([403, 'forbidden'])
    if (body.redirect_uri === LOCALHOST && environment === 'production') return void expect(res.statusCode).toBe(400)
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
  // An org outside the grant's orgs is, to the caller, an org that does not exist.
  const live = action.orgId.ok && inScope(action.orgId.value as string) ? model.get(action.orgId.value as string) : undefined
  if (action.kind === 'update') {
    const { body, ok } = buildBody(action)
    const res = await send({ method: 'PUT', url: path, payload: body })
    expectProblem(res, 'PUT')
    if (refusal) return void expect(res.statusCode).toBe(refusal)
    if (!ok || Object.keys(body).length === 0) return void expect(res.statusCode).toBe(400)
    if (!live) return void expect(res.statusCode).toBe(404)
    const merged = { ...live, ...body } as Config
    if (merged.redirect_uri === LOCALHOST && merged.environment === 'production') return void expect(res.statusCode).toBe(400)
    expect(res.statusCode, res.body).toBe(200)
    model.set(action.orgId.value as string, merged)
    return
  }
  if (action.kind === 'delete') {
    const res = await send({ method: 'DELETE', url: path })
    expectProblem(res, 'DELETE')
    if (refusal) return void expect(res.statusCode).toBe(refusal)
    expect(res.statusCode).toBe(live ? 200 : 404)
    if (live) model.delete(action.orgId.value as string)
    return
  }
  const res = await send({ method: 'GET', url: action.kind === 'status' ? `${path}/status` : path })
  expectProblem(res, 'GET')
  if (refusal) return void expect(res.statusCode).toBe(refusal)
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
      fc.asyncProperty(fc.array(grantArb, { minLength: 1, maxLength: 4 }), fc.array(actionArb, { minLength: 5, maxLength: 40 }), async (grants, actions) => {
        const t = await startApp(store, { WRITE_RATE_LIMIT: '1000000', ADMIN_TOKENS: `fuzz:${ADMIN_TOKEN}` })
        try {
          const keys: Caller[] = []
          for (const grant of grants) {
            const made = await t.request({
              method: 'POST',
              url: '/api/v1/api-keys',
              payload: { name: `${grant.role}-${keys.length}`, role: grant.role, org_ids: grant.orgIds },
              headers: { authorization: `Bearer ${ADMIN_TOKEN}` }
            })
            expect(made.statusCode, made.body).toBe(201)
            keys.push({ kind: 'grant', grant, key: made.json().key })
          }
          let bad = 0
          const callerOf = (n: number | undefined): Caller => {
            if (n === -3) return { kind: 'none' }
            // A key of the right shape that does not exist, a token nobody has, a key with a character changed.
            if (n === -2) return { kind: 'bad', header: ['Bearer vok_' + 'A'.repeat(43), 'Bearer not-a-token', `Bearer ${changedKey(keys[0]!)}`][bad++ % 3]! }
            if (n === -1 || n === undefined) return { kind: 'grant', grant: { role: 'admin', orgIds: null }, key: ADMIN_TOKEN }
            return keys[n % keys.length]!
          }
          const model: Model = new Map()
          for (const action of actions) await step(t, model, action, callerOf(action.caller))
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
