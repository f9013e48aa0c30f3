import Type from 'typebox'

/** Stable machine words for every error the API returns. */
export type ProblemCode =
  | 'validation_failed'
  | 'malformed_json'
  | 'unsupported_media_type'
  | 'payload_too_large'
  | 'not_found'
  | 'method_not_allowed'
  | 'already_exists'
  | 'precondition_failed'
  | 'idempotency_key_reused'
  | 'unauthorized'
  | 'rate_limited'
  | 'service_unavailable'
  | 'bad_request'
  | 'uri_too_long'
  | 'internal_error'

export interface FieldError {
  field: string
  message: string
}

const TITLES: Record<ProblemCode, string> = {
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
  rate_limited: 'Too many requests',
  service_unavailable: 'Service unavailable',
  bad_request: 'Bad request',
  uri_too_long: 'URI too long',
  internal_error: 'Internal server error'
}

/** An RFC 9457 problem, thrown anywhere and rendered by the one error handler. */
export class Problem extends Error {
  constructor(
    readonly status: number,
    readonly code: ProblemCode,
    readonly detail: string,
    readonly errors?: FieldError[],
    readonly headers: Record<string, string> = {}
  ) {
    super(detail)
    this.name = 'Problem'
  }

  static validation(errors: FieldError[]): Problem {
    const fields = [...new Set(errors.map((e) => e.field))].join(', ')
    return new Problem(400, 'validation_failed', `The request has invalid fields: ${fields}`, errors)
  }

  static notFound(detail: string): Problem {
    return new Problem(404, 'not_found', detail)
  }

  body(instance: string): ProblemBody {
    return {
      type: problemType(this.code),
      title: TITLES[this.code],
      status: this.status,
      detail: this.detail,
      code: this.code,
      instance,
      ...(this.errors ? { errors: this.errors } : {})
    }
  }
}

export function problemType(code: ProblemCode): string {
  return `urn:vipps-orgs:problem:${code}`
}

export const ProblemSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    code: Type.String(),
    instance: Type.Optional(Type.String()),
    errors: Type.Optional(Type.Array(Type.Object({ field: Type.String(), message: Type.String() })))
  },
  { description: 'RFC 9457 problem details' }
)

export type ProblemBody = Type.Static<typeof ProblemSchema>

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8'
