import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

/**
 * Where the traced services of `npm run bench` send their spans: an OTLP/HTTP endpoint that
 * reads each export, counts it and answers 200 (a collector's cost is not the service's). The
 * tests decode what is sent (test/support/otlp-receiver.ts); here only the volume matters.
 */
export async function startOtlpSink() {
  let exports = 0
  let bytes = 0
  const server = createServer((req, res) => {
    req.on('data', (chunk: Buffer) => (bytes += chunk.length))
    req.on('end', () => {
      if (req.url === '/v1/traces') exports++
      res.writeHead(req.url === '/v1/traces' ? 200 : 404, { 'content-type': 'application/x-protobuf' }).end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received: () => ({ exports, bytes }),
    async close() {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    }
  }
}
