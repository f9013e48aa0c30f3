import Type from 'typebox'
import { withMessages } from '../http/validation.js'
import { OrgId, stringEnum } from '../orgs/fields.js'
import { OrgEvent } from '../orgs/schemas.js'

/** The feed's event types, from the history's actions. */
export const EVENT_TYPES = ['vipps_org.created', 'vipps_org.updated', 'vipps_org.deleted'] as const
export type EventType = (typeof EVENT_TYPES)[number]

export const EVENT_TYPE_OF_ACTION: Record<OrgEvent['action'], EventType> = {
  create: 'vipps_org.created',
  update: 'vipps_org.updated',
  delete: 'vipps_org.deleted'
}

export const EventTypeSchema = stringEnum(EVENT_TYPES, {
  title: 'EventType',
  description: 'What happened to an organization’s configuration',
  ...withMessages({ enum: `must be one of ${EVENT_TYPES.join(', ')}` })
})

const historyFields = OrgEvent.properties

/** One committed change: the same facts as the org's history, plus its id (a cursor) and type. */
export const FeedEvent = Type.Object(
  {
    id: Type.String({ description: 'The cursor of this event: pass it as `after` to read what follows' }),
    type: EventTypeSchema,
    org_id: OrgId,
    version: historyFields.version,
    occurred_at: historyFields.at,
    actor: historyFields.actor,
    changes: historyFields.changes
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
