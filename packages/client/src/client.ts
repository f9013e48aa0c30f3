import createFetchClient from 'openapi-fetch'
import type { components, paths } from './openapi.js'
import { type ChangeRequest, HeldForApproval } from './held.js'
import { ProblemError } from './problem.js'
import { type RetryOptions, sleep, withRetries } from './retry.js'
import { StatusCache, type StatusFetch } from './status-cache.js'

type Schemas = components['schemas']
export type OrgConfig = Schemas['OrgConfig']
export type OrgSummary = Schemas['OrgSummary']
export type OrgList = Schemas['OrgList']
export type OrgStatus = Schemas['OrgStatus']
export type CreateOrgRequest = Schemas['CreateOrgRequest']
/** One item's result of `batchCreateOrgs`: created (201), held for approval (202), or its problem (4xx). */
export type BatchCreateResult = Schemas['BatchCreateResult']
export type UpdateOrgRequest = Schemas['UpdateOrgRequest']
export type UpdatedOrg = Schemas['UpdatedOrg']
export type DeletedOrg = Schemas['DeletedOrg']
export type OrgHistory = Schemas['OrgHistory']
export type FeedEvent = Schemas['FeedEvent']
export type EventList = Schemas['EventList']
export type Webhook = Schemas['Webhook']
export type CreatedWebhook = Schemas['CreatedWebhook']
export type CreateWebhookRequest = Schemas['CreateWebhookRequest']
export type UpdateWebhookRequest = Schemas['UpdateWebhookRequest']
export type RotatedSecret = Schemas['RotatedSecret']
export type QueuedTestEvent = Schemas['QueuedTestEvent']
export type DeliveryList = Schemas['DeliveryList']
export type Environment = Schemas['Environment']
export type Actor = Schemas['Actor']
export type Role = Schemas['Role']
export type Me = Schemas['Me']
export type ApiKey = Schemas['ApiKey']
export type CreatedApiKey = Schemas['CreatedApiKey']
export type CreateApiKeyRequest = Schemas['CreateApiKeyRequest']
export type Scope = Schemas['Scope']
export type SignedOut = Schemas['SignedOut']
export type { ChangeRequest } from './held.js'
export type ChangeRequestState = Schemas['ChangeRequestState']
export type ChangeRequestList = Schemas['ChangeRequestList']
export type ListChangeRequestsQuery = NonNullable<paths['/api/v1/change-requests']['get']['parameters']['query']>
export type ListOrgsQuery = NonNullable<paths['/api/v1/vipps-orgs']['get']['parameters']['query']>
export type ListEventsQuery = NonNullable<paths['/api/v1/events']['get']['parameters']['query']>
export type HistoryQuery = NonNullable<paths['/api/v1/vipps-orgs/{org_id}/history']['get']['parameters']['query']>

export interface ClientOptions {
  /** Where the service answers, e.g. `https://orgs.example.com` (no `/api/v1`). */
  baseUrl: string
  /**
   * The credential, sent as `Authorization: Bearer <token>`: an API key (`vok_…`) or a bootstrap
   * token (ADMIN_TOKENS). Needed for writes, and for reads when the service runs with `AUTH_READS=true`.
   */
  token?: string
  /**
   * Whether requests carry the browser's cookies: `same-origin` for a page of the service itself
   * (the console, signed in with the identity provider). Default: fetch's own.
   */
  credentials?: RequestCredentials
  /**
   * A person's session (cookie): its CSRF token (`csrf_token` of GET /api/v1/me), sent as
   * `X-CSRF-Token` with every POST, PUT and DELETE; a function is asked at each request.
   */
  csrfToken?: string | (() => string | undefined)
  /** A `fetch` to send requests with (default: the global one); each retry calls it again. */
  fetch?: (input: Request) => Promise<Response>
  retry?: RetryOptions
  /** `getStatus` answers from memory this long before revalidating (default 30000 ms). */
  statusMaxAgeMs?: number
  /** At most this many statuses kept (default 10000; the oldest go first). */
  statusCacheSize?: number
}

