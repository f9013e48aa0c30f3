import { Ajv, type ErrorObject } from 'ajv'
import type { FastifySchemaCompiler } from 'fastify'
import type { FieldError } from './problems.js'

/**
 * Why a value breaks a string format, or undefined when it is fine. Registered as an ajv format,
 * so the message the client gets is the format's own.
 */
export type FormatCheck = (value: string) => string | undefined

/**
 * The annotation a schema carries to say, per failed keyword, what the client should be told
 * (`'*'` for any keyword): `{ pattern: 'must not contain whitespace' }`. The one place messages live
 * is beside the rule they explain.
 */
export const ERROR_MESSAGES = 'x-error-messages'
export type ErrorMessages = Partial<Record<string, string>>

export function withMessages(messages: ErrorMessages): { [ERROR_MESSAGES]: ErrorMessages } {
  return { [ERROR_MESSAGES]: messages }
}

/**
 * Two validators. Bodies: no type coercion ("yes" is not a boolean) and no silent removal of
 * unknown properties (a typo like `scope` is a 400 naming it). Query strings, headers and path
 * parameters arrive as text, so there numbers are coerced ("2" -> 2, but never "2.5" -> 2).
 * Both report every error, not only the first.
 */
function makeAjv(part: 'body' | 'url', formats: Record<string, FormatCheck>): Ajv {
  const ajv = new Ajv({
    allErrors: true,
    coerceTypes: part === 'url',
    useDefaults: part === 'url',
    removeAdditional: false,
    verbose: true,
    strict: true,
    strictTypes: false
  })
  ajv.addKeyword({ keyword: ERROR_MESSAGES, schemaType: 'object' })
  for (const [name, check] of Object.entries(formats)) ajv.addFormat(name, (value: string) => check(value) === undefined)
  return ajv
}

/**
 * Fastify's validator compiler. A feature with formats of its own sets one in its own scope.
 * Failed formats get the format's own message.
 */
export function validatorCompiler(formats: Record<string, FormatCheck> = {}): FastifySchemaCompiler<object> {
  const body = makeAjv('body', formats)
  const url = makeAjv('url', formats)
  return ({ schema, httpPart }) => {
    const validate = (httpPart === 'body' ? body : url).compile(schema)
    const run = (data: unknown) => {
      const ok = validate(data)
      run.errors = validate.errors
      for (const error of validate.errors ?? []) {
        const check = error.keyword === 'format' ? formats[String(error.params.format)] : undefined
        if (check) error.message = check(String(error.data)) ?? error.message
      }
      return ok
    }
    run.errors = null as ErrorObject[] | null | undefined
    return run
  }
}

function decodePointer(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~')
}

/** Header names as people write them: `idempotency-key` -> `Idempotency-Key`. */
function headerCase(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_, dash: string, letter: string) => dash + letter.toUpperCase())
}

function annotated(schema: unknown, keyword: string): string | undefined {
  const messages = (schema as Record<string, ErrorMessages> | undefined)?.[ERROR_MESSAGES]
  return messages?.[keyword] ?? messages?.['*']
}

function fieldError(error: ErrorObject, part: string): FieldError {
  const params = error.params as Record<string, unknown>
  const named = (field: string) => (part === 'headers' ? headerCase(field) : field)
  if (error.keyword === 'required') return { field: named(String(params.missingProperty)), message: 'is required' }
  if (error.keyword === 'additionalProperties') {
    return { field: named(String(params.additionalProperty)), message: 'is not a known field' }
  }
  const path = error.instancePath.split('/').slice(1).map(decodePointer)
  const field = path[0] === undefined ? part : named(path[0])
  if (path.length === 0) {
    if (error.keyword === 'minProperties') return { field, message: 'must name at least one field to change' }
    if (error.keyword === 'type') return { field, message: 'must be a JSON object' }
  }
  // verbose: true gives the schema holding the failed keyword, and with it the messages beside the rule.
  return { field, message: annotated(error.parentSchema, error.keyword) ?? error.message ?? 'is not valid' }
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
