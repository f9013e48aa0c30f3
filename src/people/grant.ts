import type { Grant } from '../http/access/principal.js'

const ORG_ID = /^[a-z0-9][a-z0-9_-]*[a-z0-9]$/
const MAX_LIMITED_ORGS = 1000

/** The claim's values: an array of strings, or one string (some issuers send a single value so). */
function valuesOf(claim: unknown): string[] {
  if (typeof claim === 'string') return [claim]
  if (Array.isArray(claim)) return claim.filter((value): value is string => typeof value === 'string')
  return []
}

/**
 * The grant a person's roles claim gives: `admin`, `editor`, `viewer`, `editor:<org_id>`,
 * `viewer:<org_id>`; anything else is ignored. A grant is one role, so the strongest one that the
 * values give in full wins: admin; editor of every org; editor of the orgs named; viewer of every
 * org; viewer of the orgs named. Nothing is ever widened: `viewer:a` beside `editor:b` gives editor
 * of b only, not of a. No recognised value: null (signed in, no right).
 */
export function grantFromRoles(claim: unknown): Grant | null {
  const values = new Set(valuesOf(claim).map((value) => value.trim()))
  if (values.has('admin')) return { role: 'admin', orgIds: null }
  if (values.has('editor')) return { role: 'editor', orgIds: null }
  const limited = (role: 'editor' | 'viewer'): string[] =>
    [...values]
      .filter((value) => value.startsWith(`${role}:`))
      .map((value) => value.slice(role.length + 1))
      .filter((orgId) => orgId.length >= 3 && orgId.length <= 64 && ORG_ID.test(orgId))
      .sort()
      .slice(0, MAX_LIMITED_ORGS)
  const editorOf = limited('editor')
  if (editorOf.length > 0) return { role: 'editor', orgIds: editorOf }
  if (values.has('viewer')) return { role: 'viewer', orgIds: null }
  const viewerOf = limited('viewer')
  if (viewerOf.length > 0) return { role: 'viewer', orgIds: viewerOf }
  return null
}
