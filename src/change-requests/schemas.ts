import Type from 'typebox'
import { withMessages } from '../http/validation.js'
import { OrgId, stringEnum } from '../orgs/fields.js'
import { CHANGE_REQUEST_STATES, ChangeRequest } from '../orgs/write-gate.js'

export { ChangeRequest }

export const ChangeRequestList = Type.Object({ data: Type.Array(ChangeRequest, { description: 'Newest first' }) }, { title: 'ChangeRequestList' })

const STATE_FILTERS = [...CHANGE_REQUEST_STATES, 'all'] as const

export const ListChangeRequestsQuery = Type.Object(
  {
    state: Type.Optional(
      stringEnum(STATE_FILTERS, {
        description: 'Only requests in this state (default pending; all: every state)',
        ...withMessages({ enum: `must be one of ${STATE_FILTERS.join(', ')}` })
      })
    ),
    org_id: Type.Optional(OrgId)
  },
  { additionalProperties: false }
)

export const ChangeRequestIdParams = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 64, description: 'The change request’s id' })
})

export const ApproveBody = Type.Object(
  {
    comment: Type.Optional(
      Type.String({ maxLength: 500, description: 'Why it is approved, for the record (at most 500 characters)', ...withMessages({ '*': 'must be at most 500 characters' }) })
    )
  },
  { additionalProperties: false, title: 'ApproveChangeRequest' }
)

export const RejectBody = Type.Object(
  {
    reason: Type.String({
      minLength: 1,
      maxLength: 500,
      description: 'Why it is rejected (1–500 characters), shown to the requester',
      ...withMessages({ '*': 'must be 1–500 characters' })
    })
  },
  { additionalProperties: false, title: 'RejectChangeRequest' }
)