export interface FollowOptions {
  /** A cursor from an earlier `next_cursor`; `now` (default) starts at the current end, `start` at the first event. */
  after?: string
  /** Only this org's events. */
  orgId?: string
  /** Long-poll time per request in seconds (default 25, at most 30). */
  waitSeconds?: number
  signal?: AbortSignal
  /** Called when a poll fails; the follower waits, then resumes from its cursor. */
  onError?: (err: unknown) => void
  /** Called with every cursor the follower reaches (save it to resume after a restart). */
  onCursor?: (cursor: string) => void
}

export interface WatchOptions extends Omit<FollowOptions, 'signal'> {
  /** Called with every change after the start; one that throws is reported to onError, and the watcher goes on. */
  onEvent?: (event: FeedEvent) => void
}

export interface Watcher {
  /** Resolves once the watcher knows its starting cursor (changes after that invalidate the cache). */
  readonly ready: Promise<void>
  /** Settles when the watcher ends: resolves after `stop()`, rejects with the error that ended it. */
  readonly done: Promise<void>
  /** The last cursor reached (handed to onCursor). */
  cursor(): string | undefined
  /** The last error met since the last successful poll (undefined while all is well). */
  lastError(): unknown
  stop(): Promise<void>
}

export interface VersionedOrg {
  org: OrgConfig
  /** The org's current version, for `If-Match`. */
  etag: string
}

export type VippsOrgsClient = ReturnType<typeof createClient>

/** A refusal of the request itself, which no waiting mends: a cursor or an option the feed does not accept. */
function isRefusal(err: unknown): boolean {
  return err instanceof ProblemError && (err.code === 'invalid_cursor' || err.code === 'validation_failed')
}

/** A write's headers: its precondition, and one Idempotency-Key for all its attempts (generated unless given). */
function writeHeaders(opts: { ifMatch?: string; idempotencyKey?: string }): { 'if-match'?: string; 'idempotency-key': string } {
  const key = opts.idempotencyKey ?? crypto.randomUUID()
  return opts.ifMatch ? { 'if-match': opts.ifMatch, 'idempotency-key': key } : { 'idempotency-key': key }
}

/**
 * The typed client: one method per endpoint of the service, each returning the response body or
 * throwing a `ProblemError`. Retries 429/503 and connection errors (honouring `Retry-After`);
 * every create, update and delete carries an `Idempotency-Key` (one for all attempts of a call),
 * so a write retried after a lost answer is answered as the first time and never made twice.
 */
