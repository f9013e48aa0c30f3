import Type from 'typebox'
import {
  CONFIG_FIELDS,
  ConfigFields,
  type ConfigField,
  DEFAULTED_FIELDS,
  type DefaultedField,
  OrgId,
  type RequiredField,
  stringEnum
} from './fields.js'
import { ActorSchema } from '../http/access/principal.js'
import { withMessages } from '../http/validation.js'

/**
 * The API's shapes, each derived from the fields of fields.ts: Fastify validates requests and
 * serializes responses with them, @fastify/swagger turns them into the OpenAPI document, and
 * TypeScript infers the types from them.
 */

export const Timestamp = Type.String({ format: 'date-time', description: 'RFC 3339 UTC', examples: ['2026-03-26T10:00:00Z'] })
type Fields = typeof ConfigFields.properties

/** A field's schema without its default: as a response (a serializer would fill it in) or a filter. */
function withoutDefault<T extends Type.TSchema>(schema: T): T {
  const { default: _default, ...rest } = schema as T & { default?: unknown }
  return rest as T
}

/** The fields as a create declares them: each with its default, if it has one. */
const declared = ConfigFields.properties
/** The fields as responses, updates and filters use them. */
const fields = Object.fromEntries(CONFIG_FIELDS.map((name) => [name, withoutDefault(declared[name])])) as Fields

function pick<K extends ConfigField>(names: readonly K[]): { [P in K]: Fields[P] } {
  return Object.fromEntries(names.map((name) => [name, fields[name]])) as { [P in K]: Fields[P] }
}

export const OrgIdParams = Type.Object({ org_id: Type.String({ description: 'Organization id' }) })

/** A create: org_id and every field; those with a default may be left out. */
export const CreateOrgBody = Type.Unsafe<
  { org_id: string } & Pick<ConfigFields, RequiredField> & Partial<Pick<ConfigFields, DefaultedField>>
>(
  Type.Object(
    {
      org_id: OrgId,
      ...Object.fromEntries(
        CONFIG_FIELDS.map((name) => [
          name,
          DEFAULTED_FIELDS.includes(name as DefaultedField) ? Type.Optional(declared[name]) : declared[name]
        ])
      )
    },
    { additionalProperties: false, title: 'CreateOrgRequest' }
  )
)
export type CreateOrgBody = Type.Static<typeof CreateOrgBody>

/** An update: any non-empty subset of the fields (partial, as in the contract's example). */
const UpdatableFields = Type.Object(fields)
export const UpdateOrgBody = Type.Partial(UpdatableFields, {
  additionalProperties: false,
  minProperties: 1,
  title: 'UpdateOrgRequest'
})
export type UpdateOrgBody = Type.Static<typeof UpdateOrgBody>

/** The full configuration of one organization, in the order of the contract's example. */
export const OrgConfig = Type.Object(
  { org_id: OrgId, ...fields, created_at: Timestamp, updated_at: Timestamp },
  { title: 'OrgConfig', description: 'The full configuration of one organization' }
)
export type OrgConfig = Type.Static<typeof OrgConfig>

/** A list item, and what a create answers: the five fields of the contract's example. */
export const OrgSummary = Type.Object(
  { org_id: OrgId, ...pick(['client_id', 'vipps_enabled', 'environment']), created_at: Timestamp },
  { title: 'OrgSummary', description: 'An organization in a list, and what a create answers' }
)
export type OrgSummary = Type.Static<typeof OrgSummary>

export const OrgStatus = Type.Object(
  { org_id: OrgId, ...pick(['vipps_enabled', 'client_id', 'environment']) },
  { title: 'OrgStatus', description: 'Whether Vipps is enabled for an organization' }
)
export type OrgStatus = Type.Static<typeof OrgStatus>

