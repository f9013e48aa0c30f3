import { isoSeconds } from '../clock.js'
import type { Tracing } from '../http/tracing/tracing.js'
import { type ApiLoad, BUSY_BATCH_MS } from './backpressure.js'
import { sendInSpan } from './delivery-span.js'
import { nextAttemptDelay } from './retry-schedule.js'
import type { SecretBox } from './secrets.js'
import type { WebhookSender } from './sender.js'
import { signatureHeader } from './signature.js'
import { SerialTask } from './serial-task.js'
import type { AttemptOutcome, ClaimedDelivery, WebhookStore } from './store.js'

export interface WorkerOptions {
  retryScheduleMs: number[]
  timeoutMs: number
  /** Attempts under way at once on this instance, and per endpoint; and while the API is busy (see ApiLoad). */
  maxInFlight: number
  maxInFlightPerEndpoint: number
  maxInFlightWhenBusy: number
  /** An endpoint failing this long straight is disabled. */
  failingLimitMs: number
  /** Tracing on: each attempt is a client span in its change's trace, and sends a `traceparent`. */
  tracing?: Tracing | null
}

type Log = { warn(obj: object, msg: string): void; error(obj: object, msg: string): void }

const IDLE_POLL_MS = 1_000
const MIN_POLL_MS = 25
// A lease outlives the attempt it covers and its record (which waits up to BUSY_BATCH_MS while the
// API is busy): no other instance takes the delivery over meanwhile.
const LEASE_MARGIN_MS = 5_000 + BUSY_BATCH_MS

/**
 * Makes the attempts: claims due deliveries (each by one instance, under a lease), sends them
 * signed, records what happened in batches. A slow or dead receiver holds at most its own
 * per-endpoint slots; other endpoints' deliveries and the API's writes go on.
 */
export class DeliveryWorker {
  private readonly inFlight = new Map<string, number>()
  private readonly running = new Set<Promise<void>>()
  private outcomes: AttemptOutcome[] = []
  private readonly claimer: SerialTask
  private readonly recorder: SerialTask
  private closing = false

  constructor(
    private readonly store: WebhookStore,
    private readonly sender: WebhookSender,
    private readonly box: SecretBox,
    private readonly options: WorkerOptions,
    private readonly log: Log,
    private readonly load: ApiLoad,
    private readonly observe: (outcome: AttemptOutcome) => void = () => undefined
  ) {
    this.claimer = new SerialTask(() => this.claim(), (err) => this.log.error({ err }, 'claiming webhook deliveries failed'))
    this.recorder = new SerialTask(() => this.record(), (err) => this.log.error({ err }, 'recording webhook attempts failed'))
  }

  /** Look for due deliveries now. */
  poke(): void {
    this.claimer.poke()
  }

  get attemptsUnderWay(): number {
    return this.running.size
  }

  async close(graceMs: number): Promise<void> {
    this.closing = true
    await this.claimer.stop()
    let timer: NodeJS.Timeout | undefined
    await Promise.race([Promise.all([...this.running]), new Promise((resolve) => (timer = setTimeout(resolve, graceMs)))])
    clearTimeout(timer)
    await this.record()
    await this.recorder.stop()
  }

  private async claim(): Promise<void> {
    if (this.closing) return
    const limit = this.load.busy ? this.options.maxInFlightWhenBusy : this.options.maxInFlight
    const capacity = limit - this.running.size
    if (capacity <= 0) return
    const slotsOf = (endpointId: string) => this.options.maxInFlightPerEndpoint - (this.inFlight.get(endpointId) ?? 0)
    const now = Date.now()
    const claimed = await this.store.claimDue(now, capacity, this.options.timeoutMs + LEASE_MARGIN_MS, slotsOf, isoSeconds(now))
    for (const delivery of claimed) this.start(delivery)
    // Claimed as much as there was room for: there may be more.
    if (claimed.length > 0 && claimed.length === capacity) return
    const due = await this.store.nextDue()
    const wait = due === undefined ? IDLE_POLL_MS : Math.min(IDLE_POLL_MS, Math.max(this.load.delay(MIN_POLL_MS), due - Date.now()))
    this.claimer.poke(wait)
  }

  private start(delivery: ClaimedDelivery): void {
    this.inFlight.set(delivery.endpoint_id, (this.inFlight.get(delivery.endpoint_id) ?? 0) + 1)
    const attempt = this.attempt(delivery).finally(() => {
      this.running.delete(attempt)
      const left = (this.inFlight.get(delivery.endpoint_id) ?? 1) - 1
      if (left === 0) this.inFlight.delete(delivery.endpoint_id)
      else this.inFlight.set(delivery.endpoint_id, left)
      this.claimer.poke(this.load.delay(0))
    })
    this.running.add(attempt)
  }

  private async attempt(delivery: ClaimedDelivery): Promise<void> {
    const attemptedAt = Date.now()
    const number = delivery.attempts + 1
    let result: { ok: boolean; responseStatus?: number; error?: string; retryAfterMs?: number; durationMs: number }
    try {
      const secrets = delivery.secrets.map((sealed) => this.box.open(sealed))
      const timestamp = Math.floor(attemptedAt / 1000)
      const headers: Record<string, string> = {
        'user-agent': 'vipps-orgs-webhooks/1',
        'webhook-id': delivery.event_id,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': signatureHeader(secrets, delivery.event_id, timestamp, delivery.payload)
      }
      const { tracing } = this.options
      result = tracing
        ? await sendInSpan(tracing, delivery, number, (traceparent) => this.sender.send(delivery.url, { ...headers, traceparent }, delivery.payload))
        : await this.sender.send(delivery.url, headers, delivery.payload)
    } catch (err) {
      result = { ok: false, error: err instanceof Error ? err.message : 'the attempt failed', durationMs: 0 }
    }
    const delay = result.ok ? undefined : nextAttemptDelay(this.options.retryScheduleMs, number, result.retryAfterMs)
    const outcome: AttemptOutcome = {
      delivery,
      succeeded: result.ok,
      response_status: result.responseStatus ?? null,
      error: result.error ?? null,
      attempted_at: isoSeconds(attemptedAt),
      duration_ms: result.durationMs,
      ...(delay === undefined ? {} : { next_attempt_at: Date.now() + delay })
    }
    if (!result.ok) this.log.warn({ webhook: delivery.endpoint_id, event: delivery.event_id, attempt: number, error: result.error }, 'webhook delivery failed')
    this.observe(outcome)
    this.outcomes.push(outcome)
    this.recorder.poke(this.load.delay(0))
  }

  private async record(): Promise<void> {
    const batch = this.outcomes
    this.outcomes = []
    if (batch.length === 0) return
    try {
      await this.store.record(batch, this.options.failingLimitMs)
    } catch (err) {
      // Kept for the next try while their leases hold; past that, the deliveries are attempted again.
      this.outcomes.unshift(...batch)
      this.recorder.poke(IDLE_POLL_MS)
      throw err
    }
    // A retry may now be due sooner than the claimer's timer.
    if (batch.some((o) => o.next_attempt_at !== undefined)) this.claimer.poke(this.load.delay(MIN_POLL_MS))
  }
}