export function createClient(options: ClientOptions) {
  const base = options.baseUrl.replace(/\/+$/, '')
  const api = createFetchClient<paths>({
    baseUrl: base,
    fetch: options.fetch ?? ((request: Request) => globalThis.fetch(request)),
    headers: options.token ? { authorization: `Bearer ${options.token}` } : {},
    ...(options.credentials ? { credentials: options.credentials } : {})
  })
  const { csrfToken } = options
  if (csrfToken !== undefined) {
    api.use({
      onRequest({ request }) {
        if (request.method === 'GET' || request.method === 'HEAD') return undefined
        const token = typeof csrfToken === 'function' ? csrfToken() : csrfToken
        if (token) request.headers.set('x-csrf-token', token)
        return request
      }
    })
  }
  const retry = options.retry ?? {}
  /** One request, retried as `withRetries` allows; `repeatable: false` for POSTs without an Idempotency-Key. */
  const send = <T extends { response: Response }>(call: () => Promise<T>, repeatable = true, signal?: AbortSignal) =>
    withRetries(call, retry, repeatable, signal)
  const cache = new StatusCache(options.statusMaxAgeMs ?? 30_000, options.statusCacheSize ?? 10_000)

  function fail(response: Response, body: unknown): never {
    throw new ProblemError(response.status, body, response.headers.get('x-request-id') ?? undefined)
  }

  /** Body of a 2xx answer, or a thrown ProblemError. */
  function ok<T>(result: { data?: T; error?: unknown; response: Response }): T {
    if (!result.response.ok || result.data === undefined) fail(result.response, result.error)
    return result.data
  }

  /**
   * Body of a write that was made: a `202 Accepted` (the change waits for approval) is thrown as
   * HeldForApproval, never returned as if the write were done.
   */
  function applied<T>(result: { data?: T | ChangeRequest; error?: unknown; response: Response }): T {
    const body = ok(result)
    if (result.response.status === 202) {
      throw new HeldForApproval(body as ChangeRequest, result.response.headers.get('location'), result.response.headers.get('x-request-id') ?? undefined)
    }
    return body as T
  }

  function etagOf(response: Response): string {
    const etag = response.headers.get('etag')
    if (!etag) throw new ProblemError(response.status, undefined, response.headers.get('x-request-id') ?? undefined)
    return etag
  }

  async function fetchStatus(orgId: string, etag: string | undefined): Promise<StatusFetch> {
    const result = await send(() => api.GET('/api/v1/vipps-orgs/{org_id}/status', {
      params: { path: { org_id: orgId }, header: etag ? { 'if-none-match': etag } : {} }
    }))
    if (result.response.status === 304) return { kind: 'not-modified' }
    return { kind: 'fresh', status: ok(result), etag: result.response.headers.get('etag') ?? undefined }
  }

  async function getOrgForUpdate(orgId: string): Promise<VersionedOrg> {
    const result = await send(() => api.GET('/api/v1/vipps-orgs/{org_id}', { params: { path: { org_id: orgId } } }))
    return { org: ok(result), etag: etagOf(result.response) }
  }

  /**
   * Partial update; with `ifMatch` it only applies if nobody changed the org since that ETag (else
   * 412). Every attempt carries one Idempotency-Key: a retry after a lost answer gets the first answer.
   * A change held for approval throws HeldForApproval (the org is unchanged).
   */
  async function updateOrg(orgId: string, changes: UpdateOrgRequest, opts: { ifMatch?: string; idempotencyKey?: string } = {}): Promise<UpdatedOrg> {
    const header = writeHeaders(opts)
    return applied<UpdatedOrg>(await send(() => api.PUT('/api/v1/vipps-orgs/{org_id}', { params: { path: { org_id: orgId }, header }, body: changes })))
  }

  async function listEvents(query: ListEventsQuery = {}, signal?: AbortSignal): Promise<EventList> {
    return ok(await send(() => api.GET('/api/v1/events', { params: { query }, ...(signal ? { signal } : {}) }), true, signal))
  }

  /**
   * Follows the change feed with long polling: yields every event after `after`, in commit order,
   * exactly once; after an error it waits (backing off) and resumes from its cursor. Starting at
   * `now`, it first pins "now" to a real cursor (reported to onCursor) with one request and no
   * retry: if that fails, the first `next()` throws, since sending "now" again would start later
   * and lose what committed in between. A cursor the feed refuses (`invalid_cursor`) or a refused
   * option (`validation_failed`) is thrown too: waiting does not mend them.
   */
  async function* followEvents(opts: FollowOptions = {}): AsyncGenerator<FeedEvent, void, undefined> {
    const wait = Math.min(30, Math.max(0, opts.waitSeconds ?? 25))
    const scope: ListEventsQuery = opts.orgId ? { org_id: opts.orgId } : {}
    let cursor = opts.after ?? 'now'
    if (cursor === 'now') {
      const pin = () => api.GET('/api/v1/events', { params: { query: { ...scope, after: 'now', limit: 1, wait: 0 } }, ...(opts.signal ? { signal: opts.signal } : {}) })
      // One attempt: any retry, even after a 429, would pin a later "now".
      cursor = ok(await withRetries(pin, { ...retry, attempts: 1 }, false, opts.signal)).next_cursor
      opts.onCursor?.(cursor)
    }
    let failures = 0
    while (!opts.signal?.aborted) {
      let page: EventList
      try {
        const query: ListEventsQuery = { ...scope, limit: 1000, wait }
        if (cursor !== 'start') query.after = cursor
        page = await listEvents(query, opts.signal)
        failures = 0
      } catch (err) {
        if (opts.signal?.aborted) return
        if (isRefusal(err)) throw err
        opts.onError?.(err)
        failures += 1
        try {
          await sleep(Math.min(30_000, 250 * 2 ** Math.min(failures, 7)), opts.signal)
        } catch {
          return
        }
        continue
      }
      for (const event of page.data) yield event
      cursor = page.next_cursor
      opts.onCursor?.(cursor)
    }
  }

  return {
    /** The underlying openapi-fetch client, for anything not wrapped here (no retries, no ProblemError). */
    raw: api,

    // --- orgs ---------------------------------------------------------------------------------
    async listOrgs(query: ListOrgsQuery = {}): Promise<OrgList> {
      return ok(await send(() => api.GET('/api/v1/vipps-orgs', { params: { query } })))
    },

    /**
     * Every org matching `query`, ordered by org_id, walked by key (`after`, 100 a page): an org
     * live for the whole walk is yielded exactly once, whatever is created or deleted meanwhile.
     */
    async *listAllOrgs(query: Omit<ListOrgsQuery, 'page' | 'limit' | 'after'> = {}): AsyncGenerator<OrgSummary, void, undefined> {
      const limit = 100
      // The empty key starts the walk at the first org_id.
      for (let after = ''; ; ) {
        const list = ok(await send(() => api.GET('/api/v1/vipps-orgs', { params: { query: { ...query, limit, after } } })))
        yield* list.data
        if (list.data.length < limit) return
        after = list.data.at(-1)!.org_id
      }
    },

    async getOrg(orgId: string): Promise<OrgConfig> {
      return ok(await send(() => api.GET('/api/v1/vipps-orgs/{org_id}', { params: { path: { org_id: orgId } } })))
    },

    /** The org with its ETag, to send back as `If-Match` with `updateOrg`/`deleteOrg`. */
    getOrgForUpdate,

    /**
     * Creates an org; the `Idempotency-Key` (generated unless given) makes retries safe. A create
     * held for approval (a production org) throws HeldForApproval.
     */
    async createOrg(body: CreateOrgRequest, opts: { idempotencyKey?: string } = {}): Promise<OrgSummary> {
      // One key for every attempt: a retry after a lost answer replays the first create.
      const { 'idempotency-key': key } = writeHeaders(opts)
      return applied<OrgSummary>(await send(() => api.POST('/api/v1/vipps-orgs', { params: { header: { 'idempotency-key': key } }, body })))
    },

    /**
     * Creates 1–500 orgs in one request, each as `createOrg` would (each succeeding or failing
     * alone): one result per item, in order. A held item is a result with status 202, not a throw.
     * One Idempotency-Key (generated unless given) for every attempt of the whole batch.
     */
    async batchCreateOrgs(orgs: CreateOrgRequest[], opts: { idempotencyKey?: string } = {}): Promise<BatchCreateResult[]> {
      const { 'idempotency-key': key } = writeHeaders(opts)
      return ok(await send(() => api.POST('/api/v1/vipps-orgs:batchCreate', { params: { header: { 'idempotency-key': key } }, body: { orgs } }))).results
    },

    updateOrg,

    /**
     * Read, change, write with `If-Match`: `change` gets the current config and returns the fields
     * to change (or nothing to leave it as is). A concurrent write (412) makes it read and try again;
     * a change held for approval throws HeldForApproval.
     */
    async modifyOrg(
      orgId: string,
      change: (current: OrgConfig) => UpdateOrgRequest | undefined,
      opts: { attempts?: number } = {}
    ): Promise<UpdatedOrg | undefined> {
      const attempts = opts.attempts ?? 5
      for (let attempt = 1; ; attempt++) {
        const { org, etag } = await getOrgForUpdate(orgId)
        const changes = change(org)
        if (!changes || Object.keys(changes).length === 0) return undefined
        try {
          return await updateOrg(orgId, changes, { ifMatch: etag })
        } catch (err) {
          if (!(err instanceof ProblemError) || err.code !== 'precondition_failed' || attempt >= attempts) throw err
        }
      }
    },

    /** Soft delete; `ifMatch`, the Idempotency-Key and HeldForApproval as for `updateOrg`. */
    async deleteOrg(orgId: string, opts: { ifMatch?: string; idempotencyKey?: string } = {}): Promise<DeletedOrg> {
      const header = writeHeaders(opts)
      return applied<DeletedOrg>(await send(() => api.DELETE('/api/v1/vipps-orgs/{org_id}', { params: { path: { org_id: orgId }, header } })))
    },

    /**
     * Is Vipps enabled for this org: served from memory for `statusMaxAgeMs`, then revalidated with
     * `If-None-Match`; dropped at once when `watch()` sees a change to the org.
     */
    getStatus(orgId: string): Promise<OrgStatus> {
      return cache.get(orgId, (etag) => fetchStatus(orgId, etag))
    },

    /** Drops an org's cached status (the watcher does this on every change). */
    invalidateStatus(orgId: string): void {
      cache.invalidate(orgId)
    },

    async getOrgHistory(orgId: string, query: HistoryQuery = {}): Promise<OrgHistory> {
      return ok(await send(() => api.GET('/api/v1/vipps-orgs/{org_id}/history', { params: { path: { org_id: orgId }, query } })))
    },

    // --- change feed ----------------------------------------------------------------------------
    listEvents,
    followEvents,

    /**
     * Follows the change feed in the background and drops the cached status of every org that
     * changes; never stops by itself but for a request the feed will never accept (then `done`
     * rejects), and never skips a change after its start:
     * - errors go to `onError` (and `lastError()`); a failed poll is tried again from the last
     *   cursor handed out, as is everything after an `onEvent` or `onCursor` that throws;
     * - started at `now`, `ready` resolves once "now" is pinned to a cursor; the cache is emptied
     *   then, so nothing read before the start can be stale unseen; a failed pin is tried again;
     * - `invalid_cursor` (a cursor it was given that the feed refuses): it empties the cache and
     *   starts again from now, reporting the ProblemError (changes in between are unseen);
     * - `validation_failed` (an `orgId` the feed refuses): it ends, `done` and `ready` reject.
     * `stop()` ends it; `done` then resolves.
     */
    watch(opts: WatchOptions = {}): Watcher {
      const controller = new AbortController()
      let cursor: string | undefined = opts.after === undefined || opts.after === 'now' || opts.after === 'start' ? undefined : opts.after
      let lastError: unknown
      let markReady!: () => void
      let failReady!: (err: unknown) => void
      const ready = new Promise<void>((resolve, reject) => ((markReady = resolve), (failReady = reject)))
      ready.catch(() => undefined) // told through done and onError too: never an unhandled rejection
      if (cursor !== undefined || opts.after === 'start') markReady()
      const report = (err: unknown) => {
        lastError = err
        try {
          opts.onError?.(err)
        } catch {
          // The caller's handler failing must not stop the watcher.
        }
      }
      const guarded = (call: () => void) => {
        try {
          call()
        } catch (err) {
          report(err)
        }
      }
      const done = (async () => {
        let after = opts.after ?? 'now'
        while (!controller.signal.aborted) {
          let pinning = after === 'now'
          const events = followEvents({
            ...opts,
            after,
            signal: controller.signal,
            onError: report,
            onCursor: (c) => {
              cursor = c
              lastError = undefined
              if (pinning) {
                // Anything cached before the start may have changed before it, unseen.
                pinning = false
                cache.clear()
                markReady()
              }
              guarded(() => opts.onCursor?.(c))
            }
          })
          try {
            for await (const event of events) {
              cache.invalidate(event.org_id)
              guarded(() => opts.onEvent?.(event))
            }
            return // stopped
          } catch (err) {
            if (controller.signal.aborted) return
            report(err)
            if (err instanceof ProblemError && err.code === 'validation_failed') {
              failReady(err)
              throw err
            }
            if (err instanceof ProblemError && err.code === 'invalid_cursor') {
              // Changes since the refused cursor may be unseen: nothing cached can be trusted.
              cache.clear()
              cursor = undefined
            }
            // From the last cursor handed out; or, without one, pinning "now" again.
            after = cursor ?? 'now'
            await sleep(1000, controller.signal).catch(() => undefined)
          }
        }
      })()
      done.catch(() => undefined) // as for ready
      return {
        ready,
        done,
        cursor: () => cursor,
        lastError: () => lastError,
        async stop() {
          controller.abort()
          markReady()
          await done.catch(() => undefined)
        }
      }
    },

    // --- change requests (four eyes) -----------------------------------------------------------
    /** Change requests, newest first: pending ones unless `state` says otherwise (`all` for every state). */
    async listChangeRequests(query: ListChangeRequestsQuery = {}): Promise<ChangeRequest[]> {
      return ok(await send(() => api.GET('/api/v1/change-requests', { params: { query } }))).data
    },
    async getChangeRequest(id: string): Promise<ChangeRequest> {
      return ok(await send(() => api.GET('/api/v1/change-requests/{id}', { params: { path: { id } } })))
    },
    /**
     * Approves someone else's request: the change is applied, in one transaction, if the org is
     * still at the request's `base_version` (else `409 change_request_stale`, nothing applied).
     * The requester cannot approve their own (`403 self_approval`). Not retried after a lost
     * answer: read the request to learn how it stands.
     */
    async approveChangeRequest(id: string, body: { comment?: string } = {}): Promise<ChangeRequest> {
      return ok(await send(() => api.POST('/api/v1/change-requests/{id}/approve', { params: { path: { id } }, body }), false))
    },
    /** Rejects someone else's request with a reason (1–500 characters); nothing is applied. */
    async rejectChangeRequest(id: string, reason: string): Promise<ChangeRequest> {
      return ok(await send(() => api.POST('/api/v1/change-requests/{id}/reject', { params: { path: { id } }, body: { reason } }), false))
    },
    /** The requester takes their own pending request back (state `withdrawn`). */
    async withdrawChangeRequest(id: string): Promise<ChangeRequest> {
      return ok(await send(() => api.DELETE('/api/v1/change-requests/{id}', { params: { path: { id } } })))
    },

    // --- access ---------------------------------------------------------------------------------
    /** Who the credential acts as: actor, role, the orgs it is limited to, when it ends; `csrf_token` for a person's session. */
    async getMe(): Promise<Me> {
      return ok(await send(() => api.GET('/api/v1/me')))
    },
    async listApiKeys(): Promise<ApiKey[]> {
      return ok(await send(() => api.GET('/api/v1/api-keys'))).data
    },
    async getApiKey(id: string): Promise<ApiKey> {
      return ok(await send(() => api.GET('/api/v1/api-keys/{id}', { params: { path: { id } } })))
    },
    /** The answer carries the key itself: shown this once. Not retried (a retry would make a second key). */
    async createApiKey(body: CreateApiKeyRequest): Promise<CreatedApiKey> {
      return ok(await send(() => api.POST('/api/v1/api-keys', { body }), false))
    },
    /** Revokes a key (every instance refuses it within a second); revoking it again changes nothing. */
    async revokeApiKey(id: string): Promise<ApiKey> {
      return ok(await send(() => api.DELETE('/api/v1/api-keys/{id}', { params: { path: { id } } })))
    },

    // --- people's sessions ----------------------------------------------------------------------
    /**
     * Ends this browser's session (a person signed in with the identity provider) on every
     * instance; send the browser to `end_session_url`, when there is one, to sign out there too.
     */
    async signOut(): Promise<SignedOut> {
      return ok(await send(() => api.POST('/auth/logout')))
    },

    // --- webhooks -------------------------------------------------------------------------------
    async listWebhooks(): Promise<Webhook[]> {
      return ok(await send(() => api.GET('/api/v1/webhooks'))).data
    },
    async getWebhook(id: string): Promise<Webhook> {
      return ok(await send(() => api.GET('/api/v1/webhooks/{id}', { params: { path: { id } } })))
    },
    /** The answer carries the signing secret: shown this once. */
    async createWebhook(body: CreateWebhookRequest): Promise<CreatedWebhook> {
      return ok(await send(() => api.POST('/api/v1/webhooks', { body }), false))
    },
    async updateWebhook(id: string, changes: UpdateWebhookRequest): Promise<Webhook> {
      return ok(await send(() => api.PUT('/api/v1/webhooks/{id}', { params: { path: { id } }, body: changes })))
    },
    async deleteWebhook(id: string): Promise<void> {
      const result = await send(() => api.DELETE('/api/v1/webhooks/{id}', { params: { path: { id } } }))
      if (!result.response.ok) fail(result.response, result.error)
    },
    async rotateWebhookSecret(id: string): Promise<RotatedSecret> {
      return ok(await send(() => api.POST('/api/v1/webhooks/{id}/rotate-secret', { params: { path: { id } } }), false))
    },
    async sendWebhookTest(id: string): Promise<QueuedTestEvent> {
      return ok(await send(() => api.POST('/api/v1/webhooks/{id}/test', { params: { path: { id } } }), false))
    },
    async listWebhookDeliveries(id: string, query: { limit?: number } = {}): Promise<DeliveryList> {
      return ok(await send(() => api.GET('/api/v1/webhooks/{id}/deliveries', { params: { path: { id }, query } })))
    }
  }
}
