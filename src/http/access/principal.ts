import Type from 'typebox'

/**
 * Who is asking, and who did it (api.md "Access" and "Who did it"). These shapes are shared by
 * every feature that records or checks an author: history, the change feed, webhooks, API keys,
 * sessions and change requests.
 */
export const ACTOR_TYPES = ['token', 'api_key', 'user', 'anonymous'] as const
export type ActorType = (typeof ACTOR_TYPES)[number]

/** `token`: a bootstrap token (id and name are its name); `api_key`: id the key's id; `user`: id the issuer's `sub`. */
export interface Actor {
  type: ActorType
  id: string
  name: string
}

export const ROLES = ['viewer', 'editor', 'admin'] as const
export type Role = (typeof ROLES)[number]

/** A role, optionally limited to some orgs (null: every org). Only viewer and editor are ever limited. */
export interface Grant {
  role: Role
  orgIds: readonly string[] | null
}

/** Who is asking, resolved once per request from its credential (or the open mode). */
export interface Principal {
  actor: Actor
  /** null: signed in, but with no recognised role (no right at all). */
  grant: Grant | null
  /** RFC 3339 UTC: when the credential or session ends; null when it does not. */
  expiresAt: string | null
  /** How it came: a bearer credential, a session cookie, or none (`open`: the open mode, or a public right). */
  via: 'bearer' | 'cookie' | 'open'
  /** Sessions only: the token cookie writes must carry in X-CSRF-Token. */
  csrfToken?: string
  /**
   * API keys only: the id of who answers for the key: the person or token at the root of the
   * keys that made it (a key made by a key answers to the first one's maker). Four eyes counts a
   * key and its owner as one: nobody approves with their own keys what they asked, nor the
   * other way round.
   */
  ownerId?: string
}

export const ANONYMOUS: Actor = Object.freeze({ type: 'anonymous', id: 'anonymous', name: 'anonymous' })

/** The idempotency records' key for an actor: `<type>:<id>`. */
export function actorKey(actor: Actor): string {
  return `${actor.type}:${actor.id}`
}

/** The orgs a principal may see: null for every org. */
export function orgScopeOf(principal: Principal): readonly string[] | null {
  return principal.grant?.orgIds ?? null
}

const scopeSets = new WeakMap<readonly string[], ReadonlySet<string>>()

/** Whether an org is within a scope (null: every org). The set of a scope is made once per scope. */
export function inOrgScope(scope: readonly string[] | null, orgId: string): boolean {
  if (scope === null) return true
  let set = scopeSets.get(scope)
  if (!set) {
    set = new Set(scope)
    scopeSets.set(scope, set)
  }
  return set.has(orgId)
}

export const ActorSchema = Type.Object(
  {
    type: Type.Unsafe<ActorType>({ type: 'string', enum: [...ACTOR_TYPES], title: 'ActorType', description: 'What kind of credential made the change' }),
    id: Type.String({ description: 'The token’s name, the API key’s id, the person’s subject at the issuer, or anonymous' }),
    name: Type.String({ description: 'For people to read: the token’s name, the key’s name, the person’s email or name, or anonymous' })
  },
  { title: 'Actor', description: 'Who made a change' }
)

export const RoleSchema = Type.Unsafe<Role>({ type: 'string', enum: [...ROLES], title: 'Role', description: 'viewer reads; editor also changes orgs; admin also manages webhooks and API keys' })
