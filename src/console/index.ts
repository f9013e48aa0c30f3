import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import fastifyStatic from '@fastify/static'
import type { FastifyInstance, FastifyReply } from 'fastify'

/**
 * The admin console: the single-page app built by `npm run build` (Vite, from src/console/app)
 * into dist/public/console, served at /console/ from this origin. It talks to the API like any
 * other client (the typed client), so this plugin only serves files and their headers.
 */
export const CONSOLE_PREFIX = '/console/'

/** Where `npm run build` puts the console: the same path from src/console (tsx) and dist/console (built). */
export const BUILT_CONSOLE_DIR = resolve(import.meta.dirname, '..', '..', 'dist', 'public', 'console')

/**
 * The console's Content-Security-Policy: everything from this origin only, no inline script or
 * style, no eval, no framing, no plugins; forms and <base> stay on this origin.
 */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "script-src-attr 'none'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'"
].join('; ')

export interface ConsoleOptions {
  /** The built console (index.html and assets/); default dist/public/console. */
  dir?: string
}

export default async function consolePlugin(app: FastifyInstance, options: ConsoleOptions): Promise<void> {
  const dir = options.dir ?? BUILT_CONSOLE_DIR
  const index = join(dir, 'index.html')
  const built = existsSync(index)
  if (!built) app.log.warn({ dir }, 'the console is not built (npm run build): /console/ answers 503')

  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('content-security-policy', CONSOLE_CSP)
    reply.header('cross-origin-opener-policy', 'same-origin')
    reply.header('cross-origin-resource-policy', 'same-origin')
    return payload
  })

  const sendIndex = async (_request: unknown, reply: FastifyReply) => {
    if (!built) {
      return reply
        .code(503)
        .type('text/plain; charset=utf-8')
        .send('The console is not built: run `npm run build` (npm start does it), then restart.')
    }
    // The page names hashed assets: it must be revalidated, they may be cached for ever.
    return reply.header('cache-control', 'no-cache').sendFile('index.html', dir, { cacheControl: false })
  }

  if (built) {
    // The hashed bundles: cacheable for ever (a new build has new names).
    await app.register(fastifyStatic, {
      root: join(dir, 'assets'),
      prefix: `${CONSOLE_PREFIX}assets/`,
      index: false,
      wildcard: false,
      decorateReply: true,
      cacheControl: true,
      maxAge: '365d',
      immutable: true
    })
  }
  // The router ignores trailing slashes: this serves /console too.
  app.get(CONSOLE_PREFIX, { schema: { hide: true } }, sendIndex)
  // Client-side routes (/console/orgs/…, /console/webhooks/…) are the same page; a missing asset is a 404.
  app.get(`${CONSOLE_PREFIX}*`, { schema: { hide: true } }, async (request, reply) => {
    const rest = (request.params as { '*': string })['*']
    if (rest.startsWith('assets/') || /\.[a-z0-9]+$/i.test(rest)) {
      return reply.callNotFound()
    }
    return sendIndex(request, reply)
  })
}
