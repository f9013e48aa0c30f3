import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { benchOrg } from './orgs.js'

/**
 * The ceiling for one Node process: node:http answering the status request from a Map with
 * JSON.stringify, and (the write ceiling) a POST to the orgs path by reading and parsing its JSON
 * body and answering 201 with the create's answer. No framework, no validation, no database, no
 * logging.
 */
const count = Number(process.argv[2] ?? 1000)
const port = Number(process.argv[3] ?? 3100)
const statuses = new Map<string, object>()
for (let i = 0; i < count; i++) {
  const org = benchOrg(i)
  statuses.set(org.org_id, {
    org_id: org.org_id,
    vipps_enabled: true,
    client_id: org.client_id,
    environment: org.environment
  })
}
const PREFIX = '/api/v1/vipps-orgs/'

function answerWrite(req: IncomingMessage, res: ServerResponse): void {
  const chunks: Buffer[] = []
  req.on('data', (chunk: Buffer) => chunks.push(chunk))
  req.on('end', () => {
    let body: { org_id?: unknown; client_id?: unknown; vipps_enabled?: unknown; environment?: unknown }
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as typeof body
    } catch {
      res.writeHead(400, { 'content-type': 'application/json' }).end('{"code":"malformed_json"}')
      return
    }
    const answer = { org_id: body.org_id, client_id: body.client_id, vipps_enabled: body.vipps_enabled ?? true, environment: body.environment, created_at: new Date().toISOString() }
    res.writeHead(201, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(answer))
  })
}

createServer((req, res) => {
  const url = req.url ?? ''
  if (req.method === 'POST' || req.method === 'PUT') {
    answerWrite(req, res)
    return
  }
  const orgId = url.startsWith(PREFIX) && url.endsWith('/status') ? url.slice(PREFIX.length, -'/status'.length) : ''
  const status = statuses.get(orgId)
  if (!status) {
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"code":"not_found"}')
    return
  }
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(status))
}).listen(port, '127.0.0.1', () => process.send?.('ready'))
