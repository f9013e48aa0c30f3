import type { Actor, Role } from '../http/access/principal.js'

/** An API key as stored: its digest, never the key. */
export interface ApiKeyRecord {
  id: string
  name: string
  role: Role
  org_ids: string[] | null
  digest: string
  prefix: string
  created_at: string
  created_by: Actor
  /** Who answers for the key (Principal.ownerId): never shown. */
  owner_id: string
  expires_at: string | null
  revoked_at: string | null
  last_used_at: string | null
}

/** Keys that may still sign in (not revoked; expiry is checked at each use), and the revision they are of. */
export interface ActiveKeys {
  revision: number
  keys: ApiKeyRecord[]
}

/** A key's use, to the minute. */
export interface KeyUse {
  id: string
  at: string
}

/**
 * Where API keys live. Every change (create, revoke) bumps the revision in its own transaction,
 * so an instance that sees the revision move knows to reload.
 */
export interface ApiKeyStore {
  create(record: ApiKeyRecord): Promise<void>
  /** Every key, revoked ones too, oldest first. */
  list(): Promise<ApiKeyRecord[]>
  get(id: string): Promise<ApiKeyRecord | undefined>
  /** Sets revoked_at unless already set; the key as it now is (undefined: no such key). */
  revoke(id: string, at: string): Promise<ApiKeyRecord | undefined>
  revision(): Promise<number>
  activeKeys(): Promise<ActiveKeys>
  /** Records uses; an earlier time never overwrites a later one. */
  recordUses(uses: readonly KeyUse[]): Promise<void>
}
