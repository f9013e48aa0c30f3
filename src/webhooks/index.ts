import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { isoMinus, nowIso } from '../clock.js'
import type { Config } from '../config.js'
import { validatorCompiler } from '../http/validation.js'
import { ApiLoad } from './backpressure.js'
import { Dispatcher } from './dispatcher.js'
import { KyselyWebhookStore } from './kysely-store.js'
import { webhookRoutes, WEBHOOKS_PATH } from './routes.js'
import { SecretBox } from './secrets.js'
import { WebhookSender } from './sender.js'
import { SerialTask } from './serial-task.js'
import { WebhookService } from './service.js'
import { webhookUrlError } from './url-guard.js'
import { DeliveryWorker } from './worker.js'

const DAY_MS = 24 * 60 * 60 * 1000
const FAILING_LIMIT_MS = 5 * DAY_MS
const RECORDS_KEPT_MS = 30 * DAY_MS
// Catches what a notification missed (a lost listener connection), retries held-back events, and
// finds endpoints created on other instances.
const DISPATCH_POLL_MS = 1_000
const HELD_BACK_RECHECK_MS = 20
const PURGE_EVERY_MS = 60 * 60 * 1000

/** What the delivery machinery has done, for the metrics: attempts by outcome, and the queue. */
export interface WebhookStats {
  /** Attempts made by this instance: succeeded, failed (retried later), gave_up (failed, the last). */
  attempts: { succeeded: number; failed: number; gave_up: number }
  /** Deliveries waiting for an attempt, on every instance (asks the database). */
  queueDepth(): Promise<number>
}

declare module 'fastify' {
  interface FastifyInstance {
    webhookStats: WebhookStats
  }
}

/**
 * The webhooks feature's front door: management routes under /api/v1/webhooks, and the delivery
 * machinery: a dispatcher that fans the change feed out to endpoints (woken by every committed
 * change while an endpoint is enabled, and polling), and a worker that makes the signed attempts.
 */
export default fp(
  async (app: FastifyInstance, { config }: { config: Config }) => {
    const { webhooks } = config
    const store = new KyselyWebhookStore(app.database.db, app.database.dialect, app.database.writer)
    const box = new SecretBox(webhooks.secretsKey)
    const sender = new WebhookSender(webhooks.timeoutMs, webhooks.allowPrivateUrls)
    const load = new ApiLoad(() => app.fastPaths.received, () => app.database.poolStats())
    const stats: WebhookStats = {
      attempts: { succeeded: 0, failed: 0, gave_up: 0 },
      queueDepth: () => store.pendingCount()
    }
    app.decorate('webhookStats', stats)
    const worker = new DeliveryWorker(
      store,
      sender,
      box,
      {
        retryScheduleMs: webhooks.retryScheduleMs,
        timeoutMs: webhooks.timeoutMs,
        maxInFlight: 64,
        maxInFlightPerEndpoint: 8,
        maxInFlightWhenBusy: 4,
        failingLimitMs: FAILING_LIMIT_MS,
        tracing: app.tracing
      },
      app.log,
      load,
      (outcome) => {
        stats.attempts[outcome.succeeded ? 'succeeded' : outcome.next_attempt_at === undefined ? 'gave_up' : 'failed']++
      }
    )
    const dispatcher = new Dispatcher(store, app.changeFeed, nowIso, () => load.busy)
    const dispatching = new SerialTask(
      async () => {
        const round = await dispatcher.run()
        if (round.queued) worker.poke()
        dispatching.poke(round.more ? load.delay(HELD_BACK_RECHECK_MS) : DISPATCH_POLL_MS)
      },
      (err) => {
        app.log.error({ err }, 'fanning out webhook deliveries failed')
        dispatching.poke(DISPATCH_POLL_MS)
      }
    )
    const purging = setInterval(() => {
      store.purge(isoMinus(nowIso(), RECORDS_KEPT_MS)).catch((err: unknown) => app.log.warn({ err }, 'purging old webhook records failed'))
    }, PURGE_EVERY_MS)
    purging.unref()

    const service = new WebhookService(
      store,
      box,
      {
        production: config.production,
        feedEnd: () => app.changeFeed.end(),
        onQueued: () => worker.poke(),
        ...(app.tracing ? { traceContext: () => app.tracing!.activeTraceparent() } : {}),
        onEndpointsChanged: () => {
          dispatcher.endpointsChanged()
          dispatching.poke()
        }
      },
      nowIso
    )
    const unsubscribe = app.orgChanges.subscribe(() => {
      if (dispatcher.hasEnabledEndpoints) dispatching.poke(load.delay(0))
    })
    app.addHook('onReady', async () => {
      dispatching.poke()
      worker.poke()
    })
    app.addHook('preClose', async () => {
      unsubscribe()
      clearInterval(purging)
      await dispatching.stop()
      await worker.close(2_000)
      sender.close()
      load.stop()
    })

    const policy = { production: config.production, allowPrivate: webhooks.allowPrivateUrls }
    await app.register(
      async (scope) => {
        scope.setValidatorCompiler(validatorCompiler({ 'webhook-url': (url) => webhookUrlError(url, policy) }))
        await scope.register(webhookRoutes, { service, config })
      },
      { prefix: WEBHOOKS_PATH }
    )
  },
  { name: 'webhooks', dependencies: ['database', 'orgs', 'events'] }
)
