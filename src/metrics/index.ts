import { timingSafeEqual } from 'node:crypto'
import type { FastifyInstance, onResponseHookHandler, RouteOptions } from 'fastify'
import fp from 'fastify-plugin'
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client'
import { type Config, digestToken } from '../config.js'
import { problems } from '../http/problems.js'
import type { OrgStats } from '../orgs/index.js'
import type { WebhookStats } from '../webhooks/index.js'
import { RouteDurations } from './route-durations.js'

export const METRICS_PATH = '/metrics'
const BEARER = /^Bearer[ \t]+([\x21-\x7e]+)[ \t]*$/i

/**
 * The metrics feature's front door: GET /metrics in the Prometheus text format, with
 * METRICS_TOKEN (when set) as the bearer token it needs. Request durations by route, method and
 * status; the read cache; the database pool; the event loop (and the rest of prom-client's
 * process metrics); the change listener; webhook attempts and queue. Register it before the
 * features, so it sees their routes; it reads their figures only when scraped.
 */
export default fp(
  async (app: FastifyInstance, { config }: { config: Config }) => {
    if (!config.metrics.enabled) return
    const registry = new Registry()
    collectDefaultMetrics({ register: registry })

    const durations = new RouteDurations('http_request_duration_seconds', 'Time from routing to the response sent, by route, method and status')
    registry.registerMetric(durations as never)
    app.addHook('onRoute', (route: RouteOptions) => {
      if (route.url === METRICS_PATH) return
      const method = Array.isArray(route.method) ? route.method.join(',') : route.method
      const record = durations.recorder(route.url, method)
      const observe: onResponseHookHandler = (_request, reply, done) => {
        record(reply.statusCode, reply.elapsedTime / 1000)
        done()
      }
      const existing = route.onResponse
      route.onResponse = existing === undefined ? [observe] : Array.isArray(existing) ? [...existing, observe] : [existing, observe]
    })
    // Requests answered before routing count under their route, in the same series.
    app.fastPaths.observe((route, method) => durations.recorder(route, method))

    const gauge = (name: string, help: string, labelNames: string[], collect: (g: Gauge) => void | Promise<void>) =>
      new Gauge({
        name,
        help,
        labelNames,
        registers: [registry],
        async collect() {
          await collect(this)
        }
      })
    const counter = (name: string, help: string, labelNames: string[], read: (c: Counter) => void) =>
      new Counter({
        name,
        help,
        labelNames,
        registers: [registry],
        collect() {
          this.reset()
          read(this)
        }
      })

    // The orgs feature registers after this plugin: its figures are read at scrape time.
    const orgs = (): OrgStats => app.orgStats()
    const webhooks = (): WebhookStats => app.webhookStats
    counter('vipps_orgs_read_cache_hits_total', 'Config reads answered from the in-memory cache', [], (c) => c.inc(orgs().cache.hits))
    counter('vipps_orgs_read_cache_misses_total', 'Config reads that went to the database', [], (c) => c.inc(orgs().cache.misses))
    gauge('vipps_orgs_read_cache_entries', 'Configs (and known misses) in the read cache', [], (g) => g.set(orgs().cache.entries))
    gauge('vipps_orgs_read_cache_bytes', 'Estimated bytes held by the read cache', [], (g) => g.set(orgs().cache.bytes))
    gauge('vipps_orgs_list_index_entries', 'Live orgs in the in-memory list index', [], (g) => g.set(orgs().listIndexEntries))
    counter('vipps_orgs_change_listener_reconnects_total', 'Times the PostgreSQL change listener lost its connection and made it again', [], (c) =>
      c.inc(orgs().listener?.reconnects ?? 0)
    )
    gauge('vipps_orgs_change_listener_connected', '1 while the PostgreSQL change listener listens; 0 when it does not, or on SQLite (no listener)', [], (g) => {
      const listener = orgs().listener
      g.reset()
      if (listener) g.set(listener.connected ? 1 : 0)
    })
    gauge(
      'vipps_orgs_last_invalidation_lag_seconds',
      "From this instance's last committed write to its NOTIFY coming back (PostgreSQL; 0 until then, and on SQLite)",
      [],
      (g) => {
        const lag = orgs().lastInvalidationLagMs
        g.reset()
        if (lag !== undefined) g.set(lag / 1000)
      }
    )

    gauge('vipps_orgs_db_pool_connections', 'PostgreSQL pool connections by state (absent on SQLite)', ['state'], (g) => {
      const pool = app.database.poolStats()
      g.reset()
      if (!pool) return
      g.set({ state: 'in_use' }, pool.total - pool.idle)
      g.set({ state: 'idle' }, pool.idle)
      g.set({ state: 'max' }, pool.max)
    })
    gauge('vipps_orgs_db_pool_waiting', 'Queries waiting for a PostgreSQL pool connection (absent on SQLite)', [], (g) => {
      const pool = app.database.poolStats()
      g.reset()
      if (pool) g.set(pool.waiting)
    })

    // Group commit (SQLite): writes over commits is how many writes share an fsync; 1 on PostgreSQL.
    counter('vipps_orgs_db_commits_total', 'Write transactions committed (on SQLite each carries the writes that arrived together)', [], (c) =>
      c.inc(app.database.writer.stats().commits)
    )
    counter('vipps_orgs_db_writes_total', 'Writes made in those transactions, each in its own savepoint (succeeded or failed alone)', [], (c) =>
      c.inc(app.database.writer.stats().writes)
    )
    gauge('vipps_orgs_db_largest_commit_writes', 'The most writes one commit has carried since the start', [], (g) => g.set(app.database.writer.stats().largestCommit))

    counter('vipps_orgs_webhook_attempts_total', 'Webhook delivery attempts made by this instance, by outcome', ['outcome'], (c) => {
      for (const [outcome, n] of Object.entries(webhooks().attempts)) c.inc({ outcome }, n)
    })
    gauge('vipps_orgs_webhook_queue_depth', 'Webhook deliveries waiting for an attempt (all instances)', [], async (g) => {
      g.set(await webhooks().queueDepth())
    })

    // Four eyes: from the shared table (all instances).
    const pending = () => app.changeRequestStats()
    gauge('vipps_orgs_change_requests_pending', 'Change requests waiting for a second person (pending, not expired; all instances)', [], async (g) => {
      g.set((await pending()).count)
    })
    gauge('vipps_orgs_change_requests_oldest_pending_age_seconds', 'How long the oldest pending change request has waited (0 when none waits)', [], async (g) => {
      const { oldestRequestedAt } = await pending()
      g.set(oldestRequestedAt ? Math.max(0, (Date.now() - Date.parse(oldestRequestedAt)) / 1000) : 0)
    })

    // Only when the server makes backups (BACKUP_DIR): absent otherwise, not a misleading 0.
    const backups = app.backupStats
    if (backups) {
      gauge('vipps_orgs_backup_last_success_timestamp_seconds', 'When the newest backup that passed its integrity check was taken (Unix seconds; 0 before the first)', [], (g) =>
        g.set(backups().lastSuccessSeconds ?? 0)
      )
      gauge('vipps_orgs_backup_interval_seconds', 'BACKUP_INTERVAL: how often the server backs up its SQLite database', [], (g) => g.set(backups().intervalSeconds))
      counter('vipps_orgs_backup_failures_total', 'Backups that failed (copy or check) since the start', [], (c) => c.inc(backups().failures))
    }

    const token = config.metrics.tokenDigest
    app.get(METRICS_PATH, { schema: { hide: true } }, async (request, reply) => {
      if (token) {
        const match = BEARER.exec(request.headers.authorization ?? '')
        if (!match || !timingSafeEqual(digestToken(match[1]!), token)) {
          throw problems.unauthorized(
            match ? 'The bearer token is not valid' : 'GET /metrics needs Authorization: Bearer <METRICS_TOKEN>',
            match ? 'Bearer realm="vipps-orgs-metrics", error="invalid_token"' : 'Bearer realm="vipps-orgs-metrics"'
          )
        }
      }
      reply.type(registry.contentType)
      return registry.metrics()
    })
  },
  { name: 'metrics', dependencies: ['database', 'backups'] }
)
