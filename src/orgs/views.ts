import fastJson from 'fast-json-stringify'
import { etagOf } from '../http/etag.js'
import { OrgConfig } from './schemas.js'
import type { OrgRecord } from './store.js'

// The serializer Fastify would compile from the same response schema: what is cached is exactly
// what the OpenAPI document describes (the status's text is held to OrgStatus's serializer by
// test/unit/views.test.ts).
const serializeConfig = fastJson(OrgConfig)

/** How both hot reads answer with a view: JSON, revalidated with its ETag before every use. */
export const VIEW_CONTENT_TYPE = 'application/json; charset=utf-8'
export const VIEW_CACHE_CONTROL = 'no-cache'

/**
 * A live config as the hot reads serve it: the full JSON serialized once, when the config enters
 * the read cache, and its ETag. The status is four of the config's fields, and its text is built
 * from two pieces of the full JSON on each read: a copy of its own would be 12 MB more at 100,000
 * orgs (about 120 bytes each, two thirds of them the key names), against three concatenations of
 * short strings per status read.
 */
export class OrgView {
  constructor(
    readonly etag: string,
    /** GET /:org_id */
    readonly full: string,
    /**
     * Where the status's pieces end in `full`, with its two flags, in one small integer:
     * (end of `,"client_id":…`) * 1024 + (end of `{"org_id":…`) * 4 + (vipps_enabled ? 2 : 0) + (production ? 1 : 0).
     */
    private readonly statusShape: number
  ) {}

  /** GET /:org_id/status: `{"org_id":…,"vipps_enabled":…,"client_id":…,"environment":…}`, as OrgStatus's serializer writes it. */
  get status(): string {
    const shape = this.statusShape
    const idEnd = (shape >>> 2) & 255
    return (
      this.full.slice(0, idEnd) +
      (shape & 2 ? ',"vipps_enabled":true' : ',"vipps_enabled":false') +
      this.full.slice(idEnd, shape >>> 10) +
      (shape & 1 ? ',"environment":"production"}' : ',"environment":"test"}')
    )
  }
}

/** The representation a hot read serves, taken from the view only when a body is sent (not for a 304). */
export type ViewBody = (view: OrgView) => string
export const fullBody: ViewBody = (view) => view.full
export const statusBody: ViewBody = (view) => view.status

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

const CLIENT_ID_KEY = ',"client_id":'

/** The end of the JSON string that opens at `open` (its closing quote, + 1): the first `"` not escaped. */
function jsonStringEnd(text: string, open: number): number {
  for (let i = open + 1; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === 0x5c) i++
    else if (c === 0x22) return i + 1
  }
  return text.length
}

/**
 * The view of a record. The full JSON starts `{"org_id":"…","client_id":"…",` (the contract's
 * order): the org_id ends where `,"client_id":` starts (an org_id is a-z, 0-9, "_" and "-").
 */
export function toView(record: OrgRecord): OrgView {
  const full = flatCopy(serializeConfig(record))
  const idEnd = full.indexOf(CLIENT_ID_KEY)
  const clientEnd = jsonStringEnd(full, idEnd + CLIENT_ID_KEY.length)
  // Cannot happen while OrgConfig starts with org_id and client_id (a schema change would break it).
  if (idEnd < 0 || idEnd > 255 || clientEnd >= full.length) throw new Error('OrgConfig no longer starts with org_id and client_id: see OrgView.status')
  const shape = clientEnd * 1024 + idEnd * 4 + (record.vipps_enabled ? 2 : 0) + (record.environment === 'production' ? 1 : 0)
  return new OrgView(etagOf(record.version), full, shape)
}
