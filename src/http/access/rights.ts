import type { Grant, Role } from './principal.js'

/**
 * The vocabulary of rights: what a route may need (`config: { right }` on its declaration). Named
 * `<resource>:<action>`, as Auth0's Management API scopes are.
 */
export const RIGHTS = {
  'orgs:read': 'read org configs, their status, lists and history',
  'orgs:write': 'create, change, enable/disable and delete org configs',
  'events:read': 'read the change feed',
  'change_requests:read': 'read change requests',
  'change_requests:decide': 'approve and reject change requests',
  'webhooks:read': 'read webhook endpoints and their deliveries (never a secret)',
  'webhooks:write': 'create, change, delete, rotate and test webhook endpoints',
  'api_keys:read': 'read API keys (never the key)',
  'api_keys:write': 'create and revoke API keys'
} as const

export type Right = keyof typeof RIGHTS

/**
 * What a route needs: a right, or `authenticated` (any credential, even one without a role; in
 * the open mode, none). Routes outside /api/ (health, docs, the console, sign-in) declare nothing.
 */
export type RouteAccess = Right | 'authenticated'

const VIEWER: readonly Right[] = ['orgs:read', 'events:read', 'change_requests:read', 'webhooks:read']
const EDITOR: readonly Right[] = [...VIEWER, 'orgs:write', 'change_requests:decide']
const ADMIN: readonly Right[] = [...EDITOR, 'webhooks:write', 'api_keys:read', 'api_keys:write']

/** The role table (api.md "Roles and grants"). */
export const ROLE_RIGHTS: Readonly<Record<Role, ReadonlySet<Right>>> = {
  viewer: new Set(VIEWER),
  editor: new Set(EDITOR),
  admin: new Set(ADMIN)
}

/**
 * Rights about every org at once, which a grant limited to some orgs never has: webhook endpoints
 * receive every org's changes, so even reading them is for unlimited grants.
 */
export const RIGHTS_OF_ALL_ORGS: ReadonlySet<Right> = new Set(['webhooks:read', 'webhooks:write', 'api_keys:read', 'api_keys:write'])

export function isRight(value: unknown): value is Right {
  return typeof value === 'string' && Object.hasOwn(RIGHTS, value)
}

/** Whether a grant has a right (null: no grant, no right). */
export function grantAllows(grant: Grant | null, right: Right): boolean {
  if (grant === null || !ROLE_RIGHTS[grant.role].has(right)) return false
  return grant.orgIds === null || !RIGHTS_OF_ALL_ORGS.has(right)
}
