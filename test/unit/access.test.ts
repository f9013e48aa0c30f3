import { describe, expect, it } from 'vitest'
import { futureTimeError } from '../../src/api-keys/future-time.js'
import { FakeApiKeyStore } from '../../src/api-keys/fake-store.js'
import { newKeyMaterial } from '../../src/api-keys/key-material.js'
import { ApiKeyRegistry } from '../../src/api-keys/registry.js'
import { BadCredentialLimiter } from '../../src/http/access/failures.js'
import { grantAllows, RIGHTS, ROLE_RIGHTS } from '../../src/http/access/rights.js'

describe('the role table', () => {
  it('gives each role the rights of the one below it, and limited grants nothing about every org', () => {
    for (const right of ROLE_RIGHTS.viewer) expect(ROLE_RIGHTS.editor.has(right)).toBe(true)
    for (const right of ROLE_RIGHTS.editor) expect(ROLE_RIGHTS.admin.has(right)).toBe(true)
    expect([...ROLE_RIGHTS.admin].sort()).toEqual(Object.keys(RIGHTS).sort())
    expect(grantAllows({ role: 'viewer', orgIds: null }, 'webhooks:read')).toBe(true)
    expect(grantAllows({ role: 'viewer', orgIds: ['org_a'] }, 'webhooks:read')).toBe(false)
    expect(grantAllows({ role: 'editor', orgIds: ['org_a'] }, 'orgs:write')).toBe(true)
    expect(grantAllows({ role: 'viewer', orgIds: null }, 'orgs:write')).toBe(false)
    expect(grantAllows(null, 'orgs:read')).toBe(false)
  })
})

describe('BadCredentialLimiter', () => {
  it('refuses an address after 20 bad credentials until its minute is over', () => {
    let now = 1_000_000
    const limiter = new BadCredentialLimiter(20, () => now)
    for (let i = 0; i < 19; i++) limiter.recordFailure('a')
    expect(limiter.retryAfter('a')).toBe(0)
    limiter.recordFailure('a')
    expect(limiter.retryAfter('a')).toBe(60)
    expect(limiter.retryAfter('b')).toBe(0)
    now += 45_500
    expect(limiter.retryAfter('a')).toBe(15)
    now += 14_500
    expect(limiter.retryAfter('a')).toBe(0)
    limiter.recordFailure('a')
    expect(limiter.retryAfter('a')).toBe(0)
  })
})

describe('an API key’s expiry', () => {
  it('is an RFC 3339 time in the future', () => {
    const now = Date.parse('2026-03-26T10:00:00Z')
    expect(futureTimeError('2026-03-26T10:00:01Z', now)).toBeUndefined()
    expect(futureTimeError('2026-03-26T12:00:00+02:00', now)).toBe('must be in the future')
    expect(futureTimeError('2026-03-26T10:00:00Z', now)).toBe('must be in the future')
    for (const bad of ['2026-02-30T00:00:00Z', '2027-13-01T00:00:00Z', '2027-01-01', 'tomorrow', '2027-01-01T00:00:00']) {
      expect(futureTimeError(bad, now), bad).toMatch(/RFC 3339/)
    }
  })
})

describe('ApiKeyRegistry', () => {
  const headers = (key: string) => ({ headers: { authorization: `Bearer ${key}` } })
  const record = (id: string, digest: string, prefix: string, expires_at: string | null = null) => ({
    id,
    name: id,
    role: 'viewer' as const,
    org_ids: null,
    digest,
    prefix,
    created_at: '2026-03-26T10:00:00Z',
    created_by: { type: 'token' as const, id: 'ops', name: 'ops' },
    owner_id: 'ops',
    expires_at,
    revoked_at: null,
    last_used_at: null
  })
  const log = { warn: () => undefined, info: () => undefined }

  it('knows a key by its digest, refuses it once expired or revoked, and writes the minute of its last use once', async () => {
    let now = Date.parse('2026-03-26T10:00:30Z')
    const store = new FakeApiKeyStore()
    const registry = new ApiKeyRegistry(store, log, () => now)
    const { key, digest, prefix } = newKeyMaterial()
    await store.create(record('key_a', digest, prefix, '2026-03-26T11:00:00Z'))
    await registry.refresh()
    expect(registry.lookup(headers(key))?.actor).toEqual({ type: 'api_key', id: 'key_a', name: 'key_a' })
    expect(registry.lookup(headers(`${key.slice(0, -1)}x`))).toBeNull()
    expect(registry.lookup({ headers: {} })).toBeNull()
    expect(registry.lastUsedHere('key_a')).toBe('2026-03-26T10:00:00Z')
    now += 20_000
    registry.lookup(headers(key))
    await registry.stop()
    expect((await store.get('key_a'))?.last_used_at).toBe('2026-03-26T10:00:00Z')
    now = Date.parse('2026-03-26T11:00:00Z')
    expect(registry.lookup(headers(key))).toBeNull()
    now = Date.parse('2026-03-26T10:30:00Z')
    await store.revoke('key_a', '2026-03-26T10:30:00Z')
    expect(registry.lookup(headers(key))).not.toBeNull()
    await registry.refresh()
    expect(registry.lookup(headers(key))).toBeNull()
  })
})
