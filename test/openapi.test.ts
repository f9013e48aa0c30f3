import { execFile } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../src/app.js'
import { loadConfig } from '../src/config.js'
import { PROBLEM_TITLES } from '../src/http/problems.js'

/** The OpenAPI document is what the typed client and any SDK generator are built from: it must be exact. */

type Doc = {
  info: { license?: { name: string } }
  servers?: { url: string }[]
  paths: Record<string, Record<string, Operation>>
  components: { schemas: Record<string, Record<string, unknown>> }
}
type Operation = {
  operationId?: string
  security?: Record<string, string[]>[]
  parameters?: { in: string; name: string }[]
  responses: Record<string, { headers?: Record<string, unknown>; content?: Record<string, { schema: unknown }> }>
}

async function documentOf(env: Record<string, string> = {}): Promise<Doc> {
  const config = loadConfig({ DATABASE_URL: 'sqlite::memory:', LOG_LEVEL: 'silent', ...env })
  const app = await buildApp(config, { logger: false })
  try {
    return app.swagger() as unknown as Doc
  } finally {
    await app.close()
  }
}

function operations(doc: Doc): [string, Operation][] {
  return Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => [`${method} ${path}`, op] as [string, Operation]))
}

const BASE = '/api/v1/vipps-orgs'

describe('the OpenAPI document', () => {
  let doc: Doc
  beforeAll(async () => {
    doc = await documentOf({ ADMIN_TOKENS: 'ops:secret-token' })
  })

  it('names every operation', () => {
    const ids = Object.fromEntries(operations(doc).map(([where, op]) => [where, op.operationId]))
    expect(ids).toMatchObject({
      [`get ${BASE}`]: 'listOrgs',
      [`post ${BASE}`]: 'createOrg',
      [`post ${BASE}:batchCreate`]: 'batchCreateOrgs',
      [`get ${BASE}/{org_id}`]: 'getOrg',
      [`put ${BASE}/{org_id}`]: 'updateOrg',
      [`delete ${BASE}/{org_id}`]: 'deleteOrg',
      [`get ${BASE}/{org_id}/status`]: 'getOrgStatus',
      [`get ${BASE}/{org_id}/history`]: 'getOrgHistory'
    })
    const all = Object.values(ids)
    expect(all.every((id) => typeof id === 'string')).toBe(true)
    expect(new Set(all).size).toBe(all.length)
  })

  it('has named schemas, with the problem code and the scopes as enums', () => {
    const schemas = doc.components.schemas
    for (const name of ['OrgConfig', 'OrgSummary', 'OrgStatus', 'OrgList', 'OrgHistory', 'CreateOrgRequest', 'UpdateOrgRequest', 'Problem', 'Scope', 'Environment']) {
      expect(schemas[name], name).toBeDefined()
    }
    expect(schemas.Problem!.properties).toMatchObject({ code: { $ref: '#/components/schemas/ProblemCode' } })
    expect(schemas.ProblemCode!.enum).toEqual(Object.keys(PROBLEM_TITLES))
    expect(schemas.OrgConfig!.properties).toMatchObject({
      scopes: { type: 'array', items: { $ref: '#/components/schemas/Scope' } },
      created_at: { type: 'string', format: 'date-time' },
      environment: { $ref: '#/components/schemas/Environment' }
    })
    // The create's defaults stay beside the reference.
    expect((schemas.CreateOrgRequest!.properties as Record<string, unknown>).environment).toEqual({
      $ref: '#/components/schemas/Environment',
      default: 'test'
    })
  })

  it('documents every error as application/problem+json, and X-Request-Id on every response', () => {
    for (const [where, op] of operations(doc)) {
      for (const [status, response] of Object.entries(op.responses)) {
        expect(response.headers?.['X-Request-Id'], `${where} ${status}`).toBeDefined()
        if (/^[45]/.test(status)) {
          expect(Object.keys(response.content ?? {}), `${where} ${status}`).toEqual(['application/problem+json'])
        }
      }
    }
  })

  it('documents the response headers and declares the request headers', () => {
    const op = (method: string, path: string) => doc.paths[path]![method]!
    expect(Object.keys(op('post', BASE).responses['201']!.headers!)).toEqual(
      expect.arrayContaining(['Location', 'ETag', 'Idempotent-Replayed'])
    )
    expect(op('get', `${BASE}/{org_id}`).responses['200']!.headers).toHaveProperty('ETag')
    expect(op('get', `${BASE}/{org_id}`).responses['304']!.headers).toHaveProperty('ETag')
    expect(op('get', BASE).responses['4XX']!.headers).toHaveProperty('Retry-After')
    const headerParams = (method: string, path: string) =>
      (op(method, path).parameters ?? []).filter((p) => p.in === 'header').map((p) => p.name.toLowerCase())
    expect(headerParams('post', BASE)).toEqual(['idempotency-key'])
    expect(headerParams('get', `${BASE}/{org_id}`)).toEqual(['if-none-match'])
    expect(headerParams('get', `${BASE}/{org_id}/status`)).toEqual(['if-none-match'])
    expect(headerParams('put', `${BASE}/{org_id}`)).toEqual(['if-match', 'idempotency-key'])
    expect(headerParams('delete', `${BASE}/{org_id}`)).toEqual(['if-match', 'idempotency-key'])
    expect(Object.keys(op('put', `${BASE}/{org_id}`).responses['200']!.headers!)).toEqual(expect.arrayContaining(['ETag', 'Idempotent-Replayed']))
    expect(Object.keys(op('delete', `${BASE}/{org_id}`).responses['200']!.headers!)).toEqual(expect.arrayContaining(['Idempotent-Replayed']))
  })

  it('declares bearer security: required on writes, optional on reads unless AUTH_READS=true', async () => {
    expect(doc.paths[BASE]!.post!.security).toEqual([{ bearerAuth: [] }])
    expect(doc.paths[`${BASE}/{org_id}/status`]!.get!.security).toEqual([{}, { bearerAuth: [] }])
    const closed = await documentOf({ ADMIN_TOKENS: 'ops:secret-token', AUTH_READS: 'true' })
    expect(closed.paths[`${BASE}/{org_id}/status`]!.get!.security).toEqual([{ bearerAuth: [] }])
  })

  it('documents access on every operation under /api/: its security, and 401, 403 and 404 as problems', () => {
    const api = operations(doc).filter(([where]) => where.split(' ')[1]!.startsWith('/api/'))
    expect(api.length).toBeGreaterThan(20)
    for (const [where, op] of api) {
      expect(op.security, where).toBeDefined()
      expect(op.security!.some((s) => 'bearerAuth' in s), where).toBe(true)
      for (const status of ['401', '403', '404']) {
        expect(Object.keys(op.responses[status]?.content ?? {}), `${where} ${status}`).toEqual(['application/problem+json'])
      }
    }
    expect(doc.paths['/api/v1/me']!.get!.security).toEqual([{ bearerAuth: [] }])
    expect(doc.paths['/api/v1/api-keys']!.post!.security).toEqual([{ bearerAuth: [] }])
    expect(doc.paths['/api/v1/webhooks']!.get!.security).toEqual([{ bearerAuth: [] }])
    expect((doc as unknown as { components: { securitySchemes: Record<string, unknown> } }).components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' })
  })

  it('in the open mode every operation may go without a credential', async () => {
    const open = await documentOf()
    for (const [where, op] of operations(open)) expect(op.security?.[0], where).toEqual({})
  })

  it('names its server and its license', async () => {
    expect(doc.servers).toEqual([{ url: 'http://127.0.0.1:3000', description: 'This service' }])
    expect((await documentOf({ PUBLIC_URL: 'https://orgs.example.com/' })).servers?.[0]?.url).toBe('https://orgs.example.com')
    expect(doc.info.license?.name).toBe('MIT')
  })

  it('has patterns any ECMA-262 validator reads alike, with or without the u flag', () => {
    const patterns: string[] = []
    JSON.stringify(doc, (key, value: unknown) => {
      if (key === 'pattern' && typeof value === 'string') patterns.push(value)
      return value
    })
    expect(patterns.length).toBeGreaterThan(2)
    const samples = ['vipps-client-abc123', 'klinikk-øæå-🙂', 'a b', 'tab\tx', 'nul\u0000', 'zw\u200bx', 'bidi\u202e', 'nbsp\u00a0', 'pua\ue000', 'vault://orgs/x/vipps_secret', 'org_helseapp', '\ud83d']
    for (const pattern of patterns) {
      expect(pattern).not.toMatch(/\\p\{/)
      for (const sample of samples) {
        expect(new RegExp(pattern).test(sample), `${pattern} on ${JSON.stringify(sample)}`).toBe(new RegExp(pattern, 'u').test(sample))
      }
    }
  })

  describe('Redocly lint, recommended rules', () => {
    it('finds no error and no warning', async () => {
      await expectLintClean(doc)
    }, 60_000)
  })
})

async function expectLintClean(document: Doc): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'vipps-orgs-openapi-'))
  const file = join(dir, 'openapi.json')
  writeFileSync(file, JSON.stringify(document))
  const run = promisify(execFile)
  const bin = join(import.meta.dirname, '..', 'node_modules', '.bin', 'redocly')
  const result = await run(bin, ['lint', '--extends', 'recommended', '--format', 'json', file], {
    env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' }
  }).catch((err: { stdout?: string; stderr?: string }) => ({ stdout: err.stdout ?? '', stderr: err.stderr ?? '' }))
  const output = result.stdout
  const report = JSON.parse(output.slice(output.indexOf('{'))) as { totals: { errors: number; warnings: number }; problems: { message: string; ruleId: string }[] }
  expect(report.problems.map((p) => `${p.ruleId}: ${p.message}`)).toEqual([])
  expect(report.totals).toMatchObject({ errors: 0, warnings: 0 })
}

