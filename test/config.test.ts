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

  it('refuses production with no way to sign in (ADMIN_TOKENS, OIDC_ISSUER) unless AUTH_DISABLED=true, with a message naming all three', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(ConfigError)
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/ADMIN_TOKENS.*OIDC_ISSUER.*AUTH_DISABLED/s)
    expect(loadConfig({ NODE_ENV: 'production', ADMIN_TOKENS: 'abc' })).toMatchObject({ writesOpen: false, openAccess: false })
    expect(loadConfig({ NODE_ENV: 'production', OIDC_ISSUER: 'https://login.example.com' })).toMatchObject({ writesOpen: false, openAccess: false, oidcIssuer: 'https://login.example.com' })
    expect(loadConfig({ NODE_ENV: 'production', AUTH_DISABLED: 'true' })).toMatchObject({ writesOpen: true, openAccess: true })
    expect(loadConfig({ NODE_ENV: 'production', AUTH_DISABLED: 'true', ADMIN_TOKENS: 'abc' })).toMatchObject({ writesOpen: true, openAccess: false })
  })

  it('is open (requests without a credential may do everything) only with no way to sign in', () => {
    expect(loadConfig({}).openAccess).toBe(true)
    expect(loadConfig({ ADMIN_TOKENS: 'abc' }).openAccess).toBe(false)
    expect(loadConfig({ OIDC_ISSUER: 'https://login.example.com' }).openAccess).toBe(false)
    expect(loadConfig({ OIDC_ISSUER: 'https://login.example.com', AUTH_READS: 'true' }).readsNeedToken).toBe(true)
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
})
