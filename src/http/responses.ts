import type { TSchema } from 'typebox'

/**
 * Response schemas as the OpenAPI document shows them: a description, the headers the response
 * carries, and the body's schema per media type. Fastify serializes with the same schema.
 */
export const RESPONSE_HEADERS = {
  ETag: { type: 'string', description: 'The version of the resource as a strong entity tag ("3"); send it as If-Match or If-None-Match' },
  Location: { type: 'string', description: 'Where the created resource lives' },
  'Idempotent-Replayed': { type: 'string', enum: ['true'], description: 'This is the first response again: a retry with the same Idempotency-Key' },
  'Retry-After': { type: 'string', description: 'Seconds to wait before trying again' }
} as const

export type ResponseHeader = keyof typeof RESPONSE_HEADERS

function headersOf(names: readonly ResponseHeader[]) {
  return Object.fromEntries(names.map((name) => [name, RESPONSE_HEADERS[name]]))
}

export function jsonResponse(schema: TSchema, description: string, headers: readonly ResponseHeader[] = []) {
  return { description, headers: headersOf(headers), content: { 'application/json': { schema } } }
}

/** 304 Not Modified: no body, the current ETag. */
export const notModifiedResponse = { type: 'null', description: 'Not modified: the copy the client holds is current', headers: headersOf(['ETag']) }
