/** The orgs API's path, for the service and the baseline alike. */
export const BASE = '/api/v1/vipps-orgs'

/** The organizations the benchmark seeds: the same for the service and the baseline. */
export function benchOrgId(i: number): string {
  return `bench_org_${String(i).padStart(6, '0')}`
}

export function benchOrg(i: number) {
  const orgId = benchOrgId(i)
  return {
    org_id: orgId,
    client_id: `vipps-client-${i.toString(36)}`,
    client_secret_ref: `vault://orgs/${orgId}/vipps_secret`,
    redirect_uri: 'https://app.example.com/vipps/callback',
    scopes: ['openid', 'phoneNumber', 'name'],
    environment: i % 4 === 0 ? 'test' : 'production'
  }
}
