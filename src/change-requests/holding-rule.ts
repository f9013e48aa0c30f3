import type { ConfigField, ConfigFields } from '../orgs/fields.js'

/**
 * The fields whose change, on an org in production (before or after the change), waits for a
 * second person (api.md "Change approvals (four eyes)"). `vipps_enabled` is held only when it is
 * turned on; turning it off alone is the kill switch and acts at once.
 */
export const HELD_FIELDS: readonly ConfigField[] = ['client_id', 'client_secret_ref', 'redirect_uri', 'scopes', 'environment']

/** A write as the holding rule sees it: the org before (absent for a create) and after (absent for a delete). */
export interface ProposedChange {
  before?: ConfigFields
  after?: ConfigFields
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b)
}

/** Whether a write must wait for approval. Pure: the whole rule of api.md in one place. */
export function isHeld({ before, after }: ProposedChange): boolean {
  if (!before && !after) return false
  if (!before) return after!.environment === 'production'
  if (!after) return before.environment === 'production'
  // A test org that stays test is never held; moving one to production is.
  if (before.environment !== 'production' && after.environment !== 'production') return false
  if (HELD_FIELDS.some((field) => !same(before[field], after[field]))) return true
  return !before.vipps_enabled && after.vipps_enabled
}
