import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { buildApp } from '../../src/app.js'
import { loadConfig } from '../../src/config.js'
import { dropDatabase, newDatabaseUrl, type StoreName } from './app.js'

export interface ListeningApp {
  base: string
  databaseUrl: string
  close(): Promise<void>
}

/** The real app listening on a free port of 127.0.0.1, for tests that talk HTTP (the client, the CLI). */
export async function listenApp(store: StoreName = 'sqlite', env: Record<string, string> = {}, databaseUrl?: string): Promise<ListeningApp> {
  const url = databaseUrl ?? (await newDatabaseUrl(store))
  const app = await buildApp(loadConfig({ LOG_LEVEL: 'silent', ...env, DATABASE_URL: url }), { logger: false })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.address() as AddressInfo
  return {
    base: `http://127.0.0.1:${port}`,
    databaseUrl: url,
    async close() {
      // A connection a client opened and never sent a request on (a fetch aborted while it
      // connected) is neither idle nor in use to the HTTP server: close() would wait for its
      // headers timeout (a minute). Requests under way get a second, then every connection is cut.
      const cut = setTimeout(() => app.server.closeAllConnections(), 1_000)
      try {
        await app.close()
      } finally {
        clearTimeout(cut)
      }
      if (!databaseUrl) await dropDatabase(url)
    }
  }
}

export interface Proxy {
  base: string
  /** Requests seen, in order: method, path, and the answer's status (`dropped`: never given to the caller). */
  seen: { method: string; url: string; status: number; at: number; headers: IncomingMessage['headers']; dropped?: true }[]
  /** Run after an answer was dropped, before the caller's connection is cut (another writer, say). */
  onDrop?: () => Promise<void>
  close(): Promise<void>
}

/**
 * A small HTTP proxy in front of `target`: `intercept` may answer a request itself (return true),
 * or have it forwarded and its whole answer read, then cut the caller's connection without a byte
 * of it (return 'drop': the service acted, the caller cannot know); otherwise the request is
 * forwarded unchanged and the answer relayed.
 */
export async function startProxy(
  target: string,
  intercept: (req: IncomingMessage, res: ServerResponse, n: number) => boolean | 'drop' = () => false
): Promise<Proxy> {
  const seen: Proxy['seen'] = []
  let n = 0
  const proxy: Omit<Proxy, 'base' | 'close'> = { seen }
  const server: Server = createServer((req, res) => {
    n += 1
    const record = (status: number, dropped?: true) =>
      seen.push({ method: req.method ?? '', url: req.url ?? '', status, at: performance.now(), headers: req.headers, ...(dropped ? { dropped } : {}) })
    const verdict = intercept(req, res, n)
    if (verdict === true) {
      res.on('finish', () => record(res.statusCode))
      return
    }
    const upstream = httpRequest(`${target}${req.url}`, { method: req.method, headers: req.headers }, (answer) => {
      if (verdict === 'drop') {
        answer.resume()
        answer.on('end', () => {
          record(answer.statusCode ?? 0, true)
          void (proxy.onDrop?.() ?? Promise.resolve()).finally(() => req.socket.destroy())
        })
        return
      }
      res.on('finish', () => record(res.statusCode))
      res.writeHead(answer.statusCode ?? 502, answer.headers)
      answer.pipe(res)
    })
    upstream.on('error', () => {
      res.writeHead(502).end()
    })
    req.pipe(upstream)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return Object.assign(proxy, {
    base: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
  })
}
