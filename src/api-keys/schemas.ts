import Type from 'typebox'
import { ActorSchema, RoleSchema } from '../http/access/principal.js'
import { withMessages } from '../http/validation.js'
import { OrgId } from '../orgs/fields.js'

/** The API keys' shapes (api.md "Three kinds of credential"). */
const Timestamp = Type.String({ format: 'date-time', description: 'RFC 3339 UTC' })
const nullable = <T extends Type.TSchema>(schema: T) => Type.Union([schema, Type.Null()])

export const MAX_KEY_ORGS = 1000

export const ApiKeyIdParams = Type.Object({ id: Type.String({ description: 'API key id (key_…)' }) })

const OrgIds = Type.Array(OrgId, {
  minItems: 1,
  maxItems: MAX_KEY_ORGS,
  uniqueItems: true,
  description: `The orgs the key is limited to (1–${MAX_KEY_ORGS}; viewer and editor only); null or left out: every org`,
  ...withMessages({ minItems: 'must name at least one org (or be null for every org)', maxItems: `must name at most ${MAX_KEY_ORGS} orgs`, uniqueItems: 'must not repeat an org' })
})

export const CreateApiKeyBody = Type.Object(
  {
    name: Type.String({
      minLength: 1,
      maxLength: 100,
      pattern: '^[^\\x00-\\x1f\\x7f]*$',
      description: 'What the key is for, for people (shown in the history as its author)',
      examples: ['billing-backend'],
      ...withMessages({ '*': 'must be 1–100 characters, no control characters' })
    }),
    role: RoleSchema,
    org_ids: Type.Optional(nullable(OrgIds)),
    expires_at: Type.Optional(
      nullable(Type.String({ format: 'date-time', description: 'When the key stops working (RFC 3339, in the future); null or left out: never' }))
    )
  },
  { additionalProperties: false, title: 'CreateApiKeyRequest' }
)
export type CreateApiKeyBody = Type.Static<typeof CreateApiKeyBody>

const keyProperties = {
  id: Type.String({ description: 'key_…' }),
  name: Type.String(),
  role: RoleSchema,
  org_ids: nullable(Type.Array(Type.String(), { description: 'The orgs the key is limited to; null: every org' })),
  expires_at: nullable(Timestamp),
  created_at: Timestamp,
  created_by: ActorSchema,
  prefix: Type.String({ description: 'The first 8 characters after vok_: tells keys apart' })
}

export const ApiKey = Type.Object(
  {
    ...keyProperties,
    last_used_at: nullable(Type.String({ format: 'date-time', description: 'To the minute; null: never used' })),
    revoked_at: nullable(Timestamp)
  },
  { title: 'ApiKey', description: 'An API key, without its key' }
)
export type ApiKey = Type.Static<typeof ApiKey>

export const CreatedApiKey = Type.Object(
  {
    ...keyProperties,
    key: Type.String({ description: 'vok_ and 43 characters: send it as Authorization: Bearer <key>. Shown only here' })
  },
  { title: 'CreatedApiKey', description: 'A new API key, with the key itself (shown once)' }
)
export type CreatedApiKey = Type.Static<typeof CreatedApiKey>

export const ApiKeyList = Type.Object({ data: Type.Array(ApiKey) }, { title: 'ApiKeyList' })
