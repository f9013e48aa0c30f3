import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { FastifyBaseLogger, FastifyInstance, FastifyServerFactory } from 'fastify'
import { SECURITY_HEADERS } from './plugins/security-headers.js'
import { requestIdOf } from './request-context.js'

/**
 * Answers one request in full and returns true, or returns false, having written nothing, to let
 * Fastify route it. Its head comes from fastHead (which gives the request its id: a request no
 * fast route answers gets one from Fastify only).
 */
export type FastRoute = (req: IncomingMessage, res: ServerResponse) => boolean

/**
 * What one rule decides first, once for each request the fast routes might answer (tracing's
 * sampling: src/http/tracing/sample-first.ts): whether they may answer it, and how Fastify's
 * handling of it runs when they do not (inside what the decision needs: a context, say).
 */
export interface Decided {
  fast: boolean
  route(handle: () => void): void
}
export type DecideFirst = (req: IncomingMessage) => Decided

/** Told of every answer of one route: for the request-duration metrics. */
export type FastPathRecorder = (statusCode: number, seconds: number) => void

interface Registered {
  /** The route's path as Fastify knows it (`/api/v1/vipps-orgs/:org_id`): the metrics' label. */
  route: string
  answer: FastRoute
  record?: FastPathRecorder
}

/**
 * Answers for the hottest reads (a cached config) straight from the HTTP server's request
 * event, before Fastify routes them. What Fastify does for every request (request and reply
 * objects, hooks, a validation pipeline shared by every route) cost about half of such a read
 * (bench/README.md, "Where a hot read's time goes"). A fast route answers only what it answers
 * exactly as its Fastify route would (status, headers, body: held by test/fast-path.test.ts);
 * everything else, every request while the app closes and every request a skip rule names (a
 * CORS request, say) goes to Fastify. With tracing on, a request sampled (decided first, once)
 * goes to Fastify too, to have its span.
 */
export class FastPaths {
  private readonly routes: Registered[] = []
  private readonly skips: ((req: IncomingMessage) => boolean)[] = []
  private decideFirst: DecideFirst | undefined
  private closing = false
  private recorderFor: ((route: string, method: string) => FastPathRecorder) | undefined
  private log: FastifyBaseLogger | undefined
  /** Requests answered here (for the tests). */
  answered = 0
  /** Every request the HTTP server has received, answered here or routed: how busy the API is. */
  received = 0

  add(route: string, answer: FastRoute): void {
    this.routes.push({ route, answer, ...(this.recorderFor ? { record: this.recorderFor(route, 'GET') } : {}) })
  }

  /** Requests this says true of always go to Fastify. */
  skipWhen(rule: (req: IncomingMessage) => boolean): void {
    this.skips.push(rule)
  }

  /** Decides first, once a request not skipped: see Decided. One rule at most. */
  decideWith(rule: DecideFirst): void {
    if (this.decideFirst) throw new Error('the fast path has a first decision already')
    this.decideFirst = rule
  }

  /** Times every answer, with the recorder of its route (and GET). */
  observe(recorderFor: (route: string, method: string) => FastPathRecorder): void {
    this.recorderFor = recorderFor
    for (const route of this.routes) route.record = recorderFor(route.route, 'GET')
  }

  /** Logs with the app's logger; stops answering when the app starts closing. */
  attach(app: FastifyInstance): void {
    this.log = app.log
    app.addHook('preClose', async () => {
      this.closing = true
    })
  }

  /** Answers the request here, or hands it to Fastify's handler. */
  serve(req: IncomingMessage, res: ServerResponse, handler: (req: IncomingMessage, res: ServerResponse) => void): void {
    if (!this.mayAnswer(req)) return handler(req, res)
    if (this.decideFirst === undefined) {
      if (!this.answer(req, res)) handler(req, res)
      return
    }
    const decided = this.decideFirst(req)
    if (decided.fast && this.answer(req, res)) return
    decided.route(() => handler(req, res))
  }

  private mayAnswer(req: IncomingMessage): boolean {
    if (this.routes.length === 0 || this.closing || req.method !== 'GET') return false
    for (const skip of this.skips) if (skip(req)) return false
    return true
  }

  /** True when a fast route answered the request. */
  private answer(req: IncomingMessage, res: ServerResponse): boolean {
    const started = this.recorderFor ? performance.now() : 0
    for (const { answer, record } of this.routes) {
      let answered: boolean
      try {
        answered = answer(req, res)
      } catch (err) {
        // The routes write last: unless they had written, Fastify answers (and logs its own errors).
        this.log?.error({ err, url: req.url }, 'a fast route failed')
        answered = res.headersSent
      }
      if (answered) {
        this.answered++
        record?.(res.statusCode, (performance.now() - started) / 1000)
        return true
      }
    }
    return false
  }
}

const COMMON_HEAD: readonly string[] = ['x-request-id', '', ...Object.entries(SECURITY_HEADERS).flat()]

/**
 * The head of a fast answer, as writeHead takes it (name, value, …): the request's id and the
 * headers every response carries, then the route's own. A copied array, not an object spread:
 * the spread was a slow path of V8's on every request.
 */
export function fastHead(req: IncomingMessage, ...own: string[]): string[] {
  const head = COMMON_HEAD.slice()
  head[1] = requestIdOf(req)
  for (const item of own) head.push(item)
  return head
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Where features add answers that may skip the router (see FastPaths). */
    fastPaths: FastPaths
  }
}

/** What answers while the app is not ready yet (the server listens before: src/http/startup.ts). */
export interface BeforeReady {
  readonly ready: boolean
  answer(req: IncomingMessage, res: ServerResponse): void
}

/** Fastify's server factory: the HTTP/1 server Fastify makes itself, with the fast routes in front. */
export function serverWithFastPaths(fastPaths: FastPaths, beforeReady?: BeforeReady): FastifyServerFactory {
  return (handler, options) => {
    const server: Server = createServer((req, res) => {
      fastPaths.received++
      if (beforeReady && !beforeReady.ready) beforeReady.answer(req, res)
      else fastPaths.serve(req, res, handler)
    })
    const { keepAliveTimeout, requestTimeout, connectionTimeout } = options as {
      keepAliveTimeout?: number
      requestTimeout?: number
      connectionTimeout?: number
    }
    if (keepAliveTimeout !== undefined) server.keepAliveTimeout = keepAliveTimeout
    if (requestTimeout !== undefined) server.requestTimeout = requestTimeout
    server.setTimeout(connectionTimeout ?? 0)
    return server
  }
}
