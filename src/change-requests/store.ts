import type { Actor } from '../http/access/principal.js'
import type { ChangeRequest, ChangeRequestState } from '../orgs/write-gate.js'

/** The feed's event types of change requests (api.md "Change approvals"). */
export const CHANGE_REQUEST_EVENT_TYPES = [
  'change_request.created',
  'change_request.approved',
  'change_request.rejected',
  'change_request.withdrawn'
] as const
export type ChangeRequestEventType = (typeof CHANGE_REQUEST_EVENT_TYPES)[number]

export interface ListFilter {
  /** undefined: every state. `pending` never lists a stale or expired one. */
  state?: ChangeRequestState
  orgId?: string
  /** A grant limited to some orgs: only theirs. */
  orgIds?: readonly string[]
  limit: number
}

/** How a pending request leaves pending. */
export interface Decision {
  state: Exclude<ChangeRequestState, 'pending'>
  at: string
  by?: Actor
  reason?: string
  comment?: string
}

/** A transaction (or the database) a store's write runs on; opaque to the service. */
export type Executor = unknown

/**
 * Change requests in the shared database: every instance sees the same requests, and a restart
 * loses none. A request leaves `pending` once (a guarded update): of two deciders, one wins.
 */
export interface ChangeRequestStore {
  /**
   * Keeps a new request and its `change_request.created` event, in one transaction.
   * `requesterMadeBy`: when an API key asks, the id of its owner (Principal.ownerId).
   */
  insert(request: ChangeRequest, requesterMadeBy: string | null): Promise<void>
  /** Who asked, as four eyes counts them: the requester's id, and its owner's when a key asked. */
  requesterIds(id: string): Promise<string[]>
  find(id: string): Promise<ChangeRequest | undefined>
  /** Newest first. */
  list(filter: ListFilter): Promise<ChangeRequest[]>
  /**
   * Moves a pending request to the decision's state (with its event when `event` is given), on
   * `trx` when given (an approval's own transaction) or in one of its own. Undefined when it
   * was not pending any more (nothing written).
   */
  decide(id: string, decision: Decision, event?: { type: ChangeRequestEventType; actor: Actor }, trx?: Executor): Promise<ChangeRequest | undefined>
  /** Every pending request of the org becomes stale (on trx: the org write's transaction). */
  staleAll(orgId: string, at: string, trx: Executor): Promise<void>
  /** Pending requests past their expiry become expired. */
  expire(now: string): Promise<void>
  /** Pending (not expired) requests: how many, and when the oldest was asked. */
  pending(now: string): Promise<{ count: number; oldestRequestedAt?: string }>
}
