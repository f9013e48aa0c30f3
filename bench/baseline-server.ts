import { createServer } from 'node:http'
import { benchOrg } from './orgs.js'

/**
 * The ceiling for one Node process: node:http answering the status request from a Map with
 * JSON.stringify. No framework, no validation, no database, no logging.
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

createServer((req, res) => {
  const url = req.url ?? ''
  const orgId = url.startsWith(PREFIX) && url.endsWith('/status') ? url.slice(PREFIX.length, -'/status'.length) : ''
  const status = statuses.get(orgId)
  if (!status) {
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"code":"not_found"}')
    return
  }
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(status))
}).listen(port, '127.0.0.1', () => process.send?.('ready'))
