import type { IncomingMessage, ServerResponse } from 'node:http'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createClient, type FeedEvent, type VippsOrgsClient } from '@vipps-orgs/client'
import { storeNames, uniqueOrgId } from './support/app.js'
import { type ListeningApp, listenApp, type Proxy, startProxy } from './support/client-server.js'
import { ndjson, orgLine, type Run, runCli } from './support/cli-process.js'

/**
 * `vipps-orgs import` creating the orgs the service lacks through the batch create
 * (`POST /api/v1/vipps-orgs:batchCreate`), as users run it (a subprocess) against the real
 * service over HTTP. A small proxy in front of the service counts the requests the CLI makes,
 * and for some tests answers or delays one itself (another writer meanwhile, an older service).
 */

const TOKEN = 'cli-batch-test-token'
const BATCH = '/api/v1/vipps-orgs:batchCreate'
const dir = mkdtempSync(join(tmpdir(), 'vipps-orgs-cli-batch-'))

const cli = (base: string, args: string[]): Promise<Run> => runCli(base, args, { token: TOKEN })

function file(name: string, rows: Record<string, unknown>[]): string {
  const path = join(dir, `${name}-${uniqueOrgId('f')}.ndjson`)
  writeFileSync(path, ndjson(rows))
  return path
}

/** The requests the proxy saw of this method and path (query left out). */
function requests(proxy: Proxy, method: string, path: string) {
  return proxy.seen.filter((r) => r.method === method && r.url.split('?')[0] === path)
}

/** The change feed's events for these orgs, from the start. */
async function eventsOf(client: VippsOrgsClient, orgIds: Set<string>): Promise<FeedEvent[]> {
  const events: FeedEvent[] = []
  for (let after: string | undefined; ; ) {
    const page = await client.listEvents({ limit: 1000, ...(after ? { after } : {}) })
    events.push(...page.data.filter((e) => orgIds.has(e.org_id)))
    if (page.data.length === 0) return events
    after = page.next_cursor
  }
}

/** The body of a request the proxy answers itself, then `answer` does so. */
function whole(req: IncomingMessage, answer: (body: Buffer) => Promise<void>): void {
  const chunks: Buffer[] = []
  req.on('data', (c: Buffer) => chunks.push(c))
  req.on('end', () => void answer(Buffer.concat(chunks)))
}

/** Sends the request on to the service and relays its answer. */
async function forward(target: string, req: IncomingMessage, body: Buffer, res: ServerResponse): Promise<void> {
  const headers = Object.fromEntries(
    Object.entries(req.headers).filter((e): e is [string, string] => typeof e[1] === 'string' && !['host', 'connection', 'content-length'].includes(e[0]))
  )
  const answer = await fetch(`${target}${req.url}`, { method: req.method!, headers, body })
  res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' })
  res.end(Buffer.from(await answer.arrayBuffer()))
}

