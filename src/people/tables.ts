/** The people feature's tables as Kysely sees them (migration 007_sessions). */
export type SessionTable = {
  /** SHA-256 (base64url) of the session id held in the cookie. */
  id_digest: string
  /** The issuer's `sub`. */
  subject: string
  /** The person's email, or name, or `sub`: how history names them. */
  name: string
  role: 'viewer' | 'editor' | 'admin' | null
  /** JSON array of org ids for a limited grant; null for every org. */
  org_ids: string | null
  created_at: string
  /** Epoch ms of the last request seen (written at most every SEEN_EVERY_MS). PostgreSQL's bigint comes back as a string. */
  seen_at_ms: number | string
  /** Epoch ms: the absolute end. */
  expires_at_ms: number | string
}

export type SignInTable = {
  /** SHA-256 (base64url) of the id in the browser's sign-in cookie. */
  id_digest: string
  return_to: string
  expires_at_ms: number | string
}

export type PeopleTables = {
  sessions: SessionTable
  session_sign_ins: SignInTable
}
