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
      writesOpen: true,
      readsNeedToken: false,
      corsOrigins: [],
      writeRateLimit: { max: 6000, windowMs: 60000 },
      cache: { max: 50000, maxBytes: 64 * 1024 * 1024, ttlMs: 60000 }
    })
  })

  it('refuses production without ADMIN_TOKENS or AUTH_DISABLED, with a message naming both', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(ConfigError)
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/ADMIN_TOKENS.*AUTH_DISABLED/s)
    expect(loadConfig({ NODE_ENV: 'production', ADMIN_TOKENS: 'abc' }).writesOpen).toBe(false)
    expect(loadConfig({ NODE_ENV: 'production', AUTH_DISABLED: 'true' }).writesOpen).toBe(true)
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
