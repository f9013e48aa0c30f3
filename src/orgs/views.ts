import { etagOf } from '../http/etag.js'
import type { OrgConfig } from './store.js'

/**
 * A live config as the hot reads serve it: both representations serialized once, when the
 * config enters the read cache, and its ETag. Strings only, so 100,000 of them stay small.
 */
export interface OrgView {
  etag: string
  /** GET /:org_id: every field of the contract's example, in its order. */
  full: string
  /** GET /:org_id/status */
  status: string
}

export function toView(config: OrgConfig): OrgView {
  const { org_id, client_id, client_secret_ref, redirect_uri, scopes, vipps_enabled, environment, created_at, updated_at } =
    config
  return {
    etag: etagOf(config.version),
    full: JSON.stringify({
      org_id,
      client_id,
      client_secret_ref,
      redirect_uri,
      scopes,
      vipps_enabled,
      environment,
      created_at,
      updated_at
    }),
    status: JSON.stringify({ org_id, vipps_enabled, client_id, environment })
  }
}
