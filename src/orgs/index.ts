import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { Config } from '../config.js'
import type { Principal } from '../http/access/principal.js'
import { validatorCompiler } from '../http/validation.js'
import { batchRoutes } from './batch-routes.js'
import { announceChanges, startChangeListener } from './cache-invalidation.js'
import { OrgChanges } from './changes.js'
import { addFastReads } from './fast-reads.js'
import { KyselyOrgStore } from './kysely-store.js'
import { LiveOrgIndex } from './live-index.js'
import { OrgReadCache, type ReadCacheStats } from './read-cache.js'
import { redirectUriShapeError } from './redirect-uri.js'
import { BASE_PATH, orgRoutes } from './routes.js'
import { OrgService } from './service.js'
import type { TransactionHook } from './store.js'
import type { ApprovedWrite, WriteGate } from './write-gate.js'

/** How the orgs feature's in-memory parts are doing, for the metrics. */
export interface OrgStats {
  cache: ReadCacheStats
  listIndexEntries: number
  /** PostgreSQL only: the change listener's reconnects, and whether it listens. */
  listener?: { reconnects: number; connected: boolean }
  /**
   * PostgreSQL only: milliseconds from this instance's last write (committed) to its NOTIFY
   * coming back on the listener: how late other instances hear of a change, at least.
   */
  lastInvalidationLagMs?: number
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Committed changes of org configs, from this instance and (PostgreSQL) every other. */
    orgChanges: OrgChanges
    orgStats(): OrgStats
    /** The extension point of org writes for the features above orgs (four eyes: change requests). */
    orgWrites: OrgWrites
  }
}

/** What orgs lets a feature above it do with its writes. */
export interface OrgWrites {
  /** Registers the one write gate: writes it holds answer 202 instead of being applied. */
  setGate(gate: WriteGate): void
  /** Applies an approved held write (with `inTransaction` in its transaction) if the org is still at its base version. */
  applyApproved(write: ApprovedWrite, approvedBy: Principal['actor'], inTransaction: TransactionHook): Promise<boolean>
}

const MAX_TIMED_WRITES = 10_000

function logsEveryRequest(app: FastifyInstance): boolean {
  const log = app.log as Partial<{ isLevelEnabled(level: string): boolean }>
  return typeof log.isLevelEnabled === 'function' && log.isLevelEnabled('info')
}

/**
 * The orgs feature's front door: builds its store, read cache, change listener and service
 * on the app's database, and serves the contract's endpoints under /api/v1/vipps-orgs.
 * Exposes `app.orgChanges` to the features above it.
 */
export default fp(
  async (app: FastifyInstance, { config }: { config: Config }) => {
    const { database } = app
    const { tracing } = app
    // With tracing on, a change's event keeps the trace context of the request that made it.
    const store = new KyselyOrgStore(database.db, {
      ...(tracing ? { traceContext: () => tracing.activeTraceparent() } : {}),
      writer: database.writer
    })
    const listIndex = new LiveOrgIndex(store)
    // The cache keys a config with the index's string of its org_id: one string per org for both.
    const cache = new OrgReadCache({ ...config.cache, sharedKey: (orgId) => listIndex.orgIdOf(orgId) })
    const changes = new OrgChanges()
    const service = new OrgService(store, cache, undefined, changes, listIndex)
    app.decorate('orgChanges', changes)
    app.decorate('orgWrites', {
      setGate: (gate) => service.setWriteGate(gate),
      applyApproved: (write, approvedBy, inTransaction) => service.applyApproved(write, approvedBy, inTransaction)
    } satisfies OrgWrites)
    // On PostgreSQL other instances write too: hear their changes. (SQLite has one writer: this process.)
    // The listener (re)loads the list index whenever it (re)connects.
    const stats = (): OrgStats => ({ cache: cache.stats(), listIndexEntries: listIndex.size })
    if (database.dialect === 'postgres') {
      const targets = [cache, listIndex]
      // This instance's writes, by org_id, timed until their notification comes back.
      const timedWrites = new Map<string, number>()
      let notified: string | undefined
      let lastLagMs: number | undefined
      const announcer = announceChanges(database.db, app.log)
      // This instance's own writes (not the changes it hears of) are announced to the others.
      changes.subscribe((orgId) => {
        if (orgId === notified) return
        if (timedWrites.size >= MAX_TIMED_WRITES) timedWrites.clear()
        timedWrites.set(orgId, performance.now())
        announcer.announce(orgId)
      })
      const listener = await startChangeListener(
        config.databaseUrl,
        {
          invalidate: (orgId) => {
            notified = orgId
            targets.forEach((t) => t.invalidate(orgId))
          },
          suspend: () => targets.forEach((t) => t.suspend()),
          resume: () => targets.forEach((t) => t.resume())
        },
        app.log,
        (orgId) => {
          changes.emit(orgId)
          notified = undefined
        },
        {
          isOwnBackend: (processId) => database.isOwnBackend(processId),
          // This instance's own write, heard back: nothing to invalidate (it did when it wrote), only timed.
          heard: (orgId) => {
            const wroteAt = timedWrites.get(orgId)
            if (wroteAt !== undefined) {
              lastLagMs = performance.now() - wroteAt
              timedWrites.delete(orgId)
            }
          }
        }
      )
      app.addHook('preClose', async () => {
        await announcer.flush()
        await listener.stop()
      })
      app.decorate('orgStats', () => ({
        ...stats(),
        listener: listener.stats(),
        ...(lastLagMs === undefined ? {} : { lastInvalidationLagMs: lastLagMs })
      }))
    } else {
      listIndex.start()
      app.decorate('orgStats', stats)
    }
    await listIndex.ready()
    // The cached hot reads skip the router (with their access checked there too), unless every
    // request is logged (LOG_LEVEL=info or lower: Fastify logs each one, and the fast answers would not be).
    if (!logsEveryRequest(app)) addFastReads(app.fastPaths, service, BASE_PATH, app.access)
    await app.register(
      async (scope) => {
        const compile = validatorCompiler({ 'redirect-uri': redirectUriShapeError })
        scope.setValidatorCompiler(compile)
        await scope.register(orgRoutes, { service, config })
        await scope.register(batchRoutes, { service, config, compile })
      },
      { prefix: BASE_PATH }
    )
  },
  { name: 'orgs', dependencies: ['database', 'access'] }
)
