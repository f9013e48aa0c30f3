import type { Server } from 'node:http'
import { performance } from 'node:perf_hooks'

const SAMPLE_EVERY_MS = 100
const BUSY_ABOVE = 0.9
// API requests per sample window that count as load (200 a second).
const REQUESTS_AS_LOAD = 20

/**
 * Whether the API is keeping the event loop busy: deliveries are background work, and while
 * the API saturates the loop they go slower (fewer attempts under way, bookkeeping in larger
 * batches) and catch up after. Busy means both: the loop was more than 90 % busy over the last
 * 100 ms, and API requests were arriving; the deliveries' own work alone never counts as load.
 */
export class EventLoopLoad {
  private last = performance.eventLoopUtilization()
  private requests = 0
  private busyNow = false
  private readonly timer: NodeJS.Timeout
  private readonly count = () => {
    this.requests++
  }

  constructor(private readonly server?: Server) {
    server?.on('request', this.count)
    this.timer = setInterval(() => {
      const now = performance.eventLoopUtilization()
      const utilization = performance.eventLoopUtilization(now, this.last).utilization
      this.busyNow = utilization > BUSY_ABOVE && this.requests >= REQUESTS_AS_LOAD
      this.last = now
      this.requests = 0
    }, SAMPLE_EVERY_MS)
    this.timer.unref()
  }

  get busy(): boolean {
    return this.busyNow
  }

  stop(): void {
    clearInterval(this.timer)
    this.server?.off('request', this.count)
  }
}
