import fastJson from 'fast-json-stringify'
import { etagOf } from '../http/etag.js'
import { OrgConfig, OrgStatus } from './schemas.js'
import type { OrgRecord } from './store.js'

// The serializers Fastify would compile from the same response schemas: what is cached is
// exactly what the OpenAPI document describes.
const serializeConfig = fastJson(OrgConfig)
const serializeStatus = fastJson(OrgStatus)

/** How both hot reads answer with a view: JSON, revalidated with its ETag before every use. */
export const VIEW_CONTENT_TYPE = 'application/json; charset=utf-8'
export const VIEW_CACHE_CONTROL = 'no-cache'

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

/**
 * The same text as one contiguous string. A serializer builds its JSON by appending, which V8
 * keeps as a tree of the pieces until the string is first read as a whole (written to a socket):
 * a cached view would hold that tree (about three times the text) until its first read, and then
 * the flat copy plus the tree's root for good. The JSON is valid UTF-8 (lone surrogates are
 * escaped), so the round trip gives the same text.
 */
export function flatCopy(text: string): string {
  return Buffer.from(text, 'utf8').toString('utf8')
}

export function toView(record: OrgRecord): OrgView {
  return { etag: etagOf(record.version), full: flatCopy(serializeConfig(record)), status: flatCopy(serializeStatus(record)) }
}
