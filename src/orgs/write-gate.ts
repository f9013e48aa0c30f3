import Type from 'typebox'
import { ActorSchema, type Principal } from '../http/access/principal.js'
import { OrgId, stringEnum } from './fields.js'
import type { ConfigFields } from './fields.js'
import { FieldChange, Timestamp } from './schemas.js'
import type { Changes } from './schemas.js'
import type { OrgRecord, TransactionHook } from './store.js'

/**
 * The extension point for a feature that holds some org writes back (four eyes: src/change-requests).
 * Orgs knows nothing of who registers it; without one (APPROVALS=off) every write goes through
 * at once, exactly as before, with no extra query.
 */
export interface WriteGate {
  /** Whether this write must wait (a pure decision: no I/O). */
  holds(write: ProposedWrite): boolean
  /** Keeps the held write (a change request) and gives its answer. */
  hold(write: ProposedWrite, by: Principal): Promise<HeldWrite>
  /** Runs in the transaction of every org write that commits a change (pending requests of the org go stale). */
  whileWriting(orgId: string, at: string): TransactionHook
}

export type WriteOperation = 'create' | 'update' | 'delete'

/** A write as it would be applied. */
export interface ProposedWrite {
  operation: WriteOperation
  orgId: string
  /** The live org the write starts from; absent for a create. */
  before?: OrgRecord
  /** The org as the write would leave it; absent for a delete. */
  after?: ConfigFields
  /** Each field the write changes, from and to (a create: from null; a delete: to null). */
  changes: Changes
}

/** What a held write answers: 202, the change request, and where it is. */
export interface HeldWrite {
  location: string
  body: ChangeRequest
}

/** How a held write ends: not an error, the route answers 202 with the change request. */
export class HeldForApproval extends Error {
  override name = 'HeldForApproval'
  constructor(
    readonly held: HeldWrite,
    /** The answer given again to a request under the same Idempotency-Key. */
    readonly replayed = false
  ) {
    super(`held for approval: ${held.location}`)
  }
}

/** Where change requests are served (api.md): a held write's Location. */
export const CHANGE_REQUESTS_PATH = '/api/v1/change-requests'

/** A held write approved: to apply as its author asked, if the org is still at baseVersion. */
export interface ApprovedWrite {
  operation: WriteOperation
  orgId: string
  baseVersion: number
  changes: Changes
  requestedBy: Principal['actor']
}

export const CHANGE_REQUEST_STATES = ['pending', 'approved', 'rejected', 'withdrawn', 'stale', 'expired'] as const
export type ChangeRequestState = (typeof CHANGE_REQUEST_STATES)[number]

/** A held write (api.md "Change approvals (four eyes)"): the shape of the 202 answer and of /api/v1/change-requests. */
export const ChangeRequest = Type.Object(
  {
    id: Type.String({ description: 'The change request’s id', examples: ['cr_3kq9m2x7b4tz8w1n'] }),
    org_id: OrgId,
    operation: stringEnum(['create', 'update', 'delete'] as const, { description: 'What the held write does' }),
    changes: Type.Record(Type.String(), FieldChange, { description: 'Each field the write changes, with its value before (null on create) and after (null on delete)' }),
    base_version: Type.Integer({ minimum: 0, description: 'The org’s version the change was asked on (0 for a create): approval applies it only at this version' }),
    state: stringEnum(CHANGE_REQUEST_STATES, { title: 'ChangeRequestState', description: 'pending until approved, rejected, withdrawn, stale (the org changed) or expired' }),
    requested_by: { ...ActorSchema, description: 'Who asked for the change' },
    requested_at: Timestamp,
    expires_at: { ...Timestamp, description: 'A pending request expires then (APPROVAL_TTL_HOURS after it was asked)' },
    decided_by: Type.Optional({ ...ActorSchema, description: 'Who approved, rejected or withdrew it' }),
    decided_at: Type.Optional({ ...Timestamp, description: 'When it left pending' }),
    reason: Type.Optional(Type.String({ description: 'Why it was rejected' })),
    comment: Type.Optional(Type.String({ description: 'The approver’s comment, if any' }))
  },
  { title: 'ChangeRequest' }
)
export type ChangeRequest = Type.Static<typeof ChangeRequest>
