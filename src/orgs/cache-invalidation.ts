import pg from 'pg'

/** What the listener keeps fresh: the read cache and the list index. */
export interface InvalidationTarget {
  invalidate(orgId: string): void
  suspend(): void
  resume(): void
}

/**
 * The channel on which PostgreSQL announces the org_id of every committed change of a config row;
 * the trigger of migration 001 sends it (that migration spells the name out, as migrations must).
 */
export const CHANGES_CHANNEL = 'vipps_org_changed'

type Logger = { info(obj: object, msg: string): void; warn(obj: object, msg: string): void }

const RETRY_MIN_MS = 100
const RETRY_MAX_MS = 5_000

export interface ChangeListener {
  stop(): Promise<void>
}

/**
 * Keeps one connection LISTENing on the changes channel: each notification drops that org_id
 * from the read cache. While the connection is lost, changes may go unheard, so the cache is
 * suspended (reads go to the database) until the listener is back, then starts empty.
 */
export async function startChangeListener(
  url: string,
  cache: InvalidationTarget,
  log: Logger,
  onChange: (orgId: string) => void = () => undefined
): Promise<ChangeListener> {
  let client: pg.Client | undefined
  let stopped = false
  let retryMs = RETRY_MIN_MS
  let retryTimer: NodeJS.Timeout | undefined

  const connect = async (): Promise<void> => {
    const next = new pg.Client({ connectionString: url, keepAlive: true, connectionTimeoutMillis: 2_000 })
    next.on('notification', (message) => {
      if (message.channel !== CHANGES_CHANNEL || !message.payload) return
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
        () => log.info({}, 'cache invalidation listener is back'),
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
    async stop() {
      stopped = true
      clearTimeout(retryTimer)
      const current = client
      client = undefined
      await current?.end().catch(() => undefined)
    }
  }
}
