import { type Kysely, sql } from 'kysely'
import pg from 'pg'

/** What the listener keeps fresh: the read cache and the list index. */
export interface InvalidationTarget {
  invalidate(orgId: string): void
  suspend(): void
  resume(): void
}

/**
 * The channel on which the org_id of every committed change of a config is announced. The writer
 * sends it right after its commit (announceChanges); migration 001's trigger sent it from inside
 * the write transaction until migration 002 dropped it (see announceChanges for why).
 */
export const CHANGES_CHANNEL = 'vipps_org_changed'

type Logger = { info(obj: object, msg: string): void; warn(obj: object, msg: string): void }

const RETRY_MIN_MS = 100
const RETRY_MAX_MS = 5_000

export interface ChangeListener {
  stop(): Promise<void>
  /** Times the connection was lost and made again; whether it listens now. */
  stats(): { reconnects: number; connected: boolean }
}

/** How the listener tells this instance's own announcements from the others'. */
export interface OwnChanges {
  /** Whether the notification's sender (a PostgreSQL backend process) is one of this instance's connections. */
  isOwnBackend(processId: number): boolean
  /** An announcement of this instance's own change came back. */
  heard(orgId: string): void
}

/**
 * Keeps one connection LISTENing on the changes channel: each notification drops that org_id
 * from the read cache. While the connection is lost, changes may go unheard, so the cache is
 * suspended (reads go to the database) until the listener is back, then starts empty. This
 * instance's own announcements (`own`) invalidate nothing: it dropped its copies when it wrote.
 */
export async function startChangeListener(
  url: string,
  cache: InvalidationTarget,
  log: Logger,
  onChange: (orgId: string) => void = () => undefined,
  own?: OwnChanges
): Promise<ChangeListener> {
  let client: pg.Client | undefined
  let stopped = false
  let retryMs = RETRY_MIN_MS
  let retryTimer: NodeJS.Timeout | undefined
  let reconnects = 0

  const connect = async (): Promise<void> => {
    const next = new pg.Client({ connectionString: url, keepAlive: true, connectionTimeoutMillis: 2_000 })
    next.on('notification', (message) => {
      if (message.channel !== CHANGES_CHANNEL || !message.payload) return
      if (own?.isOwnBackend(message.processId)) return own.heard(message.payload)
      cache.invalidate(message.payload)
      onChange(message.payload)
    })
    next.on('error', (err) => lost(next, err))
    next.on('end', () => lost(next))
    try {
      await next.connect()
      await next.query(`LISTEN ${CHANGES_CHANNEL}`)
    } catch (err) {
      next.removeAllListeners('end')
      await next.end().catch(() => undefined)
      throw err
    }
    if (stopped) return void (await next.end().catch(() => undefined))
    client = next
    retryMs = RETRY_MIN_MS
    cache.resume()
  }

  const lost = (which: pg.Client, err?: Error): void => {
    if (stopped || client !== which) return
    client = undefined
    cache.suspend()
    log.warn({ err }, 'cache invalidation listener lost its connection; reads bypass the cache until it is back')
    which.end().catch(() => undefined)
    scheduleReconnect()
  }

  const scheduleReconnect = (): void => {
    if (stopped || retryTimer) return
    retryTimer = setTimeout(() => {
      retryTimer = undefined
      connect().then(
        () => {
          reconnects++
          log.info({}, 'cache invalidation listener is back')
        },
        () => {
          retryMs = Math.min(retryMs * 2, RETRY_MAX_MS)
          scheduleReconnect()
        }
      )
    }, retryMs)
    retryTimer.unref()
  }

  await connect()
  return {
    stats: () => ({ reconnects, connected: client !== undefined }),
    async stop() {
      stopped = true
      clearTimeout(retryTimer)
      const current = client
      client = undefined
      await current?.end().catch(() => undefined)
    }
  }
}

/**
 * Announces this instance's committed changes on CHANGES_CHANNEL, after the commit, in batches
 * (one statement for every org_id that changed while the previous batch was on its way).
 *
 * Not from a trigger inside the write transaction: a transaction that has sent NOTIFY takes
 * PostgreSQL's global notification lock at commit and holds it until its commit record is flushed
 * to disk, so every writing transaction of the database waited for the fsync of the one before
 * (no group commit): creates per second were bounded by 1 / fsync time (measured: 184–198/s with
 * the trigger, 390–530/s without, same machine, same minute). A statement that only notifies
 * writes no WAL, so it holds the lock for microseconds.
 *
 * What that costs: a change made by anything but this service (SQL by hand) is not announced (send
 * `NOTIFY vipps_org_changed, '<org_id>'` after it, or wait CACHE_TTL_MS); an instance that dies
 * between its commit and the announcement leaves the others' copies stale for at most CACHE_TTL_MS.
 */
export function announceChanges(db: Kysely<any>, log: Logger): { announce(orgId: string): void; flush(): Promise<void> } {
  let queued = new Set<string>()
  let sending: Promise<void> | undefined
  const send = (): void => {
    if (sending || queued.size === 0) return
    const orgIds = [...queued]
    queued = new Set()
    sending = sql`select pg_notify(${CHANGES_CHANNEL}, org_id) from unnest(${orgIds}::text[]) as org_id`
      .execute(db)
      .then(
        () => undefined,
        (err: unknown) => log.warn({ err, orgIds: orgIds.length }, 'announcing changes to other instances failed; their caches expire within CACHE_TTL_MS')
      )
      .finally(() => {
        sending = undefined
        send()
      })
  }
  return {
    announce(orgId) {
      queued.add(orgId)
      send()
    },
    async flush() {
      while (sending) await sending
    }
  }
}
