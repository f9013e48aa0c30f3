import type { OrgRecord } from '../../src/orgs/store.js'

/** A stored org as the store returns it, for unit tests of what sits above the store. */
export const orgRecord = (orgId: string, extra: Partial<OrgRecord> = {}): OrgRecord => ({
  org_id: orgId,
  client_id: `vipps-client-${orgId}`,
  client_secret_ref: `vault://orgs/${orgId}/vipps_secret`,
  redirect_uri: 'https://app.example.com/vipps/callback',
  scopes: ['openid', 'name'],
  vipps_enabled: true,
  environment: 'production',
  created_at: '2026-03-26T10:00:00Z',
  updated_at: '2026-03-26T10:00:00Z',
  version: 1,
  ...extra
})
