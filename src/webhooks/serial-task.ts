/**
 * Runs an async task one at a time: poked while running, it runs once more afterwards; poked
 * with a delay, it runs when the earliest requested time comes. Errors go to `onError` (the loop
 * goes on: a database blip must not stop deliveries for good).
 */
export class SerialTask {
  private running = false
  private again = false
  private stopped = false
  private timer: NodeJS.Timeout | undefined
  private timerAt = Number.POSITIVE_INFINITY
  private idle: Promise<void> = Promise.resolve()

  constructor(
    private readonly task: () => Promise<void>,
    private readonly onError: (err: unknown) => void
  ) {}

  poke(delayMs = 0): void {
    if (this.stopped) return
    if (delayMs > 0) {
      const at = Date.now() + delayMs
      if (at >= this.timerAt) return
      clearTimeout(this.timer)
      this.timerAt = at
      this.timer = setTimeout(() => {
        this.timerAt = Number.POSITIVE_INFINITY
        this.poke()
      }, delayMs)
      this.timer.unref()
      return
    }
    if (this.running) {
      this.again = true
      return
    }
    this.running = true
    this.idle = this.loop()
  }

  /** No more runs; resolves when the current one (if any) has ended. */
  async stop(): Promise<void> {
    this.stopped = true
    clearTimeout(this.timer)
    await this.idle
  }

  private async loop(): Promise<void> {
    do {
      this.again = false
      try {
        await this.task()
      } catch (err) {
        this.onError(err)
      }
    } while (this.again && !this.stopped)
    this.running = false
  }
}
