import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface Received {
  headers: IncomingHttpHeaders
  body: string
  at: number
}

/** How the receiver answers one delivery: a status, headers, a body, after a delay (or never). */
export interface Answer {
  status?: number
  headers?: Record<string, string>
  body?: string
  delayMs?: number
  hang?: boolean
}

/**
 * A real HTTP server receiving webhook deliveries, as an app's backend would: it records every
 * request and answers as told (by default 204 at once).
 */
export async function startReceiver(answer: (received: Received, index: number) => Answer = () => ({})) {
  const received: Received[] = []
  const hanging = new Set<ServerResponse>()
  const server = createServer((req, res) => {
    let body = ''
    req.setEncoding('utf8')
    req.on('data', (chunk: string) => (body += chunk))
    req.on('end', () => {
      const item = { headers: req.headers, body, at: performance.now() }
      received.push(item)
      const reply = answer(item, received.length - 1)
      if (reply.hang) {
        hanging.add(res)
        return
      }
      setTimeout(() => {
        res.writeHead(reply.status ?? 204, reply.headers ?? {})
        res.end(reply.body ?? '')
      }, reply.delayMs ?? 0)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    port,
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    async close() {
      for (const res of hanging) res.destroy()
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    }
  }
}

export type Receiver = Awaited<ReturnType<typeof startReceiver>>
