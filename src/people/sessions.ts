import { isoSeconds } from '../clock.js'
import type { Grant } from '../http/access/principal.js'
import { csrfTokenOf, digestOf, isId, newId } from './secrets.js'
import type { SessionStore } from './session-store.js'

/** A signed-in person, as a request's session shows them. */
export interface Person {
  /** The issuer's `sub`. */
  subject: string
  name: string
  grant: Grant | null
  /** RFC 3339 UTC: the session's absolute end (an idle one ends earlier). */
  expiresAt: string
  csrfToken: string
}

export interface SessionLimits {
  idleMs: number
  maxMs: number
}

/** How often a session's last-seen time is written: at most once a minute, not on every request. */
const SEEN_EVERY_MS = 60_000

/**
 * Sessions: started at sign-in, looked up in the shared table on every request that carries the
 * cookie (so an end is seen by every instance at once), ended by sign-out, an idle spell or the
 * absolute limit.
 */
export class Sessions {
  constructor(
    private readonly store: SessionStore,
    readonly limits: SessionLimits,
    private readonly now: () => number = Date.now
  ) {}

  /** Starts a session; the returned id goes into the cookie and nowhere else. */
  async start(person: { subject: string; name: string; grant: Grant | null }): Promise<{ id: string; expiresAtMs: number }> {
    const id = newId()
    const now = this.now()
    const expiresAtMs = now + this.limits.maxMs
    // Sign-ins are rare: a good moment to drop what has expired.
    await this.store.purgeExpired(now, this.limits.idleMs)
    await this.store.insertSession({ idDigest: digestOf(id), ...person, createdAt: isoSeconds(now), seenAtMs: now, expiresAtMs })
    return { id, expiresAtMs }
  }

  /** The person behind a cookie's value, or undefined when it is not a live session (an ended or expired one is deleted). */
  async resolve(id: unknown): Promise<Person | undefined> {
    if (!isId(id)) return undefined
    const idDigest = digestOf(id)
    const session = await this.store.findSession(idDigest)
    if (!session) return undefined
    const now = this.now()
    if (now >= session.expiresAtMs || now - session.seenAtMs > this.limits.idleMs) {
      await this.store.deleteSession(idDigest)
      return undefined
    }
    if (now - session.seenAtMs >= Math.min(SEEN_EVERY_MS, this.limits.idleMs / 4)) await this.store.touchSession(idDigest, now)
    return {
      subject: session.subject,
      name: session.name,
      grant: session.grant,
      expiresAt: isoSeconds(session.expiresAtMs),
      csrfToken: csrfTokenOf(id)
    }
  }

  async end(id: unknown): Promise<void> {
    if (isId(id)) await this.store.deleteSession(digestOf(id))
  }
}
