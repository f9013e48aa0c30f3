import Type from 'typebox'
import { EVENT_TYPES, EventTypeSchema } from '../events/schemas.js'
import { withMessages } from '../http/validation.js'

/**
 * The webhook management API's shapes. Event types a receiver can subscribe to are the feed's;
 * `webhook.test` is sent only on request (POST /webhooks/:id/test).
 */
const Timestamp = Type.String({ format: 'date-time', description: 'RFC 3339 UTC' })
const nullable = <T extends Type.TSchema>(schema: T) => Type.Union([schema, Type.Null()])

export const WEBHOOK_ID_PATTERN = '^wh_[A-Za-z0-9_-]{16}$'

export const WebhookIdParams = Type.Object({ id: Type.String({ description: 'Webhook endpoint id (wh_…)' }) })

const Url = Type.String({
  format: 'webhook-url',
  maxLength: 2048,
  description: 'Where deliveries are POSTed: https:// (http:// outside production); no private addresses unless allowed',
  examples: ['https://app.example.com/webhooks/vipps-orgs']
})
const Description = Type.String({ maxLength: 500, description: 'What this endpoint is for, for people' })
const EventTypes = Type.Array(EventTypeSchema, {
  minItems: 1,
  maxItems: EVENT_TYPES.length,
  uniqueItems: true,
  description: 'The event types delivered; default the three vipps_org.* types (change_request.* only when named)',
  ...withMessages({ minItems: 'must name at least one event type', uniqueItems: 'must not repeat an event type' })
})
const Enabled = Type.Boolean({ description: 'Deliveries are made while enabled', ...withMessages({ type: 'must be true or false' }) })

export const CreateWebhookBody = Type.Object(
  {
    url: Url,
    description: Type.Optional(Description),
    event_types: Type.Optional(EventTypes),
    enabled: Type.Optional(Enabled)
  },
  { additionalProperties: false, title: 'CreateWebhookRequest' }
)
export type CreateWebhookBody = Type.Static<typeof CreateWebhookBody>

export const UpdateWebhookBody = Type.Object(
  {
    url: Type.Optional(Url),
    description: Type.Optional(Description),
    event_types: Type.Optional(EventTypes),
    enabled: Type.Optional(Enabled)
  },
  { additionalProperties: false, minProperties: 1, title: 'UpdateWebhookRequest' }
)
export type UpdateWebhookBody = Type.Static<typeof UpdateWebhookBody>

const webhookProperties = {
  id: Type.String({ description: 'wh_…' }),
  url: Type.String(),
  description: Type.String(),
  event_types: Type.Array(EventTypeSchema),
  enabled: Type.Boolean(),
  disabled_reason: nullable(Type.String({ description: 'Why the service disabled it (failing for 5 days straight)' })),
  created_at: Timestamp,
  updated_at: Timestamp
}

export const Webhook = Type.Object(webhookProperties, { title: 'Webhook', description: 'A webhook endpoint (its secret is never shown again)' })
export type Webhook = Type.Static<typeof Webhook>

export const CreatedWebhook = Type.Object(
  {
    ...webhookProperties,
    secret: Type.String({ description: 'whsec_…: verify deliveries with it; shown only now' })
  },
  { title: 'CreatedWebhook' }
)

export const WebhookList = Type.Object({ data: Type.Array(Webhook) }, { title: 'WebhookList' })

export const RotatedSecret = Type.Object(
  {
    id: Type.String(),
    secret: Type.String({ description: 'The new secret (whsec_…), shown only now' }),
    previous_secret_expires_at: Timestamp
  },
  { title: 'RotatedSecret', description: 'Until previous_secret_expires_at the old secret signs too (two signatures)' }
)

export const QueuedTest = Type.Object(
  { event_id: Type.String(), type: Type.Literal('webhook.test') },
  { title: 'QueuedTestEvent' }
)

export const Delivery = Type.Object(
  {
    event_id: Type.String({ description: 'The webhook-id header: the same on every attempt' }),
    event_type: Type.String(),
    attempt: Type.Integer({ description: 'Which attempt, from 1' }),
    status: Type.Unsafe<'pending' | 'succeeded' | 'failed'>({ type: 'string', enum: ['pending', 'succeeded', 'failed'] }),
    response_status: nullable(Type.Integer()),
    error: nullable(Type.String()),
    attempted_at: nullable(Timestamp),
    next_attempt_at: nullable(Timestamp)
  },
  { title: 'DeliveryAttempt' }
)

export const DeliveryList = Type.Object({ data: Type.Array(Delivery) }, { title: 'DeliveryList' })

export const DeliveriesQuery = Type.Object(
  {
    limit: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 100,
        default: 20,
        description: 'How many, newest first (pending ones first), 1–100',
        ...withMessages({ '*': 'must be a whole number from 1 to 100' })
      })
    )
  },
  { additionalProperties: false }
)
