import type { PoolStats } from '../db/connect.js'
import { performance } from 'node:perf_hooks'

const SAMPLE_EVERY_MS = 100
const BUSY_ABOVE = 0.9
// API requests per sample window that count as load (200 a second).
const REQUESTS_AS_LOAD = 20
// The delivery machinery's own tasks that may hold a database connection at once (fan-out, claims,
// records): queries waiting while no more are checked out are its own, not the API's load.
const OWN_CONNECTIONS = 3
// Busy lasts this long after the last busy sample: a burst has lulls of a sample or two, and each
// lull would let the deliveries' catch-up (large batches) in while the burst goes on.
const BUSY_HOLD_MS = 1_000

/**
 * While busy, the deliveries' work (fan-out, claims, records) runs about this often, a small
 * batch each time: a burst of writes keeps nearly all of the machine, and its deliveries catch up
 * after it (the change log holds them; nothing is lost, only later).
 */
export const BUSY_BATCH_MS = 1_000

/**
 * Whether the API is keeping the service busy: deliveries are background work, and while the
 * API saturates the service they go slower (fewer attempts under way, bookkeeping in larger
 * batches) and catch up after. Busy means both: API requests were arriving over the last 100 ms,
 * and either the event loop was more than 90 % busy (SQLite's bound: it runs in the loop) or
 * queries were waiting for a database connection when sampled (PostgreSQL's: the database is the
 * bottleneck while the loop still has room). The deliveries' own work alone never counts as load.
 */
export class ApiLoad {
  private last = performance.eventLoopUtilization()
  private requestsBefore: number
  private busyUntil = 0
  private readonly timer: NodeJS.Timeout

  constructor(
    /** How many API requests the service has received so far (a counter that only grows). */
    private readonly requests: () => number,
    /** The database pool now (none on SQLite). */
    private readonly pool: () => PoolStats | undefined = () => undefined
  ) {
    this.requestsBefore = requests()
    this.timer = setInterval(() => {
      const now = performance.eventLoopUtilization()
      const utilization = performance.eventLoopUtilization(now, this.last).utilization
      const requests = this.requests()
      if (requests - this.requestsBefore >= REQUESTS_AS_LOAD && (utilization > BUSY_ABOVE || this.apiWaitsForDatabase())) {
        this.busyUntil = performance.now() + BUSY_HOLD_MS
      }
      this.last = now
      this.requestsBefore = requests
    }, SAMPLE_EVERY_MS)
    this.timer.unref()
  }

  get busy(): boolean {
    return performance.now() < this.busyUntil
  }

  private apiWaitsForDatabase(): boolean {
    const pool = this.pool()
    return pool !== undefined && pool.waiting > 0 && pool.total - pool.idle > OWN_CONNECTIONS
  }

  /** How long background work waits before its next run: `idleMs`, or BUSY_BATCH_MS while busy. */
  delay(idleMs: number): number {
    return this.busy ? BUSY_BATCH_MS : idleMs
  }

  stop(): void {
    clearInterval(this.timer)
  }
}
