import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from '../src/config.js'

describe('configuration', () => {
  it('has the documented defaults', () => {
    const config = loadConfig({})
    expect(config).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      databaseUrl: 'sqlite:./data/vipps-orgs.db',
      logLevel: 'info',
      openAccess: true,
      writesOpen: true,
      readsNeedToken: false,
      corsOrigins: [],
      writeRateLimit: { max: 6000, windowMs: 60000 },
      cache: { max: 50000, maxBytes: 64 * 1024 * 1024, ttlMs: 60000 }
    })
  })

  // A complete sign-in of people: OIDC_ISSUER needs its client and the service's own origin.
  const signIn = { OIDC_ISSUER: 'https://login.example.com', OIDC_CLIENT_ID: 'console', PUBLIC_URL: 'https://orgs.example.com' }

  it('refuses production with no way to sign in (ADMIN_TOKENS, OIDC_ISSUER) unless AUTH_DISABLED=true, with a message naming all three', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(ConfigError)
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/ADMIN_TOKENS.*OIDC_ISSUER.*AUTH_DISABLED/s)
    expect(loadConfig({ NODE_ENV: 'production', ADMIN_TOKENS: 'abc' })).toMatchObject({ writesOpen: false, openAccess: false })
    expect(loadConfig({ NODE_ENV: 'production', ...signIn })).toMatchObject({ writesOpen: false, openAccess: false, oidc: { issuer: 'https://login.example.com' } })
    expect(loadConfig({ NODE_ENV: 'production', AUTH_DISABLED: 'true' })).toMatchObject({ writesOpen: true, openAccess: true })
    expect(loadConfig({ NODE_ENV: 'production', AUTH_DISABLED: 'true', ADMIN_TOKENS: 'abc' })).toMatchObject({ writesOpen: true, openAccess: false })
  })

  it('is open (requests without a credential may do everything) only with no way to sign in', () => {
    expect(loadConfig({}).openAccess).toBe(true)
    expect(loadConfig({ ADMIN_TOKENS: 'abc' }).openAccess).toBe(false)
    expect(loadConfig(signIn).openAccess).toBe(false)
    expect(loadConfig({ ...signIn, AUTH_READS: 'true' }).readsNeedToken).toBe(true)
  })

  it('parses name:token and plain token entries, keeping only digests', () => {
    const config = loadConfig({ ADMIN_TOKENS: 'ops:secret-one, secret-two ,,' })
    expect(config.adminTokens.map((t) => t.actor)).toEqual(['ops', 'admin'])
    expect(JSON.stringify(config)).not.toContain('secret-one')
  })

  it.each([
    [{ PORT: 'eighty' }, /PORT/],
    [{ PORT: '70000' }, /PORT/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL/],
    [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL/],
    [{ AUTH_DISABLED: 'yes please' }, /AUTH_DISABLED/],
    [{ AUTH_READS: 'true' }, /AUTH_READS/]
  ])('refuses %o', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message)
  })

  describe('people sign-in (OIDC_*)', () => {
    const oidc = { OIDC_ISSUER: 'https://login.example.com/tenant/v2.0', OIDC_CLIENT_ID: 'console', OIDC_CLIENT_SECRET: 'very-secret-value', PUBLIC_URL: 'https://orgs.example.com/' }

    it('derives the redirect URI from PUBLIC_URL, defaults the roles claim and the provider’s name, keeps the secret out of JSON', () => {
      const config = loadConfig(oidc)
      expect(config.oidc).toMatchObject({
        issuer: 'https://login.example.com/tenant/v2.0',
        clientId: 'console',
        rolesClaim: 'vipps_orgs_roles',
        providerName: 'login.example.com',
        redirectUri: 'https://orgs.example.com/auth/callback'
      })
      expect(config.oidc?.clientSecret).toBe('very-secret-value')
      expect(JSON.stringify(config)).not.toContain('very-secret-value')
      expect(config.sessions).toEqual({ idleMs: 30 * 60_000, maxMs: 12 * 3_600_000 })
      expect(loadConfig({ ...oidc, OIDC_ROLES_CLAIM: 'roles', OIDC_PROVIDER_NAME: 'Entra ID', SESSION_IDLE_MINUTES: '5', SESSION_MAX_HOURS: '1' })).toMatchObject({
        oidc: { rolesClaim: 'roles', providerName: 'Entra ID' },
        sessions: { idleMs: 5 * 60_000, maxMs: 3_600_000 }
      })
    })

    it('counts as a way to sign in: production starts with OIDC_ISSUER alone, writes are not open', () => {
      const config = loadConfig({ ...oidc, NODE_ENV: 'production' })
      expect(config.writesOpen).toBe(false)
      expect(loadConfig(oidc).writesOpen).toBe(false)
      expect(loadConfig({ ...oidc, AUTH_READS: 'true' }).readsNeedToken).toBe(true)
      expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/OIDC_ISSUER/)
    })

    it.each([
      [{ ...oidc, OIDC_CLIENT_ID: '' }, /OIDC_CLIENT_ID/],
      [{ ...oidc, PUBLIC_URL: '' }, /PUBLIC_URL/],
      [{ ...oidc, OIDC_ISSUER: 'login.example.com' }, /OIDC_ISSUER/],
      [{ ...oidc, OIDC_ISSUER: 'http://login.example.com' }, /https/],
      [{ ...oidc, OIDC_ISSUER: 'http://127.0.0.1:9000', NODE_ENV: 'production' }, /https/],
      [{ ...oidc, OIDC_ISSUER: 'https://login.example.com/?tenant=x' }, /query/],
      [{ ...oidc, PUBLIC_URL: 'http://orgs.example.com', NODE_ENV: 'production' }, /https PUBLIC_URL/],
      [{ ...oidc, OIDC_ROLES_CLAIM: 'has space' }, /OIDC_ROLES_CLAIM/],
      [{ ...oidc, SESSION_IDLE_MINUTES: '0' }, /SESSION_IDLE_MINUTES/],
      [{ ...oidc, SESSION_MAX_HOURS: 'forever' }, /SESSION_MAX_HOURS/],
      [{ OIDC_CLIENT_ID: 'console' }, /without OIDC_ISSUER/]
    ])('refuses %o', (env, message) => {
      expect(() => loadConfig(env)).toThrow(ConfigError)
      expect(() => loadConfig(env)).toThrow(message)
    })

    it('takes a plain-http issuer on loopback outside production (a local or test issuer)', () => {
      expect(loadConfig({ ...oidc, OIDC_ISSUER: 'http://127.0.0.1:9000' }).oidc?.issuer).toBe('http://127.0.0.1:9000')
    })
  })
  describe('four eyes (APPROVALS, APPROVAL_TTL_HOURS)', () => {
    it('is off by default, with requests kept 168 hours', () => {
      expect(loadConfig({}).approvals).toEqual({ mode: 'off', ttlMs: 168 * 3_600_000 })
    })

    it('takes production or off, and a TTL in whole hours', () => {
      expect(loadConfig({ APPROVALS: 'production', APPROVAL_TTL_HOURS: '2' }).approvals).toEqual({ mode: 'production', ttlMs: 2 * 3_600_000 })
      expect(loadConfig({ APPROVALS: 'off' }).approvals.mode).toBe('off')
    })

    it('refuses anything else, naming the variable', () => {
      expect(() => loadConfig({ APPROVALS: 'on' })).toThrow(/APPROVALS must be production .* or off, got "on"/)
      expect(() => loadConfig({ APPROVALS: 'test' })).toThrow(ConfigError)
      expect(() => loadConfig({ APPROVAL_TTL_HOURS: '0' })).toThrow(/APPROVAL_TTL_HOURS must be between 1 and 2160/)
      expect(() => loadConfig({ APPROVAL_TTL_HOURS: '1.5' })).toThrow(/APPROVAL_TTL_HOURS must be a whole number/)
    })
  })
})