for (const store of storeNames()) {
  describe(`vipps-orgs import: new orgs in batches [${store}]`, () => {
    let target: ListeningApp
    let api: VippsOrgsClient
    beforeAll(async () => {
      target = await listenApp(store, { ADMIN_TOKENS: `ops:${TOKEN}` })
      api = createClient({ baseUrl: target.base, token: TOKEN })
    })
    afterAll(async () => {
      await target?.close()
    })

    it('1,200 new orgs: one batch request per 200 (or per --batch-size), no single create; each org created once', async () => {
      for (const [size, batches] of [[undefined, 6], [500, 3]] as const) {
        const ids = Array.from({ length: 1200 }, (_, i) => `batch_${size ?? 'd'}_${String(i).padStart(4, '0')}_${uniqueOrgId('b')}`)
        const proxy = await startProxy(target.base)
        try {
          const run = await cli(proxy.base, ['import', file('many', ids.map((id) => orgLine(id))), ...(size ? ['--batch-size', String(size)] : [])])
          expect(run.stderr).toBe('')
          expect(run.code).toBe(0)
          expect(run.stdout).toMatch(/^created 1200, updated 0, unchanged 0, failed 0 \(1200 line\(s\) in /)
          const posted = requests(proxy, 'POST', BATCH)
          expect(posted).toHaveLength(batches)
          expect(posted.map((r) => r.status)).toEqual(Array(batches).fill(200))
          // One Idempotency-Key a batch, none used twice.
          expect(new Set(posted.map((r) => r.headers['idempotency-key'])).size).toBe(batches)
          // The only writes were the batches: no single create, no update.
          expect(proxy.seen.filter((r) => r.method !== 'GET' && r.url !== BATCH)).toEqual([])
        } finally {
          await proxy.close()
        }
        const events = await eventsOf(api, new Set(ids))
        expect(events.map((e) => e.type)).toEqual(Array(1200).fill('vipps_org.created'))
        expect(new Set(events.map((e) => e.org_id)).size).toBe(1200)
        expect(await api.getOrg(ids[1199]!)).toMatchObject(orgLine(ids[1199]!))
        expect((await api.getOrgHistory(ids[0]!)).data.map((e) => [e.version, e.action])).toEqual([[1, 'create']])
      }
    }, 120_000)

    it('a file of new, unchanged and changed orgs and lines the service refuses: each refused line reported, the others applied, exit 1', async () => {
      const same = uniqueOrgId('same')
      const changed = uniqueOrgId('changed')
      await api.createOrg(orgLine(same) as never)
      await api.createOrg(orgLine(changed) as never)
      const [new1, new2, new3, refused, badId] = ['new', 'new', 'new', 'refused', 'badid'].map((p) => uniqueOrgId(p))
      const path = file('mixed', [
        orgLine(new1!),
        orgLine(same),
        orgLine(refused!, { client_secret_ref: 'plain-secret' }),
        orgLine(changed, { client_id: 'vipps-client-moved', vipps_enabled: false }),
        orgLine(new2!),
        orgLine(`${badId!}!`, { client_secret_ref: 'vault://orgs/bad/vipps_secret' }),
        orgLine(new3!)
      ])
      const proxy = await startProxy(target.base)
      let run: Run
      try {
        run = await cli(proxy.base, ['import', path, '--batch-size', '3'])
        // The five lines for new orgs in two batches, the changed org in one PUT; nothing else written.
        expect(requests(proxy, 'POST', BATCH)).toHaveLength(2)
        expect(requests(proxy, 'POST', '/api/v1/vipps-orgs')).toEqual([])
        expect(requests(proxy, 'PUT', `/api/v1/vipps-orgs/${changed}`)).toHaveLength(1)
        expect(proxy.seen.filter((r) => r.method === 'PUT' || r.method === 'DELETE')).toHaveLength(1)
      } finally {
        await proxy.close()
      }
      expect(run.code).toBe(1)
      expect(run.stderr.trimEnd().split('\n')).toEqual([
        `line 3: ${refused}: client_secret_ref: must be a vault reference such as vault://orgs/<org_id>/vipps_secret, never the secret itself`,
        expect.stringMatching(new RegExp(`^line 6: ${badId}!: org_id: `))
      ])
      expect(run.stdout).toMatch(/^created 3, updated 1, unchanged 1, failed 2 \(7 line\(s\) in /)
      for (const id of [new1!, new2!, new3!]) expect(await api.getOrg(id)).toMatchObject(orgLine(id))
      await expect(api.getOrg(refused!)).rejects.toMatchObject({ status: 404 })
      expect((await api.getOrgHistory(same)).data.map((e) => e.action)).toEqual(['create'])
      const history = (await api.getOrgHistory(changed)).data
      expect(history.map((e) => e.action)).toEqual(['create', 'update'])
      expect(Object.keys(history[1]!.changes).sort()).toEqual(['client_id', 'vipps_enabled'])

      // --json: the lines' results in the file's order.
      const again = await cli(target.base, ['--json', 'import', path])
      expect(JSON.parse(again.stdout)).toMatchObject({ created: 0, updated: 0, unchanged: 5, failed: 2, changes: [] })
    })

    it('an org created by someone else between the listing and the batch: its 409 is read and compared (unchanged, or one PUT), never a failure', async () => {
      const [identical, different, fresh] = ['ident', 'diff', 'fresh'].map((p) => uniqueOrgId(p))
      let raced = 0
      const proxy = await startProxy(target.base, (req, res) => {
        if (raced > 0 || req.method !== 'POST' || req.url !== BATCH) return false
        raced += 1
        // The first batch: someone else creates two of its orgs, then it reaches the service.
        whole(req, async (body) => {
          await api.createOrg(orgLine(identical!) as never)
          await api.createOrg(orgLine(different!, { client_id: 'vipps-client-someone-else', scopes: ['openid'] }) as never)
          await forward(target.base, req, body, res)
        })
        return true
      })
      let run: Run
      try {
        run = await cli(proxy.base, ['import', file('race', [orgLine(identical!), orgLine(different!), orgLine(fresh!)])])
        expect(raced).toBe(1)
        expect(requests(proxy, 'POST', BATCH)).toHaveLength(1)
        expect(requests(proxy, 'POST', '/api/v1/vipps-orgs')).toEqual([])
        expect(requests(proxy, 'PUT', `/api/v1/vipps-orgs/${different}`)).toHaveLength(1)
        expect(requests(proxy, 'PUT', `/api/v1/vipps-orgs/${identical}`)).toEqual([])
      } finally {
        await proxy.close()
      }
      expect(run.stderr).toBe('')
      expect(run.code).toBe(0)
      expect(run.stdout).toMatch(/^created 1, updated 1, unchanged 1, failed 0 /)
      expect(await api.getOrg(different!)).toMatchObject(orgLine(different!))
      const history = (await api.getOrgHistory(different!)).data
      expect(history.map((e) => e.action)).toEqual(['create', 'update'])
      expect(Object.keys(history[1]!.changes).sort()).toEqual(['client_id', 'scopes'])
      expect((await api.getOrgHistory(identical!)).data.map((e) => e.action)).toEqual(['create'])
    })

    it('a batch whose answer is lost (or refused with a 503 or a 502) is sent again with the same Idempotency-Key: every org created once', async () => {
      const ids = Array.from({ length: 5 }, () => uniqueOrgId('lost'))
      let n = 0
      const proxy = await startProxy(target.base, (req, res) => {
        if (req.method !== 'POST' || req.url !== BATCH) return false
        n += 1
        if (n === 1) return 'drop' // the service creates them; the CLI sees its connection cut
        if (n === 2) {
          res.writeHead(503, { 'content-type': 'application/problem+json', 'retry-after': '0' }).end('{}')
          return true
        }
        if (n === 3) {
          res.writeHead(502, { 'content-type': 'text/html' }).end('<h1>Bad gateway</h1>') // a proxy's, say
          return true
        }
        return false
      })
      let run: Run
      try {
        run = await cli(proxy.base, ['import', file('lost', ids.map((id) => orgLine(id)))])
        const posted = requests(proxy, 'POST', BATCH)
        expect(posted.map((r) => [r.status, r.dropped ?? false])).toEqual([
          [200, true],
          [503, false],
          [502, false],
          [200, false]
        ])
        expect(new Set(posted.map((r) => r.headers['idempotency-key'])).size).toBe(1)
        expect(requests(proxy, 'POST', '/api/v1/vipps-orgs')).toEqual([])
      } finally {
        await proxy.close()
      }
      expect(run.stderr).toBe('')
      expect(run.code).toBe(0)
      expect(run.stdout).toMatch(/^created 5, updated 0, unchanged 0, failed 0 /)
      const events = await eventsOf(api, new Set(ids))
      expect(events.map((e) => e.type)).toEqual(Array(5).fill('vipps_org.created'))
    })

    it('--batch-size outside 1-500 (or not a whole number) is bad usage: exit 2, nothing written', async () => {
      const id = uniqueOrgId('usage')
      const path = file('usage', [orgLine(id)])
      for (const value of ['0', '501', 'ten', '2.5', '']) {
        const run = await cli(target.base, ['import', path, `--batch-size=${value}`])
        expect(run.code, value).toBe(2)
        expect(run.stderr, value).toBe(`error: --batch-size must be a whole number from 1 to 500: ${value}\n`)
        expect(run.stdout, value).toBe('')
      }
      await expect(api.getOrg(id)).rejects.toMatchObject({ status: 404 })
      for (const value of ['1', '500']) {
        const ok = await cli(target.base, ['import', path, '--batch-size', value])
        expect(ok.code, ok.stderr).toBe(0)
      }
    })

    for (const status of [404, 405]) {
      it(`a service without the batch create (${status} on it): one create a line, as before`, async () => {
        const ids = Array.from({ length: 25 }, () => uniqueOrgId(`old${status}`))
        const existing = uniqueOrgId('old_existing')
        await api.createOrg(orgLine(existing) as never)
        // What an older service answers (its not-found handler's problem), or a 405 as the service words one.
        const proxy = await startProxy(target.base, (req, res) => {
          if (req.method !== 'POST' || req.url !== BATCH) return false
          const problem =
            status === 404
              ? { type: 'urn:vipps-orgs:problem:not_found', title: 'Not found', status, detail: `No route POST ${BATCH}`, code: 'not_found', instance: BATCH }
              : { type: 'urn:vipps-orgs:problem:method_not_allowed', title: 'Method not allowed', status, detail: 'POST is not allowed here; use GET', code: 'method_not_allowed', instance: BATCH }
          res.writeHead(status, { 'content-type': 'application/problem+json', ...(status === 405 ? { allow: 'GET' } : {}) }).end(JSON.stringify(problem))
          return true
        })
        let run: Run
        try {
          run = await cli(proxy.base, ['import', file('old', [...ids.map((id) => orgLine(id)), orgLine(existing, { vipps_enabled: false })]), '--batch-size', '10', '--concurrency', '1'])
          // Asked once (then it knows), then 25 creates and the update.
          expect(requests(proxy, 'POST', BATCH).map((r) => r.status)).toEqual([status])
          expect(requests(proxy, 'POST', '/api/v1/vipps-orgs').map((r) => r.status)).toEqual(Array(25).fill(201))
          expect(requests(proxy, 'PUT', `/api/v1/vipps-orgs/${existing}`)).toHaveLength(1)
        } finally {
          await proxy.close()
        }
        expect(run.stderr).toBe('')
        expect(run.code).toBe(0)
        expect(run.stdout).toMatch(/^created 25, updated 1, unchanged 0, failed 0 /)
        for (const id of [ids[0]!, ids[24]!]) expect(await api.getOrg(id)).toMatchObject(orgLine(id))
      })
    }
  })
}

afterAll(() => rmSync(dir, { recursive: true, force: true }))
