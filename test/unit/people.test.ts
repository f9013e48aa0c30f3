import { describe, expect, it } from 'vitest'
import { grantFromRoles } from '../../src/people/grant.js'
import { DEFAULT_RETURN_TO, safeReturnTo } from '../../src/people/return-to.js'
import { csrfTokenOf, digestOf, isId, newId, signInChecks } from '../../src/people/secrets.js'

describe('grantFromRoles (the roles claim)', () => {
  it.each<[unknown, ReturnType<typeof grantFromRoles>]>([
    [['admin'], { role: 'admin', orgIds: null }],
    ['admin', { role: 'admin', orgIds: null }],
    [['viewer', 'editor'], { role: 'editor', orgIds: null }],
    [['viewer'], { role: 'viewer', orgIds: null }],
    [['editor:org-b', 'editor:org-a', 'editor:org-a'], { role: 'editor', orgIds: ['org-a', 'org-b'] }],
    // One grant: nothing is widened, the stronger limited role wins.
    [['viewer:org-c', 'editor:org-a'], { role: 'editor', orgIds: ['org-a'] }],
    [['viewer', 'editor:org-a'], { role: 'editor', orgIds: ['org-a'] }],
    [['viewer:org-c'], { role: 'viewer', orgIds: ['org-c'] }],
    [['admin:org-a', 'Editor', 'editor:', 'editor:NOT_AN_ORG', 'owner', 42], null],
    [[], null],
    [undefined, null],
    [{ role: 'admin' }, null]
  ])('%j gives %j', (claim, grant) => {
    expect(grantFromRoles(claim)).toEqual(grant)
  })
})

describe('safeReturnTo', () => {
  it.each(['/console/', '/console/orgs/a?tab=history#top', '/docs', '/%2F%2Fevil.example'])('keeps %j', (path) => {
    expect(safeReturnTo(path)).toBe(path)
  })

  it.each([
    '//evil.example',
    '///evil.example',
    '/\\evil.example',
    '\\\\evil.example',
    '/\t/evil.example',
    '/\n/evil.example',
    'https://evil.example/console/',
    'https:evil.example',
    'evil.example',
    '%2F%2Fevil.example',
    'javascript:alert(1)',
    '/auth/login',
    '/auth/callback?code=x',
    '/auth',
    '',
    '/' + 'a'.repeat(2048),
    undefined,
    ['/console/']
  ])('refuses %j', (raw) => {
    expect(safeReturnTo(raw)).toBe(DEFAULT_RETURN_TO)
  })
})

describe('secrets', () => {
  it('an id is 32 random bytes; what is derived from it differs by purpose and says nothing of it', () => {
    const id = newId()
    expect(isId(id)).toBe(true)
    expect(isId(`${id}x`)).toBe(false)
    expect(isId(id.replace(/.$/, '+'))).toBe(false)
    expect(newId()).not.toBe(id)
    const derived = [digestOf(id), csrfTokenOf(id), ...Object.values(signInChecks(id))]
    expect(new Set(derived).size).toBe(derived.length)
    for (const value of derived) expect(value).not.toContain(id)
    expect(signInChecks(id).codeVerifier).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(csrfTokenOf(id)).toBe(csrfTokenOf(id))
  })
})
