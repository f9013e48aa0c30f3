import { createHash } from 'node:crypto'
import Type from 'typebox'
import { type Clock, isoMinus } from '../clock.js'
import { problems } from './problems.js'
import { withMessages } from './validation.js'

/**
 * Idempotency-Key (draft-ietf-httpapi-idempotency-key-header): a retried write with the same
 * key, method, path and body answers the first response again, without a second write; the same
 * key with another request is a 422. Keys are kept for 24 hours, per actor.
 */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000

export const IdempotencyKeyHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({
      pattern: '^[\\x21-\\x7e]{1,255}$',
      description:
        'Makes a retried write safe: the same key with the same method, path and body answers the first response again (kept 24 hours), without a second write',
      ...withMessages({ '*': 'must be 1–255 visible ASCII characters' })
    })
  )
})

/** What was answered the first time, as stored. */
export interface StoredResponse {
  requestHash: string
  status: number
  body: string
}

/** The same request (as JSON: operation, target, body), whatever its key order, hashes the same. */
export function requestHash(body: unknown): string {
  return createHash('sha256').update(canonicalJson(body)).digest('hex')
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`)
    return `{${entries.join(',')}}`
  }
  return JSON.stringify(value)
}

/** Records older than this have expired. */
export function idempotencyCutoff(now: Clock): string {
  return isoMinus(now(), IDEMPOTENCY_TTL_MS)
}

/** The first response again, if this is a retry of it; a 422 if the key was used for another body. */
export function replayOf<T>(stored: StoredResponse | undefined, hash: string): { status: number; body: T } | undefined {
  if (!stored) return undefined
  if (stored.requestHash !== hash) throw problems.idempotencyKeyReused()
  return { status: stored.status, body: JSON.parse(stored.body) as T }
}
