import { bearerToken, type CredentialResolver, type RequestHead } from '../http/access/credentials.js'
import type { Principal } from '../http/access/principal.js'
import { isoSeconds } from '../clock.js'
import { isKeyFormat, KEY_LENGTH, keyDigest } from './key-material.js'
import type { ApiKeyRecord, ApiKeyStore } from './store.js'

const MINUTE_MS = 60_000
/** How often each instance asks whether keys changed: a revoked key is refused everywhere well within a second. */
export const POLL_MS = 250
/** How often the minutes keys were used in are written (one statement for all of them). */
const FLUSH_USES_MS = 10_000

const PRESENTS_KEY = /^Bearer[ \t]+vok_/i
/** How clients send a key: parsed without a regex on the hot path; other spellings take bearerToken's. */
const USUAL = 'Bearer vok_'
const USUAL_LENGTH = 'Bearer '.length + KEY_LENGTH

/** The key of an Authorization header, or undefined. */
function keyOf(head: RequestHead): string | undefined {
  const header = head.headers.authorization
  if (header === undefined) return undefined
  if (header.length === USUAL_LENGTH && header.startsWith(USUAL)) return header.slice(7)
  const token = bearerToken(head.headers)
  return token !== undefined && isKeyFormat(token) ? token : undefined
}

/** A key that may sign in, as the hot path holds it. */
interface ActiveKey {
  id: string
  principal: Principal
  /** Epoch ms; Infinity when it never expires. */
  expiresAtMs: number
  /** The minute (epoch ms / 60,000) of its last use seen here. */
  usedMinute: number
}

type Logger = { warn(obj: object, msg: string): void; info(obj: object, msg: string): void }

function principalOf(record: ApiKeyRecord): Principal {
  return Object.freeze({
    actor: Object.freeze({ type: 'api_key' as const, id: record.id, name: record.name }),
    grant: Object.freeze({ role: record.role, orgIds: record.org_ids === null ? null : Object.freeze([...record.org_ids]) }),
    expiresAt: record.expires_at,
    via: 'bearer' as const,
    ownerId: record.owner_id
  })
}

/**
 * The keys that may sign in, in memory, by digest: checking a key costs a SHA-256 and a map
 * lookup, no query, so the hot reads can take keys too. Kept fresh by polling the keys' revision
 * (every 250 ms; a change reloads them all), and at once after a change made here. Expiry is
 * checked at every use. The minute a key was last used is noted in memory and written every ten
 * seconds: no write per request.
 */
export class ApiKeyRegistry {
  private byDigest = new Map<string, ActiveKey>()
  private revision = -1
  private queue: Promise<void> = Promise.resolve()
  private polling = false
  private pollFailing = false
  private readonly usedMinutes = new Map<string, number>()
  private timers: NodeJS.Timeout[] = []

  constructor(
    private readonly store: ApiKeyStore,
    private readonly log: Logger,
    private readonly now: () => number = Date.now
  ) {}

  /** Loads the keys, then keeps them fresh and writes their uses until stop(). */
  async start(): Promise<void> {
    await this.refresh()
    const poll = setInterval(() => void this.poll(), POLL_MS)
    const flush = setInterval(() => void this.flushUses(), FLUSH_USES_MS)
    poll.unref()
    flush.unref()
    this.timers = [poll, flush]
  }

  async stop(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer)
    this.timers = []
    await this.flushUses()
  }

  /** The access layer's resolver for `Authorization: Bearer vok_…`. */
  resolver(): CredentialResolver {
    return {
      name: 'api-key',
      presented: (head) => {
        const header = head.headers.authorization
        return header !== undefined && (header.startsWith(USUAL) || PRESENTS_KEY.test(header))
      },
      resolve: (request) => this.lookup(request),
      resolveNow: (head) => this.lookup(head) ?? undefined
    }
  }

  /** The principal of a valid key; null for anything else (malformed, unknown, revoked, expired). */
  lookup(head: RequestHead): Principal | null {
    const token = keyOf(head)
    if (token === undefined) return null
    // (A token of the usual length with other characters simply has no digest here.)
    const key = this.byDigest.get(keyDigest(token))
    if (!key) return null
    const now = this.now()
    if (now >= key.expiresAtMs) return null
    const minute = Math.floor(now / MINUTE_MS)
    if (minute !== key.usedMinute) {
      key.usedMinute = minute
      this.usedMinutes.set(key.id, minute)
    }
    return key.principal
  }

  /** When this instance last saw the key used, if later than what it has written. */
  lastUsedHere(id: string): string | undefined {
    const minute = this.usedMinutes.get(id)
    return minute === undefined ? undefined : isoSeconds(minute * MINUTE_MS)
  }

  /** Loads every key that may sign in; resolves after a load that began after the call. */
  refresh(): Promise<void> {
    const loaded = this.queue.then(() => this.load())
    this.queue = loaded.catch(() => undefined)
    return loaded
  }

  private async load(): Promise<void> {
    const { revision, keys } = await this.store.activeKeys()
    const byDigest = new Map<string, ActiveKey>()
    for (const record of keys) {
      byDigest.set(record.digest, {
        id: record.id,
        principal: principalOf(record),
        expiresAtMs: record.expires_at === null ? Infinity : Date.parse(record.expires_at),
        usedMinute: this.byDigest.get(record.digest)?.usedMinute ?? -1
      })
    }
    this.byDigest = byDigest
    this.revision = revision
  }

  private async poll(): Promise<void> {
    if (this.polling) return
    this.polling = true
    try {
      if ((await this.store.revision()) !== this.revision) await this.refresh()
      if (this.pollFailing) this.log.info({}, 'API keys: reading their changes works again')
      this.pollFailing = false
    } catch (err) {
      // Keys known so far stay in use: while the database cannot be read, nobody can revoke either.
      if (!this.pollFailing) this.log.warn({ err }, 'API keys: reading their changes failed; the keys loaded last stay in use')
      this.pollFailing = true
    } finally {
      this.polling = false
    }
  }

  private async flushUses(): Promise<void> {
    if (this.usedMinutes.size === 0) return
    const uses = [...this.usedMinutes].map(([id, minute]) => ({ id, at: isoSeconds(minute * MINUTE_MS) }))
    try {
      await this.store.recordUses(uses)
      for (const { id, at } of uses) if (this.lastUsedHere(id) === at) this.usedMinutes.delete(id)
    } catch (err) {
      this.log.warn({ err, keys: uses.length }, 'API keys: recording when keys were last used failed; will try again')
    }
  }
}
