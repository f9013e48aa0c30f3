import { ACTOR_TYPES, type Actor } from '../http/access/principal.js'
import type { ChangeRequest, ChangeRequestState } from '../orgs/write-gate.js'

/** Migration 009: held writes, one row each, changed only by their state moving out of pending. */
export interface ChangeRequestTable {
  id: string
  org_id: string
  operation: ChangeRequest['operation']
  /** JSON object `{field: {from, to}}`. */
  changes: string
  base_version: number
  state: ChangeRequestState
  requested_by_type: string
  requested_by_id: string
  requested_by_name: string
  /** When an API key asked: the id of who made the key (not part of the answer). */
  requested_by_made_by_id: string | null
  requested_at: string
  expires_at: string
  decided_by_type: string | null
  decided_by_id: string | null
  decided_by_name: string | null
  decided_at: string | null
  reason: string | null
  comment: string | null
}

/** Migration 009: the feed's change_request.* events; ids from the change log's sequence. */
export interface ChangeRequestEventTable {
  id: number
  org_id: string
  type: string
  at: string
  actor_type: string
  actor_id: string
  actor_name: string
  /** JSON: the request as it stood after the event. */
  change_request: string
}

export type ChangeRequestTables = {
  change_requests: ChangeRequestTable
  change_request_events: ChangeRequestEventTable
}

function actorFrom(type: string | null, id: string | null, name: string | null): Actor | undefined {
  const known = ACTOR_TYPES.find((t) => t === type)
  return known && id !== null && name !== null ? { type: known, id, name } : undefined
}

export function toRequest(row: ChangeRequestTable): ChangeRequest {
  const decidedBy = actorFrom(row.decided_by_type, row.decided_by_id, row.decided_by_name)
  return {
    id: row.id,
    org_id: row.org_id,
    operation: row.operation,
    changes: JSON.parse(row.changes) as ChangeRequest['changes'],
    base_version: Number(row.base_version),
    state: row.state,
    requested_by: actorFrom(row.requested_by_type, row.requested_by_id, row.requested_by_name)!,
    requested_at: row.requested_at,
    expires_at: row.expires_at,
    ...(decidedBy ? { decided_by: decidedBy } : {}),
    ...(row.decided_at !== null ? { decided_at: row.decided_at } : {}),
    ...(row.reason !== null ? { reason: row.reason } : {}),
    ...(row.comment !== null ? { comment: row.comment } : {})
  }
}

export function toRow(request: ChangeRequest, requesterMadeBy: string | null): ChangeRequestTable {
  return {
    id: request.id,
    org_id: request.org_id,
    operation: request.operation,
    changes: JSON.stringify(request.changes),
    base_version: request.base_version,
    state: request.state,
    requested_by_type: request.requested_by.type,
    requested_by_id: request.requested_by.id,
    requested_by_name: request.requested_by.name,
    requested_by_made_by_id: requesterMadeBy,
    requested_at: request.requested_at,
    expires_at: request.expires_at,
    decided_by_type: request.decided_by?.type ?? null,
    decided_by_id: request.decided_by?.id ?? null,
    decided_by_name: request.decided_by?.name ?? null,
    decided_at: request.decided_at ?? null,
    reason: request.reason ?? null,
    comment: request.comment ?? null
  }
}
