import { describe, expect, it } from 'vitest'
import { isHeld } from '../../src/change-requests/holding-rule.js'
import type { ConfigFields, Environment } from '../../src/orgs/fields.js'

/**
 * api.md "Change approvals (four eyes)", as a table: each change (a field, or vipps_enabled
 * turned on or off) against the environment before → after. `held` waits for a second person.
 */
type Transition = 'production→production' | 'test→test' | 'test→production' | 'production→test'
const TABLE: Record<string, Record<Transition, 'held' | 'free'>> = {
  client_id: { 'production→production': 'held', 'test→test': 'free', 'test→production': 'held', 'production→test': 'held' },
  client_secret_ref: { 'production→production': 'held', 'test→test': 'free', 'test→production': 'held', 'production→test': 'held' },
  redirect_uri: { 'production→production': 'held', 'test→test': 'free', 'test→production': 'held', 'production→test': 'held' },
  scopes: { 'production→production': 'held', 'test→test': 'free', 'test→production': 'held', 'production→test': 'held' },
  'vipps_enabled on': { 'production→production': 'held', 'test→test': 'free', 'test→production': 'held', 'production→test': 'held' },
  // The kill switch alone is never held; with an environment change it is part of a held write.
  'vipps_enabled off': { 'production→production': 'free', 'test→test': 'free', 'test→production': 'held', 'production→test': 'held' },
  // Only the environment changes (the rows above with the same environment change nothing else).
  'nothing else': { 'production→production': 'free', 'test→test': 'free', 'test→production': 'held', 'production→test': 'held' }
}

function org(environment: Environment, overrides: Partial<ConfigFields> = {}): ConfigFields {
  return {
    client_id: 'client-a',
    client_secret_ref: 'vault://a',
    redirect_uri: 'https://a.example/cb',
    scopes: ['openid'],
    vipps_enabled: true,
    environment,
    ...overrides
  }
}

/** The change of a row: the fields before and after it (the environment aside). */
function change(row: string): [Partial<ConfigFields>, Partial<ConfigFields>] {
  switch (row) {
    case 'client_id':
      return [{}, { client_id: 'client-b' }]
    case 'client_secret_ref':
      return [{}, { client_secret_ref: 'vault://b' }]
    case 'redirect_uri':
      return [{}, { redirect_uri: 'https://b.example/cb' }]
    case 'scopes':
      return [{}, { scopes: ['openid', 'email'] }]
    case 'vipps_enabled on':
      return [{ vipps_enabled: false }, { vipps_enabled: true }]
    case 'vipps_enabled off':
      return [{ vipps_enabled: true }, { vipps_enabled: false }]
    default:
      return [{}, {}]
  }
}

describe('the holding rule (api.md table)', () => {
  for (const [row, columns] of Object.entries(TABLE)) {
    for (const [transition, expected] of Object.entries(columns)) {
      it(`${row}, ${transition}: ${expected}`, () => {
        const [from, to] = transition.split('→') as [Environment, Environment]
        const [beforeFields, afterFields] = change(row)
        const before = org(from, beforeFields)
        const after = org(to, { ...beforeFields, ...afterFields })
        expect(isHeld({ before, after })).toBe(expected === 'held')
      })
    }
  }

  it('creating a production org is held, a test org is not', () => {
    expect(isHeld({ after: org('production') })).toBe(true)
    expect(isHeld({ after: org('production', { vipps_enabled: false }) })).toBe(true)
    expect(isHeld({ after: org('test') })).toBe(false)
  })

  it('deleting a production org is held, a test org is not', () => {
    expect(isHeld({ before: org('production') })).toBe(true)
    expect(isHeld({ before: org('production', { vipps_enabled: false }) })).toBe(true)
    expect(isHeld({ before: org('test') })).toBe(false)
  })

  it('the kill switch with a held field is held as a whole; alone it never is', () => {
    expect(isHeld({ before: org('production'), after: org('production', { vipps_enabled: false, client_id: 'client-b' }) })).toBe(true)
    expect(isHeld({ before: org('production'), after: org('production', { vipps_enabled: false, scopes: ['openid', 'nin'] }) })).toBe(true)
    expect(isHeld({ before: org('production'), after: org('production', { vipps_enabled: false }) })).toBe(false)
  })

  it('a write that changes nothing is not held', () => {
    expect(isHeld({ before: org('production'), after: org('production') })).toBe(false)
    expect(isHeld({ before: org('production', { vipps_enabled: false }), after: org('production', { vipps_enabled: false }) })).toBe(false)
  })
})
