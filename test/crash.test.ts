import { mkdtempSync } from 'node:fs'
import { Agent } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { BASE, dropDatabase, newDatabaseUrl, type StoreName, storeNames, validBody } from './support/app.js'
import { rawRequest, spawnServer } from './support/server-process.js'

type State = { client_id: string; vipps_enabled: boolean } | 'absent'

interface Tracked {
  /** The state after the last acknowledged (2xx) write. */
  acked: State
  /** The state the write in flight at the kill would have made, if any. */
  inflight?: State
}

const WORKERS = 12
const dir = mkdtempSync(join(tmpdir(), 'vipps-orgs-crash-'))

/**
 * Writes through the API under load, SIGKILLs the server mid-way, restarts it, and checks that
 * every acknowledged write is there and nothing unacknowledged is half there: each org is in
 * its last acknowledged state or the state of the write in flight, and its history replays to
 * exactly what is stored.
 */
async function crashAndCheck(
  store: StoreName,
  workers = WORKERS,
  killAfter = 300
): Promise<{ acknowledged: number; orgs: number; largestCommit: number }> {
  const databaseUrl = store === 'sqlite' ? `sqlite:${join(dir, `crash-${workers}.db`)}` : await newDatabaseUrl('postgres')
  const env = { DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn', WRITE_RATE_LIMIT: '1000000' }
  try {
    const first = await spawnServer(env)
    // Many writers: kept-alive connections, so their requests reach the server as fast as it answers them.
    const agent = workers > WORKERS ? new Agent({ keepAlive: true, maxSockets: workers }) : undefined
    const orgs = new Map<string, Tracked>()
    let acknowledged = 0
    let killed = false

    const worker = async (w: number) => {
      for (let n = 0; !killed; n++) {
        const orgId = `crash_${w}_${n}`
        const tracked: Tracked = { acked: 'absent' }
        orgs.set(orgId, tracked)
        const steps: { method: string; path: string; body?: object; next: State }[] = [
          { method: 'POST', path: BASE, body: validBody(orgId, { client_id: 'v0' }), next: { client_id: 'v0', vipps_enabled: true } },
          { method: 'PUT', path: `${BASE}/${orgId}`, body: { client_id: 'v1' }, next: { client_id: 'v1', vipps_enabled: true } },
          { method: 'PUT', path: `${BASE}/${orgId}`, body: { vipps_enabled: false, client_id: 'v2' }, next: { client_id: 'v2', vipps_enabled: false } },
          ...(n % 3 === 0 ? [{ method: 'DELETE', path: `${BASE}/${orgId}`, next: 'absent' as const }] : [])
        ]
        for (const step of steps) {
          tracked.inflight = step.next
          try {
            const res = await rawRequest(first.base, step.method, step.path, step.body, agent)
            if (res.status < 200 || res.status > 299) throw new Error(`${step.method} ${step.path}: ${res.status} ${res.body}`)
            tracked.acked = step.next
            tracked.inflight = undefined
            acknowledged++
          } catch (err) {
            if (killed) return
            throw err
          }
        }
      }
    }
    const running = Promise.all(Array.from({ length: workers }, (_, w) => worker(w)))
    while (acknowledged < killAfter) await new Promise((resolve) => setTimeout(resolve, 10))
    // How many writes one commit has carried so far (group commit on SQLite; 1 on PostgreSQL).
    const metrics = await rawRequest(first.base, 'GET', '/metrics')
    const largestCommit = Number(/^vipps_orgs_db_largest_commit_writes (\d+)$/m.exec(metrics.body)?.[1])
    killed = true
    first.child.kill('SIGKILL')
    await first.exited
    await running
    agent?.destroy()

    const second = await spawnServer(env)
    try {
      for (const [orgId, tracked] of orgs) {
        const res = await rawRequest(second.base, 'GET', `${BASE}/${orgId}`)
        const stored: State =
          res.status === 404 ? 'absent' : (({ client_id, vipps_enabled }) => ({ client_id, vipps_enabled }))(JSON.parse(res.body))
        const allowed = [tracked.acked, ...(tracked.inflight ? [tracked.inflight] : [])]
        expect(allowed, `${orgId} is ${JSON.stringify(stored)}`).toContainEqual(stored)

        // The history replays to exactly what is stored: no change without its event.
        const history = await rawRequest(second.base, 'GET', `${BASE}/${orgId}/history?limit=100`)
        if (history.status === 404) {
          expect(stored).toBe('absent')
          continue
        }
        let replayed: Record<string, unknown> | 'absent' = 'absent'
        for (const event of JSON.parse(history.body).data as { action: string; changes: Record<string, { to: unknown }> }[]) {
          if (event.action === 'delete') replayed = 'absent'
          else {
            const base: Record<string, unknown> = replayed === 'absent' ? {} : replayed
            replayed = { ...base, ...Object.fromEntries(Object.entries(event.changes).map(([k, v]) => [k, v.to])) }
          }
        }
        const replayedState: State =
          replayed === 'absent'
            ? 'absent'
            : { client_id: replayed.client_id as string, vipps_enabled: replayed.vipps_enabled as boolean }
        expect(replayedState, `${orgId} history`).toEqual(stored)
      }
      // And it still takes writes.
      expect((await rawRequest(second.base, 'POST', BASE, validBody('crash_after_restart'))).status).toBe(201)
    } finally {
      second.child.kill('SIGTERM')
      await second.exited
    }
    return { acknowledged, orgs: orgs.size, largestCommit }
  } finally {
    await dropDatabase(databaseUrl)
  }
}

describe('crash safety: SIGKILL under write load', () => {
  for (const store of storeNames()) {
    it(`keeps every acknowledged write and nothing half-done [${store}]`, async () => {
      const { acknowledged, orgs } = await crashAndCheck(store)
      expect(acknowledged).toBeGreaterThanOrEqual(300)
      expect(orgs).toBeGreaterThan(WORKERS)
    }, 120_000)

    // The write path of group commit: 64 writers at once, so that commits carry many writes each
    // (each in its savepoint) and the kill lands in the middle of one (SQLite spends most of a
    // write's time in its batch). Only unacknowledged writes may be lost, none half-applied.
    it(`SIGKILL among 64 concurrent writers sharing commits: loses only unacknowledged writes, half-applies none [${store}]`, async () => {
      const { acknowledged, orgs, largestCommit } = await crashAndCheck(store, 64, 600)
      expect(acknowledged).toBeGreaterThanOrEqual(600)
      expect(orgs).toBeGreaterThan(64)
      if (store === 'sqlite') expect(largestCommit).toBeGreaterThan(1)
      else expect(largestCommit).toBe(1)
    }, 120_000)
  }
})

/**
 * Batches of creates under load, SIGKILLed mid-way: every org a 200 batch answered 201 for is
 * there after the restart (a batch is answered after its commits), and every org that is there,
 * acknowledged or not, has exactly its create event: nothing half-applied.
 */
describe('crash safety: SIGKILL while batch creates are in flight', () => {
  for (const store of storeNames()) {
    it(`keeps every org of an acknowledged batch, and no org without its history [${store}]`, async () => {
      const databaseUrl = store === 'sqlite' ? `sqlite:${join(dir, 'crash-batch.db')}` : await newDatabaseUrl('postgres')
      const env = { DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn', WRITE_RATE_LIMIT: '1000000' }
      const BATCH_SIZE = 25
      try {
        const first = await spawnServer(env)
        const acknowledged: string[] = []
        const sent: string[] = []
        let batches = 0
        let killed = false
        const worker = async (w: number) => {
          for (let n = 0; !killed; n++) {
            const ids = Array.from({ length: BATCH_SIZE }, (_, i) => `crashbatch_${w}_${n}_${i}`)
            sent.push(...ids)
            try {
              const res = await rawRequest(first.base, 'POST', `${BASE}:batchCreate`, { orgs: ids.map((id) => validBody(id)) })
              if (res.status !== 200) throw new Error(`batch: ${res.status} ${res.body}`)
              const results = (JSON.parse(res.body) as { results: { org_id: string; status: number }[] }).results
              expect(results.map((r) => [r.org_id, r.status])).toEqual(ids.map((id) => [id, 201]))
              acknowledged.push(...ids)
              batches++
            } catch (err) {
              if (killed) return
              throw err
            }
          }
        }
        const running = Promise.all(Array.from({ length: 6 }, (_, w) => worker(w)))
        while (batches < 20) await new Promise((resolve) => setTimeout(resolve, 5))
        killed = true
        first.child.kill('SIGKILL')
        await first.exited
        await running

        const second = await spawnServer(env)
        try {
          let present = 0
          for (const orgId of sent) {
            const res = await rawRequest(second.base, 'GET', `${BASE}/${orgId}`)
            const history = await rawRequest(second.base, 'GET', `${BASE}/${orgId}/history`)
            if (res.status === 404) {
              expect(acknowledged, `${orgId} was acknowledged`).not.toContain(orgId)
              expect(history.status, `${orgId} is absent but has history`).toBe(404)
              continue
            }
            present++
            expect(res.status).toBe(200)
            const events = (JSON.parse(history.body) as { data: { version: number; action: string }[] }).data
            expect(events.map((e) => [e.version, e.action]), `${orgId} history`).toEqual([[1, 'create']])
          }
          expect(present).toBeGreaterThanOrEqual(acknowledged.length)
          // The kill came with batches in flight (each worker had one out).
          expect(sent.length).toBeGreaterThan(acknowledged.length)
          expect(acknowledged.length).toBeGreaterThanOrEqual(20 * BATCH_SIZE)
        } finally {
          second.child.kill('SIGTERM')
          await second.exited
        }
      } finally {
        await dropDatabase(databaseUrl)
      }
    }, 120_000)
  }
})