export const UpdatedOrg = Type.Object(
  { org_id: OrgId, ...Type.Partial(UpdatableFields).properties, updated_at: Timestamp },
  { title: 'UpdatedOrg', description: 'org_id, the fields sent with their new values, and updated_at' }
)
export type UpdatedOrg = Type.Static<typeof UpdatedOrg>

export const DeletedOrg = Type.Object(
  { org_id: OrgId, deleted: Type.Boolean(), deleted_at: Timestamp },
  { title: 'DeletedOrg' }
)
export type DeletedOrg = Type.Static<typeof DeletedOrg>

const Page = Type.Integer({
  minimum: 1,
  maximum: 1_000_000,
  default: 1,
  description: 'Page number, from 1',
  ...withMessages({ '*': 'must be a whole number from 1 to 1000000' })
})
const Limit = Type.Integer({
  minimum: 1,
  maximum: 100,
  default: 20,
  description: 'Items per page, 1–100',
  ...withMessages({ '*': 'must be a whole number from 1 to 100' })
})

export const ListOrgsQuery = Type.Object(
  {
    // No default filled in: a page given with `after` is refused, so it must be seen as given.
    page: Type.Optional(withoutDefault({ ...Page, description: 'Page number, from 1 (default 1); not with after' })),
    limit: Type.Optional(Limit),
    after: Type.Optional(
      Type.String({
        // An org_id, or empty: the walk's first page.
        pattern: '^(?:|[a-z0-9][a-z0-9_-]{1,62}[a-z0-9])$',
        description:
          'Export-safe paging by key: the orgs after this org_id (empty: from the first), ordered by org_id (byte order); pass the last org_id of a page to get the next. Not with page; pagination.total then counts the matches after the key',
        examples: ['org_helseapp'],
        ...withMessages({ '*': 'must be empty or an org_id (3–64 characters of a-z, 0-9, "_" and "-", starting and ending with a letter or digit)' })
      })
    ),
    environment: Type.Optional(fields.environment),
    vipps_enabled: Type.Optional(
      stringEnum(['true', 'false', 'any'] as const, {
        description: 'Filter on the switch; default true',
        ...withMessages({ enum: 'must be true, false or any' })
      })
    ),
    q: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 64,
        description: 'Search: org_id or client_id starts with this (A–Z match a–z; % and _ are plain characters)',
        examples: ['klin'],
        ...withMessages({ '*': 'must be 1–64 characters' })
      })
    )
  },
  { additionalProperties: false }
)
export type ListOrgsQuery = Type.Static<typeof ListOrgsQuery>

export const PageQuery = Type.Object({ page: Type.Optional(Page), limit: Type.Optional(Limit) }, { additionalProperties: false })

const Pagination = Type.Object(
  { page: Type.Integer(), limit: Type.Integer(), total: Type.Integer({ description: 'All matches, on every page' }) },
  { title: 'Pagination' }
)

export const OrgList = Type.Object({ data: Type.Array(OrgSummary), pagination: Pagination }, { title: 'OrgList' })

/** One field's change in the history: its value before (null on create) and after. */
export const FieldChange = Type.Object({ from: Type.Unknown(), to: Type.Unknown() }, { title: 'FieldChange' })

export const OrgEvent = Type.Object(
  {
    version: Type.Integer({ description: 'The version this change made (the ETag after it)' }),
    action: stringEnum(['create', 'update', 'delete'] as const),
    at: Timestamp,
    actor: ActorSchema,
    approved_by: Type.Optional({ ...ActorSchema, description: 'Who approved the change, when it waited for approval (four eyes); actor asked for it' }),
    changes: Type.Record(Type.String(), FieldChange, { description: 'Each changed field with its old and new value' })
  },
  { title: 'OrgEvent' }
)
export type OrgEvent = Type.Static<typeof OrgEvent>
export type Changes = OrgEvent['changes']

export const OrgHistory = Type.Object({ data: Type.Array(OrgEvent), pagination: Pagination }, { title: 'OrgHistory' })
