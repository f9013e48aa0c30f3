import { Ajv, type ErrorObject } from 'ajv'
import type { FastifySchemaCompiler } from 'fastify'
import { redirectUriShapeError } from '../orgs/redirect-uri.js'
import { SCOPES } from '../orgs/schemas.js'
import type { FieldError } from './problems.js'

/**
 * Two validators. Bodies: no type coercion ("yes" is not a boolean) and no silent removal of
 * unknown properties (a typo like `scope` is a 400 naming it). Query strings and path
 * parameters arrive as text, so there numbers are coerced ("2" -> 2, but never "2.5" -> 2).
 * Both report every error, not only the first.
 */
function makeAjv(part: 'body' | 'url'): Ajv {
  const ajv = new Ajv({
    allErrors: true,
    coerceTypes: part === 'url',
    useDefaults: part === 'url',
    removeAdditional: false,
    verbose: true,
    strict: true,
    strictTypes: false
  })
  ajv.addFormat('redirect-uri', (value: string) => redirectUriShapeError(value) === undefined)
  return ajv
}

export function validatorCompiler(): FastifySchemaCompiler<object> {
  const body = makeAjv('body')
  const url = makeAjv('url')
  return ({ schema, httpPart }) => (httpPart === 'body' ? body : url).compile(schema)
}

const HINTS: Record<string, Record<string, string>> = {
  org_id: {
    '*': 'must be 3–64 characters of a-z, 0-9, "_" and "-", starting and ending with a letter or digit'
  },
  client_id: {
    pattern: 'must not contain whitespace or control characters',
    minLength: 'must not be empty'
  },
  client_secret_ref: {
    pattern: 'must be a vault reference such as vault://orgs/<org_id>/vipps_secret, never the secret itself'
  },
  scopes: {
    enum: `must only hold Vipps Login scopes: ${SCOPES.join(', ')}`,
    contains: 'must contain "openid"',
    uniqueItems: 'must not repeat a scope',
    minItems: 'must not be empty'
  },
  environment: { enum: 'must be "production" or "test"' },
  vipps_enabled: { type: 'must be true or false', enum: 'must be true, false or any' },
  page: { '*': 'must be a whole number from 1 to 1000000' },
  limit: { '*': 'must be a whole number from 1 to 100' }
}

function decodePointer(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~')
}

function fieldError(error: ErrorObject, part: string): FieldError {
  const path = error.instancePath.split('/').slice(1).map(decodePointer)
  const params = error.params as Record<string, unknown>
  if (error.keyword === 'required') return { field: String(params.missingProperty), message: 'is required' }
  if (error.keyword === 'additionalProperties') {
    return { field: String(params.additionalProperty), message: 'is not a known field' }
  }
  const field = path[0] ?? part
  if (path.length === 0) {
    if (error.keyword === 'minProperties') return { field, message: 'must name at least one field to change' }
    if (error.keyword === 'type') return { field, message: 'must be a JSON object' }
  }
  if (field === 'redirect_uri' && error.keyword === 'format') {
    return { field, message: redirectUriShapeError(String(error.data)) ?? 'is not a valid redirect URI' }
  }
  const hints = HINTS[field]
  const message = hints?.[error.keyword] ?? hints?.['*'] ?? error.message ?? 'is not valid'
  return { field, message }
}

/** Ajv's errors as `{field, message}`: every bad field once, with the first thing wrong with it. */
export function fieldErrors(errors: ErrorObject[], part: string): FieldError[] {
  const byField = new Map<string, FieldError>()
  for (const error of errors) {
    // The items that failed inside `contains` are not errors themselves; `contains` reports.
    if (error.schemaPath.includes('/contains/')) continue
    const item = fieldError(error, part)
    if (!byField.has(item.field)) byField.set(item.field, item)
  }
  return [...byField.values()]
}
