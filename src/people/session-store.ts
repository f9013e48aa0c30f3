import type { Kysely } from 'kysely'
import type { Database } from '../db/connect.js'
import type { Grant } from '../http/access/principal.js'
import type { PeopleTables } from './tables.js'

export interface SessionRecord {
  idDigest: string
  subject: string
  name: string
  grant: Grant | null
  createdAt: string
  seenAtMs: number
  expiresAtMs: number
}

/**
 * Sessions and sign-ins in progress, in the database every instance shares: a session ended on
 * one instance is gone for all at once, and a restart keeps the others.
 */
export class SessionStore {
  private readonly db: Kysely<PeopleTables>

  constructor(db: Kysely<Database>) {
    this.db = db.withTables<PeopleTables>()
  }

  async insertSession(session: SessionRecord): Promise<void> {
    await this.db
      .insertInto('sessions')
      .values({
        id_digest: session.idDigest,
        subject: session.subject,
        name: session.name,
        role: session.grant?.role ?? null,
        org_ids: session.grant?.orgIds ? JSON.stringify(session.grant.orgIds) : null,
        created_at: session.createdAt,
        seen_at_ms: session.seenAtMs,
        expires_at_ms: session.expiresAtMs
      })
      .execute()
  }

  async findSession(idDigest: string): Promise<SessionRecord | undefined> {
    const row = await this.db.selectFrom('sessions').selectAll().where('id_digest', '=', idDigest).executeTakeFirst()
    if (!row) return undefined
    return {
      idDigest: row.id_digest,
      subject: row.subject,
      name: row.name,
      grant: row.role ? { role: row.role, orgIds: row.org_ids === null ? null : (JSON.parse(row.org_ids) as string[]) } : null,
      createdAt: row.created_at,
      seenAtMs: Number(row.seen_at_ms),
      expiresAtMs: Number(row.expires_at_ms)
    }
  }

  async touchSession(idDigest: string, seenAtMs: number): Promise<void> {
    await this.db.updateTable('sessions').set({ seen_at_ms: seenAtMs }).where('id_digest', '=', idDigest).execute()
  }

  async deleteSession(idDigest: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('id_digest', '=', idDigest).execute()
  }

  /** Drops what can no longer be used: sessions past either end, sign-ins past theirs. */
  async purgeExpired(nowMs: number, idleMs: number): Promise<void> {
    await this.db
      .deleteFrom('sessions')
      .where((eb) => eb.or([eb('expires_at_ms', '<=', nowMs), eb('seen_at_ms', '<', nowMs - idleMs)]))
      .execute()
    await this.db.deleteFrom('session_sign_ins').where('expires_at_ms', '<=', nowMs).execute()
  }

  /** Adds a sign-in in progress, and drops those that expired (unfinished sign-ins are never taken). */
  async insertSignIn(idDigest: string, returnTo: string, expiresAtMs: number, nowMs: number): Promise<void> {
    await this.db.deleteFrom('session_sign_ins').where('expires_at_ms', '<=', nowMs).execute()
    await this.db.insertInto('session_sign_ins').values({ id_digest: idDigest, return_to: returnTo, expires_at_ms: expiresAtMs }).execute()
  }

  /** Takes a sign-in in progress, once: a second take (a replayed callback) finds nothing. */
  async takeSignIn(idDigest: string, nowMs: number): Promise<{ returnTo: string } | undefined> {
    const row = await this.db
      .deleteFrom('session_sign_ins')
      .where('id_digest', '=', idDigest)
      .returning(['return_to', 'expires_at_ms'])
      .executeTakeFirst()
    if (!row || Number(row.expires_at_ms) <= nowMs) return undefined
    return { returnTo: row.return_to }
  }
}
