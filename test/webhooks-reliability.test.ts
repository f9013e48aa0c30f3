import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  BASE,
  dropDatabase,
  newDatabaseUrl,
  queryDatabase,
  startApp,
  type StoreName,
  storeNames,
  type TestApp,
  uniqueOrgId,
  validBody,
  within
} from './support/app.js'
import { rawRequest, spawnServer } from './support/server-process.js'
import { type Receiver, startReceiver } from './support/webhook-receiver.js'

const HOOKS = '/api/v1/webhooks'
const dir = mkdtempSync(join(tmpdir(), 'vipps-orgs-webhooks-'))

for (const store of storeNames()) {
  describe(`webhook deliveries survive a crash [${store}]`, () => {
    let receiver: Receiver
    beforeAll(async () => {
      // A slow receiver: at the kill, some deliveries are under way, some queued, some not yet fanned out.
      receiver = await startReceiver(() => ({ status: 200, delayMs: 150 }))
    })
    afterAll(() => receiver.close())

    it('SIGKILL right after the commits loses no delivery: each event arrives after the restart', async () => {
      const databaseUrl = store === 'sqlite' ? `sqlite:${join(dir, `${Date.now()}.db`)}` : await newDatabaseUrl('postgres')
      const env = { DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn', WRITE_RATE_LIMIT: '1000000', WEBHOOK_TIMEOUT_MS: '1000', WEBHOOK_RETRY_SCHEDULE: '200ms,200ms,200ms' }
      try {
        const first = await spawnServer(env)
        const created = await rawRequest(first.base, 'POST', HOOKS, { url: receiver.url })
        expect(created.status).toBe(201)
        const orgIds = Array.from({ length: 30 }, () => uniqueOrgId('crash'))
        await Promise.all(
          orgIds.map(async (orgId) => {
            const res = await rawRequest(first.base, 'POST', BASE, validBody(orgId))
            expect(res.status).toBe(201)
          })
        )
        // Killed while deliveries are under way (the receiver answers slowly).
        await within(10_000, async () => receiver.received.length >= 3, 5)
        first.child.kill('SIGKILL')
        await first.exited
        const deliveredBeforeRestart = new Set(receiver.received.map((r) => r.headers['webhook-id']))

        const second = await spawnServer(env)
        try {
          const feed = JSON.parse((await rawRequest(second.base, 'GET', '/api/v1/events?limit=1000')).body) as {
            data: { id: string; org_id: string }[]
          }
          const expected = feed.data.filter((e) => orgIds.includes(e.org_id)).map((e) => e.id)
          expect(expected).toHaveLength(30)
          // Deliveries leased by the killed process are taken over when their lease (timeout + 5 s) ends.
          await within(20_000, async () => expected.every((id) => receiver.received.some((r) => r.headers['webhook-id'] === id)), 50)
          console.log(
            `[${store}] ${deliveredBeforeRestart.size} of 30 deliveries had reached the receiver before the SIGKILL; all 30 did after the restart`
          )
        } finally {
          second.child.kill('SIGTERM')
          await second.exited
        }
      } finally {
        await dropDatabase(databaseUrl)
      }
    }, 60_000)
  })
}

describe('webhook secrets in the logs', () => {
  it('are never written, at any log level, whatever happens to the deliveries', async () => {
    const receiver = await startReceiver(() => ({ status: 500 }))
    const server = await spawnServer({
      DATABASE_URL: `sqlite:${join(dir, `logs-${Date.now()}.db`)}`,
      LOG_LEVEL: 'trace',
      WEBHOOK_RETRY_SCHEDULE: '100ms'
    })
    try {
      const created = JSON.parse((await rawRequest(server.base, 'POST', HOOKS, { url: receiver.url })).body) as { id: string; secret: string }
      const rotated = JSON.parse((await rawRequest(server.base, 'POST', `${HOOKS}/${created.id}/rotate-secret`)).body) as { secret: string }
      await rawRequest(server.base, 'POST', `${HOOKS}/${created.id}/test`)
      await rawRequest(server.base, 'POST', BASE, validBody(uniqueOrgId()))
      await within(5_000, async () => receiver.received.length >= 4, 20)
      const output = server.output()
      expect(output).toContain('webhook delivery failed')
      for (const secret of [created.secret, rotated.secret]) {
        expect(output).not.toContain(secret)
        expect(output).not.toContain(secret.slice('whsec_'.length, 'whsec_'.length + 16))
      }
    } finally {
      server.child.kill('SIGTERM')
      await server.exited
      await receiver.close()
    }
  })
})

describe.runIf(storeNames().includes('postgres'))('two instances deliver from one PostgreSQL', () => {
  let a: TestApp
  let b: TestApp
  let receiver: Receiver
  beforeAll(async () => {
    receiver = await startReceiver(() => ({ status: 200, delayMs: 5 }))
    const url = await newDatabaseUrl('postgres')
    ;[a, b] = await Promise.all([startApp('postgres', {}, url), startApp('postgres', {}, url)])
  })
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()])
    if (a) await dropDatabase(a.databaseUrl)
    await receiver.close()
  })

  it('never make one attempt twice: each event reaches the receiver once', async () => {
    const hook = (await a.request({ method: 'POST', url: HOOKS, payload: { url: receiver.url } })).json() as { id: string }
    const orgIds = Array.from({ length: 60 }, () => uniqueOrgId('two'))
    await Promise.all(orgIds.map((orgId, i) => (i % 2 ? a : b).request({ method: 'POST', url: BASE, payload: validBody(orgId) })))
    await within(20_000, async () => receiver.received.length >= 60, 20)
    await new Promise((resolve) => setTimeout(resolve, 500))
    const ids = receiver.received.map((r) => r.headers['webhook-id'])
    expect(ids).toHaveLength(60)
    expect(new Set(ids).size).toBe(60)
    const rows = await queryDatabase<{ attempts: number; status: string }>(
      a.databaseUrl,
      'select attempts, status from webhook_deliveries where endpoint_id = ?',
      [hook.id]
    )
    expect(rows).toHaveLength(60)
    expect(rows.every((row) => Number(row.attempts) === 1 && row.status === 'succeeded')).toBe(true)
  }, 60_000)

  it('an instance that had no endpoint delivers the changes written to it once another instance adds one', async () => {
    const url = await newDatabaseUrl('postgres')
    const [first, second] = await Promise.all([startApp('postgres', {}, url), startApp('postgres', {}, url)])
    const other = await startReceiver(() => ({ status: 200 }))
    try {
      // The second instance writes (and so looks for endpoints) while there are none.
      const before = uniqueOrgId('none')
      expect((await second.request({ method: 'POST', url: BASE, payload: validBody(before) })).statusCode).toBe(201)
      const hook = await first.request({ method: 'POST', url: HOOKS, payload: { url: other.url } })
      expect(hook.statusCode).toBe(201)
      // Only the second is left: nothing wakes it but its own writes and its poll.
      await first.close()
      const orgIds = Array.from({ length: 5 }, () => uniqueOrgId('after'))
      for (const orgId of orgIds) expect((await second.request({ method: 'POST', url: BASE, payload: validBody(orgId) })).statusCode).toBe(201)
      await within(5_000, async () => other.received.length >= orgIds.length, 20)
      const delivered = other.received.map((r) => (JSON.parse(r.body) as { data: { org_id: string } }).data.org_id)
      expect(delivered.sort()).toEqual([...orgIds].sort())
    } finally {
      await second.close()
      await dropDatabase(url)
      await other.close()
    }
  }, 30_000)
})
