import type { components } from './openapi.js'

export type ChangeRequest = components['schemas']['ChangeRequest']

/**
 * A write the service did not make: it answered `202 Accepted` because the change waits for a
 * second person's approval (four eyes, `APPROVALS=production`). Thrown by `createOrg`,
 * `updateOrg`, `modifyOrg` and `deleteOrg`, so a held change is never taken for a done one; the
 * org is unchanged until someone else approves `changeRequest` (see `getChangeRequest`).
 */
export class HeldForApproval extends Error {
  override readonly name = 'HeldForApproval'
  readonly status = 202
  readonly changeRequest: ChangeRequest
  /** The request's own address (`Location`): `/api/v1/change-requests/<id>`. */
  readonly location: string
  readonly requestId: string | undefined

  constructor(changeRequest: ChangeRequest, location: string | null, requestId?: string) {
    super(
      `held for approval: change request ${changeRequest.id} (${changeRequest.operation} ${changeRequest.org_id}) waits for a second person; nothing changed yet`
    )
    this.changeRequest = changeRequest
    this.location = location ?? `/api/v1/change-requests/${encodeURIComponent(changeRequest.id)}`
    this.requestId = requestId
  }
}
