import { type BatchCreateResult, type CreateOrgRequest, ProblemError, type VippsOrgsClient } from '@vipps-orgs/client'

/** The most orgs one batch create takes (the service's BATCH_MAX_ORGS). */
export const BATCH_MAX_ORGS = 500
/** Orgs a batch create request carries unless `--batch-size` says otherwise. */
export const BATCH_DEFAULT_ORGS = 200
/** The body of a batch stays under the service's 1 MiB limit for it (with room for `{"orgs":[…]}`). */
export const BATCH_MAX_BYTES = 1024 * 1024 - 1024

/** The service has no batch create (it answered 404 or 405 on it): create one org a request instead. */
export class BatchUnsupported extends Error {
  constructor(readonly status: number) {
    super(`the service has no batch create (${status})`)
  }
}

/**
 * The client's `batchCreateOrgs`: one result per org, in their order, with one Idempotency-Key for
 * every attempt, so a retry replays the first answer instead of creating anything twice. The
 * client retries a network error, a 503 and a 429 (waiting out Retry-After); any other 5xx is
 * sent again here too. A service without the endpoint throws BatchUnsupported; any other refusal
 * of the batch as a whole, its ProblemError.
 */
export async function batchCreateOrgs(client: VippsOrgsClient, orgs: CreateOrgRequest[], opts: { attempts?: number; baseDelayMs?: number } = {}): Promise<BatchCreateResult[]> {
  const idempotencyKey = crypto.randomUUID()
  const attempts = Math.max(1, opts.attempts ?? 3)
  const base = opts.baseDelayMs ?? 200
  for (let attempt = 1; ; attempt++) {
    let results: BatchCreateResult[]
    try {
      results = await client.batchCreateOrgs(orgs, { idempotencyKey })
    } catch (err) {
      if (err instanceof ProblemError && (err.status === 404 || err.status === 405)) throw new BatchUnsupported(err.status)
      if (err instanceof ProblemError && err.status >= 500 && err.status !== 503 && attempt < attempts) {
        await new Promise((resolve) => setTimeout(resolve, base * 2 ** (attempt - 1)))
        continue
      }
      throw err
    }
    if (results.length !== orgs.length) throw new ProblemError(200, undefined)
    return results
  }
}
