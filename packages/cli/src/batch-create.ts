import { type ChangeRequest, type CreateOrgRequest, type Problem, ProblemError, retryAfterMs, type VippsOrgsClient } from '@vipps-orgs/client'

/** The most orgs one batch create takes (the service's BATCH_MAX_ORGS). */
export const BATCH_MAX_ORGS = 500
/** Orgs a batch create request carries unless `--batch-size` says otherwise. */
export const BATCH_DEFAULT_ORGS = 200
/** The body of a batch stays under the service's 1 MiB limit for it (with room for `{"orgs":[…]}`). */
export const BATCH_MAX_BYTES = 1024 * 1024 - 1024

const BATCH_PATH = '/api/v1/vipps-orgs:batchCreate'

/** One item's answer, in the items' order: created (201), held for approval (202), or its problem. */
export type BatchResult =
  | { org_id: string; status: 201; etag?: string }
  | { org_id: string; status: 202; change_request: ChangeRequest }
  | { org_id?: string; status: number; problem: Problem }

/** The service has no batch create (it answered 404 or 405 on it): create one org a request instead. */
export class BatchUnsupported extends Error {
  constructor(readonly status: number) {
    super(`the service has no batch create (${status})`)
  }
}

/**
 * `POST /api/v1/vipps-orgs:batchCreate` with `orgs`: the results, one per org in their order.
 * One Idempotency-Key for every attempt, so a retry after a network error, a 5xx or a 429 (which
 * waits out Retry-After) replays the first answer instead of creating anything twice. A request
 * refused as a whole throws its ProblemError; a service without the endpoint, BatchUnsupported.
 */
export async function batchCreateOrgs(
  client: VippsOrgsClient,
  orgs: readonly CreateOrgRequest[],
  opts: { idempotencyKey?: string; attempts?: number; baseDelayMs?: number; maxDelayMs?: number } = {}
): Promise<BatchResult[]> {
  const key = opts.idempotencyKey ?? crypto.randomUUID()
  const attempts = Math.max(1, opts.attempts ?? 4)
  const base = opts.baseDelayMs ?? 200
  const max = opts.maxDelayMs ?? 60_000
  // The generated types know this path only once the service's document has it.
  const post = client.raw.POST as unknown as (
    path: string,
    init: { params: { header: { 'idempotency-key': string } }; body: { orgs: readonly CreateOrgRequest[] } }
  ) => Promise<{ data?: { results: BatchResult[] }; error?: unknown; response: Response }>
  for (let attempt = 1; ; attempt++) {
    const last = attempt >= attempts
    let result: Awaited<ReturnType<typeof post>>
    try {
      result = await post(BATCH_PATH, { params: { header: { 'idempotency-key': key } }, body: { orgs } })
    } catch (err) {
      if (last) throw err
      await sleep(backoff(base, max, attempt))
      continue
    }
    const { response } = result
    if (!last && (response.status === 429 || response.status >= 500)) {
      await sleep(Math.min(max, retryAfterMs(response.headers.get('retry-after')) ?? backoff(base, max, attempt)))
      continue
    }
    if (response.status === 404 || response.status === 405) throw new BatchUnsupported(response.status)
    const requestId = response.headers.get('x-request-id') ?? undefined
    if (!response.ok) throw new ProblemError(response.status, result.error, requestId)
    const results = result.data?.results
    if (!Array.isArray(results) || results.length !== orgs.length) throw new ProblemError(response.status, undefined, requestId)
    return results
  }
}

function backoff(base: number, max: number, attempt: number): number {
  const exp = Math.min(max, base * 2 ** (attempt - 1))
  return exp / 2 + Math.random() * (exp / 2)
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
