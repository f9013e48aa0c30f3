import Type from 'typebox'
import { withMessages } from '../http/validation.js'

/**
 * The configuration fields of an organization, declared once. Every request and response shape
 * (schemas.ts), the TypeScript types, the database row (tables.ts) and the history are derived
 * from `ConfigFields`. Adding a field: declare it here, add a migration, follow the compiler.
 */

export const SCOPES = ['openid', 'name', 'email', 'address', 'phoneNumber', 'birthDate', 'nin', 'delegatedConsents'] as const
export type Scope = (typeof SCOPES)[number]

export const ENVIRONMENTS = ['production', 'test'] as const
export type Environment = (typeof ENVIRONMENTS)[number]

/** A field a create may leave out: it then takes `value`, which the schema documents as its `default`. */
function defaulted<T extends Type.TSchema>(schema: T, value: Type.Static<T>): T & { default: Type.Static<T> } {
  return { ...schema, default: value }
}

export function stringEnum<const T extends readonly string[]>(values: T, options: object = {}) {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options })
}

/**
 * Whitespace (\\s), controls (Cc), the format characters of the BMP (Cf) and private use (Co),
 * as ranges a regular expression reads the same way with or without the u flag.
 */
const NOT_PRINTABLE =
  '\\s\\x00-\\x1f\\x7f-\\x9f\\xad\\u0600-\\u0605\\u061c\\u06dd\\u070f\\u0890\\u0891\\u08e2\\u180e' +
  '\\u200b-\\u200f\\u202a-\\u202e\\u2060-\\u2064\\u2066-\\u206f\\ufeff\\ufff9-\\ufffb\\ue000-\\uf8ff'

export const ORG_ID_PATTERN = '^[a-z0-9][a-z0-9_-]*[a-z0-9]$'
const ORG_ID = new RegExp(ORG_ID_PATTERN)

export function isOrgId(value: string): boolean {
  return value.length >= 3 && value.length <= 64 && ORG_ID.test(value)
}

export const OrgId = Type.String({
  minLength: 3,
  maxLength: 64,
  pattern: ORG_ID_PATTERN,
  description: 'Organization id: 3–64 of a-z, 0-9, "_" and "-", starting and ending with a letter or digit',
  examples: ['org_helseapp'],
  ...withMessages({ '*': 'must be 3–64 characters of a-z, 0-9, "_" and "-", starting and ending with a letter or digit' })
})

export const ConfigFields = Type.Object({
  client_id: Type.String({
    minLength: 1,
    maxLength: 255,
    // No whitespace, control or format characters. Spelled out (no \p{…}) so any ECMA-262
    // validator reads it alike, with or without the u flag; characters beyond the BMP pass in both.
    pattern: `^[^${NOT_PRINTABLE}]+$`,
    description: 'The Vipps client id of the organization’s sales unit (opaque, no whitespace)',
    examples: ['vipps-client-abc123'],
    ...withMessages({ pattern: 'must not contain whitespace or control characters', minLength: 'must not be empty' })
  }),
  client_secret_ref: Type.String({
    maxLength: 512,
    pattern: '^vault://[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*$',
    description: 'A vault reference to the client secret, never the secret itself',
    examples: ['vault://orgs/org_helseapp/vipps_secret'],
    ...withMessages({
      pattern: 'must be a vault reference such as vault://orgs/<org_id>/vipps_secret, never the secret itself'
    })
  }),
  redirect_uri: Type.String({
    maxLength: 2048,
    format: 'redirect-uri',
    description:
      'Registered redirect URI: https://…, or an app scheme (myapp://…); http:// only for localhost in test; no fragment',
    examples: ['myapp://vipps-callback']
  }),
  scopes: defaulted(Type.Array(
    stringEnum(SCOPES, {
      title: 'Scope',
      description: 'A Vipps Login scope',
      ...withMessages({ enum: `must only hold Vipps Login scopes: ${SCOPES.join(', ')}` })
    }),
    {
      minItems: 1,
      maxItems: SCOPES.length,
      uniqueItems: true,
      contains: { const: 'openid' },
      description: 'Vipps Login scopes; must contain "openid"',
      examples: [['openid', 'phoneNumber', 'name']],
      ...withMessages({
        enum: `must only hold Vipps Login scopes: ${SCOPES.join(', ')}`,
        contains: 'must contain "openid"',
        uniqueItems: 'must not repeat a scope',
        minItems: 'must not be empty'
      })
    }
  ), ['openid']),
  vipps_enabled: defaulted(
    Type.Boolean({
      description: 'Whether "Log in with Vipps" is on for the organization',
      ...withMessages({ type: 'must be true or false' })
    }),
    true
  ),
  environment: defaulted(
    stringEnum(ENVIRONMENTS, {
      title: 'Environment',
      description: 'test = apitest.vipps.no, production = api.vipps.no',
      ...withMessages({ enum: 'must be "production" or "test"' })
    }),
    'test'
  )
})
export type ConfigFields = Type.Static<typeof ConfigFields>
export type ConfigField = keyof ConfigFields

export const CONFIG_FIELDS = Object.keys(ConfigFields.properties) as ConfigField[]

type Properties = typeof ConfigFields.properties
/** The fields a create may leave out (declared with a default). */
export type DefaultedField = { [K in ConfigField]: Properties[K] extends { default: unknown } ? K : never }[ConfigField]
export type RequiredField = Exclude<ConfigField, DefaultedField>

export const DEFAULTED_FIELDS = CONFIG_FIELDS.filter((name) => 'default' in ConfigFields.properties[name]) as DefaultedField[]
export const REQUIRED_FIELDS = CONFIG_FIELDS.filter((name) => !('default' in ConfigFields.properties[name])) as RequiredField[]

/** The value each defaulted field takes when a create leaves it out. */
export const FIELD_DEFAULTS = Object.fromEntries(
  DEFAULTED_FIELDS.map((name) => [name, (ConfigFields.properties[name] as { default: unknown }).default])
) as Pick<ConfigFields, DefaultedField>
