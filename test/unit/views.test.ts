import fc from 'fast-check'
import fastJson from 'fast-json-stringify'
import { describe, expect, it } from 'vitest'
import { OrgConfig, OrgStatus } from '../../src/orgs/schemas.js'
import { orgRecord } from '../support/records.js'
import { toView } from '../../src/orgs/views.js'

const record = orgRecord
const [serializeFull, serializeStatus] = [fastJson(OrgConfig), fastJson(OrgStatus)]

describe('toView', () => {
  it('serves the serializers’ text: the same JSON for any client_id, ETag from the version', () => {
    for (const clientId of ['vipps-client-1', 'klient-æøå', 'клиент-1', 'client-😀', 'lone-\ud800', 'q"uote\\', 'a,"b', 'a\\",\\"b', ',"client_secret_ref":']) {
      const view = toView(record('org_a', { client_id: clientId, version: 70 }))
      expect([view.full, view.status]).toEqual([serializeFull(record('org_a', { client_id: clientId })), serializeStatus(record('org_a', { client_id: clientId }))])
      expect(JSON.parse(view.full)).toMatchObject({ org_id: 'org_a', client_id: clientId })
      expect(JSON.parse(view.status)).toEqual({ org_id: 'org_a', vipps_enabled: true, client_id: clientId, environment: 'production' })
      expect(view.etag).toBe('"70"')
    }
    expect(toView(record('org_a', { version: 3 })).etag).toBe('"3"')
  })

  it('builds the status from the full JSON exactly as its own serializer writes it, for any org_id, client_id and flags', () => {
    const orgId = fc.stringMatching(/^[a-z0-9][a-z0-9_-]{1,62}[a-z0-9]$/, { size: 'max' })
    // Every UTF-16 unit, lone surrogates and controls included (each escaped differently), up to the longest client_id.
    const anyUnit = fc.nat(0xffff).map((code) => String.fromCharCode(code))
    const clientId = fc.oneof(
      fc.string({ minLength: 1, maxLength: 255, size: 'max' }),
      fc.string({ unit: 'grapheme', minLength: 1, maxLength: 255, size: 'max' }),
      fc.string({ unit: anyUnit, minLength: 1, maxLength: 255, size: 'max' })
    )
    fc.assert(
      fc.property(orgId, clientId, fc.boolean(), fc.constantFrom('production' as const, 'test' as const), (org, client, enabled, environment) => {
        const r = record(org, { client_id: client, vipps_enabled: enabled, environment })
        const view = toView(r)
        expect(view.full).toBe(serializeFull(r))
        expect(view.status).toBe(serializeStatus(r))
      }),
      { numRuns: 2_000 }
    )
    // The longest of each: a 64-character org_id with 255 client_id characters that all escape.
    const longest = 'o'.repeat(64)
    for (const client of ['\u0001'.repeat(255), '\ud800'.repeat(255), '"'.repeat(255), '\\'.repeat(255), '😀'.repeat(127)]) {
      for (const environment of ['production', 'test'] as const) {
        const r = record(longest, { client_id: client, vipps_enabled: environment === 'test', environment })
        expect(toView(r).status).toBe(serializeStatus(r))
      }
    }
  })
})
