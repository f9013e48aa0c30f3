import Type from 'typebox'

/**
 * The API's shapes, once: Fastify validates requests and serializes responses with them,
 * @fastify/swagger turns them into the OpenAPI document, and TypeScript infers types from them.
 */

export const SCOPES = [
  'openid',
  'name',
  'email',
  'address',
  'phoneNumber',
  'birthDate',
  'nin',
  'delegatedConsents'
] as const
export type Scope = (typeof SCOPES)[number]

export const ENVIRONMENTS = ['production', 'test'] as const
export type Environment = (typeof ENVIRONMENTS)[number]

function stringEnum<const T extends readonly string[]>(values: T, options: object = {}) {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options })
}

export const ORG_ID_PATTERN = '^[a-z0-9][a-z0-9_-]*[a-z0-9]$'
export const SECRET_REF_PATTERN = '^vault://[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*$'

const OrgId = Type.String({
  minLength: 3,
  maxLength: 64,
  pattern: ORG_ID_PATTERN,
  description: 'Organization id: 3–64 of a-z, 0-9, "_" and "-", starting and ending with a letter or digit',
  examples: ['org_helseapp']
})
const ClientId = Type.String({
  minLength: 1,
  maxLength: 255,
  pattern: '^[^\\s\\p{C}]+$',
  description: 'The Vipps client id of the organization’s sales unit (opaque, no whitespace)',
  examples: ['vipps-client-abc123']
})
const ClientSecretRef = Type.String({
  maxLength: 512,
  pattern: SECRET_REF_PATTERN,
  description: 'A vault reference to the client secret, never the secret itself',
  examples: ['vault://orgs/org_helseapp/vipps_secret']
})
const RedirectUri = Type.String({
  maxLength: 2048,
  format: 'redirect-uri',
  description:
    'Registered redirect URI: https://…, or an app scheme (myapp://…); http:// only for localhost in test; no fragment',
  examples: ['myapp://vipps-callback']
})
const Scopes = Type.Array(stringEnum(SCOPES), {
  minItems: 1,
  maxItems: SCOPES.length,
  uniqueItems: true,
  contains: { const: 'openid' },
  description: 'Vipps Login scopes; must contain "openid"',
  examples: [['openid', 'phoneNumber', 'name']]
})
const EnvironmentField = stringEnum(ENVIRONMENTS, {
  description: 'test = apitest.vipps.no, production = api.vipps.no'
})
const Enabled = Type.Boolean({ description: 'Whether "Log in with Vipps" is on for the organization' })
const Timestamp = Type.String({ description: 'RFC 3339 UTC', examples: ['2026-03-26T10:00:00Z'] })

export const OrgIdParams = Type.Object({ org_id: Type.String({ description: 'Organization id' }) })

export const CreateOrgBody = Type.Object(
  {
    org_id: OrgId,
    client_id: ClientId,
    client_secret_ref: ClientSecretRef,
    redirect_uri: RedirectUri,
    scopes: Type.Optional(Scopes),
    environment: Type.Optional(EnvironmentField),
    vipps_enabled: Type.Optional(Enabled)
  },
  { additionalProperties: false }
)
export type CreateOrgBody = Type.Static<typeof CreateOrgBody>

export const UpdateOrgBody = Type.Object(
  {
    client_id: Type.Optional(ClientId),
    client_secret_ref: Type.Optional(ClientSecretRef),
    redirect_uri: Type.Optional(RedirectUri),
    scopes: Type.Optional(Scopes),
    environment: Type.Optional(EnvironmentField),
    vipps_enabled: Type.Optional(Enabled)
  },
  { additionalProperties: false, minProperties: 1 }
)
export type UpdateOrgBody = Type.Static<typeof UpdateOrgBody>

export const OrgConfigResponse = Type.Object(
  {
    org_id: OrgId,
    client_id: ClientId,
    client_secret_ref: ClientSecretRef,
    redirect_uri: Type.String(),
    scopes: Type.Array(Type.String()),
    vipps_enabled: Enabled,
    environment: EnvironmentField,
    created_at: Timestamp,
    updated_at: Timestamp
  },
  { description: 'The full configuration of one organization' }
)

export const OrgSummary = Type.Object({
  org_id: OrgId,
  client_id: ClientId,
  vipps_enabled: Enabled,
  environment: EnvironmentField,
  created_at: Timestamp
})
export type OrgSummary = Type.Static<typeof OrgSummary>

export const CreatedOrgResponse = OrgSummary

export const UpdatedOrgResponse = Type.Object(
  {
    org_id: OrgId,
    client_id: Type.Optional(ClientId),
    client_secret_ref: Type.Optional(ClientSecretRef),
    redirect_uri: Type.Optional(Type.String()),
    scopes: Type.Optional(Type.Array(Type.String())),
    vipps_enabled: Type.Optional(Enabled),
    environment: Type.Optional(EnvironmentField),
    updated_at: Timestamp
  },
  { description: 'org_id, the fields sent with their new values, and updated_at' }
)

export const DeletedOrgResponse = Type.Object({
  org_id: OrgId,
  deleted: Type.Boolean(),
  deleted_at: Timestamp
})

export const OrgStatusResponse = Type.Object({
  org_id: OrgId,
  vipps_enabled: Enabled,
  client_id: ClientId,
  environment: EnvironmentField
})

const Page = Type.Integer({ minimum: 1, maximum: 1_000_000, default: 1, description: 'Page number, from 1' })
const Limit = Type.Integer({ minimum: 1, maximum: 100, default: 20, description: 'Items per page, 1–100' })

export const ListOrgsQuery = Type.Object(
  {
    page: Type.Optional(Page),
    limit: Type.Optional(Limit),
    environment: Type.Optional(EnvironmentField),
    vipps_enabled: Type.Optional(
      stringEnum(['true', 'false', 'any'] as const, { description: 'Filter on the switch; default true' })
    )
  },
  { additionalProperties: false }
)
export type ListOrgsQuery = Type.Static<typeof ListOrgsQuery>

export const PageQuery = Type.Object(
  { page: Type.Optional(Page), limit: Type.Optional(Limit) },
  { additionalProperties: false }
)

const Pagination = Type.Object({
  page: Type.Integer(),
  limit: Type.Integer(),
  total: Type.Integer({ description: 'All matches, on every page' })
})

export const ListOrgsResponse = Type.Object({ data: Type.Array(OrgSummary), pagination: Pagination })

export const OrgEvent = Type.Object({
  version: Type.Integer(),
  action: stringEnum(['create', 'update', 'delete'] as const),
  at: Timestamp,
  actor: Type.String(),
  changes: Type.Record(
    Type.String(),
    Type.Object({ from: Type.Unknown(), to: Type.Unknown() }),
    { description: 'Each changed field with its old and new value' }
  )
})
export type OrgEvent = Type.Static<typeof OrgEvent>

export const HistoryResponse = Type.Object({ data: Type.Array(OrgEvent), pagination: Pagination })
