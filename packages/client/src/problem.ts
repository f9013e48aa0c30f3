import type { components } from './openapi.js'

export type Problem = components['schemas']['Problem']
export type ProblemCode = components['schemas']['ProblemCode']
export type FieldError = components['schemas']['FieldError']

/**
 * Every error answer of the service, as a typed error: `status`, the stable `code`, and for
 * validation the field `errors`. An answer that is not a problem document (a proxy's 502 page)
 * gets the code `unexpected_response`. Carries no request headers, so no token can leak from it.
 */
export class ProblemError extends Error {
  override readonly name = 'ProblemError'
  readonly status: number
  readonly code: ProblemCode | 'unexpected_response'
  readonly errors: FieldError[]
  readonly problem: Problem | undefined
  readonly requestId: string | undefined

  constructor(status: number, body: unknown, requestId?: string) {
    const problem = isProblem(body) ? body : undefined
    super(problem ? `${problem.status} ${problem.code}: ${problem.detail}` : `${status}: unexpected response from the service`)
    this.status = status
    this.code = problem?.code ?? 'unexpected_response'
    this.errors = problem?.errors ?? []
    this.problem = problem
    this.requestId = requestId
  }

  /** The problem as one line, then one line per bad field: how the CLI prints it. */
  describe(): string {
    return [this.message, ...this.errors.map((e) => `  ${e.field}: ${e.message}`)].join('\n')
  }
}

function isProblem(body: unknown): body is Problem {
  if (typeof body !== 'object' || body === null) return false
  const b = body as Record<string, unknown>
  return typeof b.code === 'string' && typeof b.status === 'number' && typeof b.detail === 'string'
}
