import fastJson from 'fast-json-stringify'
import { describe, expect, it } from 'vitest'
import { OrgConfig, OrgStatus } from '../../src/orgs/schemas.js'
import { orgRecord } from '../support/records.js'
import { toView } from '../../src/orgs/views.js'

const record = orgRecord

describe('toView', () => {
  it('serves the serializers’ text: the same JSON for any client_id, ETag from the version', () => {
    const [full, status] = [fastJson(OrgConfig), fastJson(OrgStatus)]
    for (const clientId of ['vipps-client-1', 'klient-æøå', 'клиент-1', 'client-😀', 'lone-\ud800', 'q"uote\\']) {
      const view = toView(record('org_a', { client_id: clientId, version: 70 }))
      expect([view.full, view.status]).toEqual([full(record('org_a', { client_id: clientId })), status(record('org_a', { client_id: clientId }))])
      expect(JSON.parse(view.full)).toMatchObject({ org_id: 'org_a', client_id: clientId })
      expect(JSON.parse(view.status)).toEqual({ org_id: 'org_a', vipps_enabled: true, client_id: clientId, environment: 'production' })
      expect(view.etag).toBe('"70"')
    }
    expect(toView(record('org_a', { version: 3 })).etag).toBe('"3"')
  })
})
