import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fastHead } from './fast-path.js'
import { PROBLEM_CONTENT_TYPE, Problem } from './problems.js'

/**
 * The app while it loads, listening already: a load balancer or an orchestrator sees "starting"
 * (503, with what is still loading) rather than a refused connection, which it cannot tell from a
 * dead process. `/healthz` answers 200 (the process is alive: do not restart it), `/readyz` 503
 * naming what is still loading, everything else 503 with `Retry-After: 1` (nothing can be served
 * before the database is migrated and the features are up). Then every request goes to the app.
 */
export class Startup {
  private current = 0
  private done = false
  private readonly started = performance.now()
  /** Requests answered 503 while loading. */
  turnedAway = 0

  /** `steps`: what is loaded, in order, in words an operator reads in the answer of /readyz. */
  constructor(private readonly steps: readonly string[]) {}

  /**
   * Loading `step` now: the ones before it are loaded. Resolves after the requests that came
   * meanwhile are answered: much of the loading is synchronous on SQLite (better-sqlite3), and
   * the event loop is let go between steps so they hear 503 rather than wait.
   */
  loading(step: string): Promise<void> {
    const index = this.steps.indexOf(step)
    if (index < this.current) throw new Error(`start-up step "${step}" is unknown or out of order`)
    this.current = index
    // Twice: a connection accepted in one turn of the loop has its request read in the next.
    return new Promise((resolve) => setImmediate(() => setImmediate(resolve)))
  }

  /** Everything is loaded: requests go to the app from now on. Returns the milliseconds it took. */
  finish(): number {
    this.done = true
    return performance.now() - this.started
  }

  get ready(): boolean {
    return this.done
  }

  stillLoading(): string[] {
    return this.done ? [] : this.steps.slice(this.current)
  }

  answer(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '/').split('?')[0]!
    if (path === '/healthz' && (req.method === 'GET' || req.method === 'HEAD')) {
      res.writeHead(200, fastHead(req, 'content-type', 'application/json; charset=utf-8'))
      res.end(req.method === 'HEAD' ? undefined : JSON.stringify({ status: 'ok' }))
      return
    }
    this.turnedAway++
    const loading = this.stillLoading()
    const detail = `The service is starting: still loading ${loading.join(', ')}; try again shortly`
    const instance = path.length > 200 ? `${path.slice(0, 200)}…` : path
    const body = { ...new Problem(503, 'service_unavailable', detail).body(instance), loading }
    res.writeHead(503, fastHead(req, 'content-type', PROBLEM_CONTENT_TYPE, 'retry-after', '1', 'cache-control', 'no-store'))
    res.end(req.method === 'HEAD' ? undefined : JSON.stringify(body))
  }
}

/** Listens on the app's HTTP server before the app is ready (Fastify's listen waits for ready). */
export function listenNow(server: Server, port: number, host: string): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen({ port, host }, () => {
      server.off('error', reject)
      const address = server.address() as AddressInfo
      resolve(`http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`)
    })
  })
}

/**
 * Stops a server the app did not listen on itself (Fastify closes only servers it listened on):
 * no new connections, idle ones closed, resolves when those in flight have finished.
 */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve()
    server.close(() => resolve())
    server.closeIdleConnections()
  })
}
