import Type from 'typebox'
import { withMessages } from '../http/validation.js'
import { OrgId, stringEnum } from '../orgs/fields.js'
import { CHANGE_REQUEST_EVENT_TYPES } from '../change-requests/store.js'
import { OrgEvent } from '../orgs/schemas.js'
import { ChangeRequest } from '../orgs/write-gate.js'

/** The org's own event types, from the history's actions (what a webhook endpoint gets by default). */
export const ORG_EVENT_TYPES = ['vipps_org.created', 'vipps_org.updated', 'vipps_org.deleted'] as const
/** Every event type of the feed: the org's, and the change requests' (four eyes). */
export const EVENT_TYPES = [...ORG_EVENT_TYPES, ...CHANGE_REQUEST_EVENT_TYPES] as const
export type EventType = (typeof EVENT_TYPES)[number]

export const EVENT_TYPE_OF_ACTION: Record<OrgEvent['action'], (typeof ORG_EVENT_TYPES)[number]> = {
  create: 'vipps_org.created',
  update: 'vipps_org.updated',
  delete: 'vipps_org.deleted'
}

export const EventTypeSchema = stringEnum(EVENT_TYPES, {
  title: 'EventType',
  description: 'What happened to an organization’s configuration (vipps_org.*) or to a change request of it (change_request.*)',
  ...withMessages({ enum: `must be one of ${EVENT_TYPES.join(', ')}` })
})

const historyFields = OrgEvent.properties

/**
 * One committed change: the same facts as the org's history, plus its id (a cursor) and type.
 * A change_request.* event carries the request as it then stood (and its changes), no version.
 */
export const FeedEvent = Type.Object(
  {
    id: Type.String({ description: 'The cursor of this event: pass it as `after` to read what follows' }),
    type: EventTypeSchema,
    org_id: OrgId,
    version: Type.Optional({ ...historyFields.version, description: 'vipps_org.* events: the version this change made (the ETag after it)' }),
    occurred_at: historyFields.at,
    actor: { ...historyFields.actor, description: 'Who made the change; for change_request.*, who asked, approved, rejected or withdrew' },
    changes: { ...historyFields.changes, description: 'Each changed field with its old and new value (change_request.*: the changes asked for)' },
    change_request: Type.Optional({ ...ChangeRequest, description: 'change_request.* events: the request after the event' })
  },
  { title: 'FeedEvent' }
)
export type FeedEvent = Type.Static<typeof FeedEvent>

export const EventList = Type.Object(
  {
    data: Type.Array(FeedEvent),
    next_cursor: Type.String({ description: 'Pass it back as `after`; equal to `after` when data is empty' })
  },
  { title: 'EventList' }
)

export const EventsQuery = Type.Object(
  {
    after: Type.Optional(
      Type.String({
        maxLength: 256,
        description: 'A next_cursor (or an event id) to read after; `now` starts at the current end; omitted: from the first event'
      })
    ),
    limit: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 1000,
        default: 100,
        description: 'Events per page, 1–1000',
        ...withMessages({ '*': 'must be a whole number from 1 to 1000' })
      })
    ),
    wait: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 30,
        default: 0,
        description: 'Seconds to hold the request while nothing follows the cursor (long polling), 0–30',
        ...withMessages({ '*': 'must be a whole number of seconds from 0 to 30' })
      })
    ),
    org_id: Type.Optional(OrgId)
  },
  { additionalProperties: false }
)
export type EventsQuery = Type.Static<typeof EventsQuery>
