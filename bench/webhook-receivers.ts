import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

/**
 * Webhook receivers in their own process (as an app's backend would be): answer 204 at once and
 * note when each org's first event arrived (wall clock in ms with sub-ms precision, comparable
 * across processes). The parent asks for the receipts over IPC.
 */
const count = Number(process.argv[2] ?? 3)
const receipts: Record<string, number> = {}
let receivedAtFirst = 0
const now = () => performance.timeOrigin + performance.now()

const urls = await Promise.all(
  Array.from({ length: count }, async (_, i) => {
    const server = createServer((req, res) => {
      let body = ''
      req.on('data', (chunk: Buffer) => (body += chunk.toString()))
      req.on('end', () => {
        if (i === 0) {
          receivedAtFirst++
          const orgId = /"org_id":"([^"]+)"/.exec(body)?.[1]
          if (orgId && receipts[orgId] === undefined) receipts[orgId] = now()
        }
        res.writeHead(204).end()
      })
    })
    server.keepAliveTimeout = 60_000
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`
  })
)
process.send?.({ urls })
process.on('message', (message: string) => {
  if (message === 'receipts') process.send?.({ receipts })
  if (message === 'count') process.send?.({ count: receivedAtFirst })
})
process.on('disconnect', () => process.exit(0))
