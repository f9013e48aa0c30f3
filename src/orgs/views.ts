import fastJson from 'fast-json-stringify'
import { etagOf } from '../http/etag.js'
import { OrgConfig, OrgStatus } from './schemas.js'
import type { OrgRecord } from './store.js'

// The serializers Fastify would compile from the same response schemas: what is cached is
// exactly what the OpenAPI document describes.
const serializeConfig = fastJson(OrgConfig)
const serializeStatus = fastJson(OrgStatus)

/**
 * A live config as the hot reads serve it: both representations serialized once, when the
 * config enters the read cache, and its ETag. Strings only, so 100,000 of them stay small.
 */
export interface OrgView {
  etag: string
  /** GET /:org_id */
  full: string
  /** GET /:org_id/status */
  status: string
}

export function toView(record: OrgRecord): OrgView {
  return { etag: etagOf(record.version), full: serializeConfig(record), status: serializeStatus(record) }
}
