import Type from 'typebox'

/** Stable machine words for every error the API returns; the OpenAPI document lists them as an enum. */
export const PROBLEM_TITLES = {
  validation_failed: 'Validation failed',
  malformed_json: 'Malformed JSON body',
  unsupported_media_type: 'Unsupported media type',
  payload_too_large: 'Payload too large',
  not_found: 'Not found',
  method_not_allowed: 'Method not allowed',
  already_exists: 'Already exists',
  precondition_failed: 'Precondition failed',
  idempotency_key_reused: 'Idempotency key reused',
  unauthorized: 'Unauthorized',
  forbidden: 'Forbidden',
  csrf_failed: 'Cross-site request refused',
  sign_in_failed: 'Sign-in failed',
  rate_limited: 'Too many requests',
  service_unavailable: 'Service unavailable',
  bad_request: 'Bad request',
  uri_too_long: 'URI too long',
  invalid_cursor: 'Invalid cursor',
  secrets_key_required: 'SECRETS_KEY required',
  self_approval: 'Self-approval refused',
  change_request_closed: 'Change request closed',
  change_request_stale: 'Change request stale',
  internal_error: 'Internal server error'
} as const

export type ProblemCode = keyof typeof PROBLEM_TITLES

export interface FieldError {
  field: string
  message: string
}

/** An RFC 9457 problem, thrown anywhere and rendered by the one error handler. Build it with `problems`. */
export class Problem extends Error {
  constructor(
    readonly status: number,
    readonly code: ProblemCode,
    readonly detail: string,
    readonly errors?: FieldError[],
    readonly headers: Record<string, string> = {},
    /** The right a 403 is about. */
    readonly right?: string
  ) {
    super(detail)
    this.name = 'Problem'
  }

  body(instance: string): ProblemBody {
    return {
      type: problemType(this.code),
      title: PROBLEM_TITLES[this.code],
      status: this.status,
      detail: this.detail,
      code: this.code,
      instance,
      ...(this.errors ? { errors: this.errors } : {}),
      ...(this.right ? { right: this.right } : {})
    }
  }
}

const RETRY_SOON = { 'retry-after': '1' }

/** Every problem the API answers, by name. */
export const problems = {
  validation(errors: FieldError[]): Problem {
    const fields = [...new Set(errors.map((e) => e.field))].join(', ')
    return new Problem(400, 'validation_failed', `The request has invalid fields: ${fields}`, errors)
  },
  invalidField(field: string, message: string): Problem {
    return problems.validation([{ field, message }])
  },
  malformedJson(detail = 'The body is not valid JSON (or holds a __proto__/constructor key)'): Problem {
    return new Problem(400, 'malformed_json', detail)
  },
  badRequest(detail: string): Problem {
    return new Problem(400, 'bad_request', detail)
  },
  unauthorized(detail: string, challenge: string): Problem {
    return new Problem(401, 'unauthorized', detail, undefined, { 'www-authenticate': challenge })
  },
  /** A credential that does not carry the right the request needs. */
  forbidden(right: string, detail: string): Problem {
    return new Problem(403, 'forbidden', detail, undefined, {}, right)
  },
  /** A cookie-authenticated write without the session's X-CSRF-Token or from another Origin. */
  csrfFailed(detail: string): Problem {
    return new Problem(403, 'csrf_failed', detail)
  },
  /** A sign-in that cannot go on (a failed check, an expired or replayed callback): start again. */
  signInFailed(detail: string): Problem {
    return new Problem(400, 'sign_in_failed', detail)
  },
  notFound(detail: string): Problem {
    return new Problem(404, 'not_found', detail)
  },
  methodNotAllowed(method: string, allow: string): Problem {
    return new Problem(405, 'method_not_allowed', `${method} is not allowed here; use ${allow}`, undefined, { allow })
  },
  alreadyExists(detail: string): Problem {
    return new Problem(409, 'already_exists', detail)
  },
  preconditionFailed(detail: string): Problem {
    return new Problem(412, 'precondition_failed', detail)
  },
  payloadTooLarge(limitBytes: number): Problem {
    return new Problem(413, 'payload_too_large', `The body must not be larger than ${limitBytes / 1024} KiB`)
  },
  uriTooLong(detail: string): Problem {
    return new Problem(414, 'uri_too_long', detail)
  },
  unsupportedMediaType(detail = 'Send the body as application/json'): Problem {
    return new Problem(415, 'unsupported_media_type', detail)
  },
  invalidCursor(cursor: string): Problem {
    const shown = cursor.length > 64 ? `${cursor.slice(0, 64)}…` : cursor
    return new Problem(400, 'invalid_cursor', `"${shown}" is not a cursor of this feed: pass back a next_cursor, or after=now`)
  },
  idempotencyKeyReused(): Problem {
    return new Problem(
      422,
      'idempotency_key_reused',
      'This Idempotency-Key was used with a different request body in the last 24 hours'
    )
  },
  /** The server is not set up for what was asked; only its operator can change that. */
  secretsKeyRequired(): Problem {
    return new Problem(
      501,
      'secrets_key_required',
      'Webhooks need SECRETS_KEY in production, so their secrets are encrypted at rest: set it to 32 random bytes in base64'
    )
  },
  rateLimited(detail: string, retryAfterSeconds?: number): Problem {
    return new Problem(429, 'rate_limited', detail, undefined, retryAfterSeconds === undefined ? {} : { 'retry-after': String(retryAfterSeconds) })
  },
  internal(): Problem {
    return new Problem(500, 'internal_error', 'An unexpected error occurred')
  },
  /** The request may succeed shortly (database down, too much contention): 503 with Retry-After. */
  unavailable(detail = 'The database is not available; try again shortly'): Problem {
    return new Problem(503, 'service_unavailable', detail, undefined, RETRY_SOON)
  }
}

export function problemType(code: ProblemCode): string {
  return `urn:vipps-orgs:problem:${code}`
}

const ProblemCodeSchema = Type.Unsafe<ProblemCode>({
  type: 'string',
  enum: Object.keys(PROBLEM_TITLES),
  title: 'ProblemCode',
  description: 'A stable machine word for the problem'
})

const FieldErrorSchema = Type.Object(
  {
    field: Type.String({ description: 'The field, query parameter or header (as `Idempotency-Key`)' }),
    message: Type.String({ description: 'What is wrong with it, for people' })
  },
  { title: 'FieldError' }
)

export const ProblemSchema = Type.Object(
  {
    type: Type.String({ description: 'urn:vipps-orgs:problem:<code>' }),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    code: ProblemCodeSchema,
    instance: Type.Optional(Type.String({ description: 'The path the problem is about' })),
    errors: Type.Optional(Type.Array(FieldErrorSchema, { description: 'Every bad field, once (validation_failed)' })),
    right: Type.Optional(Type.String({ description: 'The right the credential lacks (forbidden)' }))
  },
  { title: 'Problem', description: 'RFC 9457 problem details' }
)

export type ProblemBody = Type.Static<typeof ProblemSchema>

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8'

const RETRY_AFTER = { 'Retry-After': { type: 'string', description: 'Seconds to wait before trying again (429, 503)' } }

/** A response schema for problems, documented (and serialized) as application/problem+json. */
export function problemResponse(description: string) {
  return { description, headers: RETRY_AFTER, content: { 'application/problem+json': { schema: ProblemSchema } } }
}

/** The error responses every endpoint may give, for a route's `response` schema. */
export const problemResponses = {
  '4xx': problemResponse('A problem with the request (RFC 9457)'),
  '5xx': problemResponse('The service could not answer (RFC 9457)')
}