describe('traces (OTEL_*)', () => {
  it('are off unless an OTLP endpoint is set', () => {
    expect(loadConfig({}).tracing).toBeUndefined()
    expect(loadConfig({ OTEL_SERVICE_NAME: 'orgs', OTEL_TRACES_SAMPLER: 'always_on' }).tracing).toBeUndefined()
  })

  it('derive the traces URL from OTEL_EXPORTER_OTLP_ENDPOINT, take OTEL_EXPORTER_OTLP_TRACES_ENDPOINT as given, and default the rest', () => {
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }).tracing).toEqual({
      tracesUrl: 'http://collector:4318/v1/traces',
      serviceName: 'vipps-orgs',
      sampler: 'parentbased_always_on',
      ratio: 1,
      exportDelayMs: 5000
    })
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'https://otel.example.com/' }).tracing?.tracesUrl).toBe('https://otel.example.com/v1/traces')
    const both = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://b:4318/custom/traces' }
    expect(loadConfig(both).tracing?.tracesUrl).toBe('http://b:4318/custom/traces')
  })

  it('take the service name, the sampler and its ratio, and the export delay', () => {
    const tracing = loadConfig({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
      OTEL_SERVICE_NAME: 'orgs-eu',
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '0.01',
      OTEL_BSP_SCHEDULE_DELAY: '200'
    }).tracing
    expect(tracing).toMatchObject({ serviceName: 'orgs-eu', sampler: 'parentbased_traceidratio', ratio: 0.01, exportDelayMs: 200 })
  })

  it('are off again with OTEL_SDK_DISABLED=true or OTEL_TRACES_EXPORTER=none', () => {
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_SDK_DISABLED: 'true' }).tracing).toBeUndefined()
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_TRACES_EXPORTER: 'none' }).tracing).toBeUndefined()
  })

  it.each([
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' }, /OTEL_EXPORTER_OTLP_ENDPOINT must be an http\(s\) URL/],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'not a url' }, /OTEL_EXPORTER_OTLP_ENDPOINT must be an absolute/],
    [{ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://user:pw@c:4318/v1/traces' }, /credentials.*OTEL_EXPORTER_OTLP_HEADERS/],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4317', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }, /http\/protobuf/],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_TRACES_EXPORTER: 'zipkin' }, /OTEL_TRACES_EXPORTER/],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_TRACES_SAMPLER: 'sometimes' }, /OTEL_TRACES_SAMPLER must be one of/],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '1.5' }, /OTEL_TRACES_SAMPLER_ARG/],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: 'half' }, /OTEL_TRACES_SAMPLER_ARG/],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_BSP_SCHEDULE_DELAY: 'soon' }, /OTEL_BSP_SCHEDULE_DELAY/]
  ])('refuse %o with a message naming the setting', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message)
  })
})