describe('the OpenAPI document with people’s sign-in (OIDC_ISSUER)', () => {
  let doc: Doc
  beforeAll(async () => {
    doc = await documentOf({
      ADMIN_TOKENS: 'ops:secret-token',
      OIDC_ISSUER: 'https://login.example.com',
      OIDC_CLIENT_ID: 'vipps-orgs',
      PUBLIC_URL: 'https://orgs.vipps-orgs.test',
      OIDC_PROVIDER_NAME: 'Company SSO'
    })
  })

  it('has the session cookie as a way in wherever a credential is, beside the bearer', () => {
    const schemes = (doc.components as unknown as { securitySchemes: Record<string, Record<string, unknown>> }).securitySchemes
    expect(schemes.sessionCookie).toMatchObject({ type: 'apiKey', in: 'cookie', name: 'vipps_orgs_session', 'x-provider-name': 'Company SSO' })
    expect(doc.paths[BASE]!.post!.security).toEqual(expect.arrayContaining([{ bearerAuth: [] }, { sessionCookie: [] }]))
    expect(doc.paths['/api/v1/me']!.get!.security).toEqual(expect.arrayContaining([{ sessionCookie: [] }]))
  })

  it('documents sign-out (with or without a session); the two redirects of signing in are browser navigations, left out', () => {
    expect(doc.paths['/auth/logout']!.post).toMatchObject({ operationId: 'signOut', security: [{}, { sessionCookie: [] }] })
    expect(doc.paths['/auth/login']).toBeUndefined()
    expect(doc.paths['/auth/callback']).toBeUndefined()
  })

  it('passes Redocly’s recommended rules too', async () => {
    await expectLintClean(doc)
  }, 60_000)
})
