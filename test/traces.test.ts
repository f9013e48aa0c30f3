import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Writable } from 'node:stream'
import type { FastifyInstance } from 'fastify'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../src/app.js'
import { loadConfig } from '../src/config.js'
import { BASE, createOrg, dropDatabase, newDatabaseUrl, queryDatabase, startApp, storeNames, type TestApp, uniqueOrgId } from './support/app.js'
import { type OtlpReceiver, startOtlpReceiver } from './support/otlp-receiver.js'
import { type Receiver, startReceiver } from './support/webhook-receiver.js'

const HOOKS = '/api/v1/webhooks'
const SECRETS_KEY = Buffer.alloc(32, 7).toString('base64')
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-0[01]$/

/** The app's log lines, parsed (pino writes one JSON object a line). */
function logCollector() {
  const lines: Record<string, unknown>[] = []
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim() !== '') lines.push(JSON.parse(line) as Record<string, unknown>)
      done()
    }
  })
  return { lines, logger: { level: 'info', stream } }
}

async function waitUntil(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > until) throw new Error(`${what}: not within ${timeoutMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}

for (const store of storeNames()) {
  describe(`traces with an OTLP endpoint [${store}]`, () => {
    let otlp: OtlpReceiver
    let hooks: Receiver
    let databaseUrl: string
    let app: TestApp | undefined
    const log = logCollector()
    let failOnce: string | undefined
    const env = () => ({
      OTEL_EXPORTER_OTLP_ENDPOINT: otlp.endpoint,
      OTEL_SERVICE_NAME: 'vipps-orgs-test',
      OTEL_BSP_SCHEDULE_DELAY: '20',
      SECRETS_KEY,
      WEBHOOK_RETRY_SCHEDULE: '1s'
    })

    beforeAll(async () => {
      otlp = await startOtlpReceiver()
      // The first attempt at an org named here fails (503): it is made again later.
      hooks = await startReceiver((received) => {
        if (failOnce === undefined || !received.body.includes(failOnce)) return {}
        failOnce = undefined
        return { status: 503 }
      })
      databaseUrl = await newDatabaseUrl(store)
      app = await startApp(store, env(), databaseUrl, { logger: log.logger })
    })
    afterAll(async () => {
      await app?.close()
      await hooks?.close()
      await otlp?.close()
      await dropDatabase(databaseUrl)
    })

    const inTrace = (traceId: string) => otlp.spans.filter((span) => span.traceId === traceId)

    it("makes one trace of a request: its server span (route template, status) and, under it, each SQL statement's span, without values", async () => {
      const orgId = uniqueOrgId('traced')
      await createOrg(app!, orgId)
      const request = await otlp.waitFor((s) => s.kind === 'server' && s.attributes['http.request.method'] === 'POST' && s.attributes['url.path'] === BASE, 'for the create')
      expect(request).toMatchObject({
        name: `POST ${BASE}`,
        parentSpanId: '',
        attributes: { 'http.route': BASE, 'http.response.status_code': 201 },
        resource: { 'service.name': 'vipps-orgs-test' }
      })
      expect(otlp.contentTypes[0]).toBe('application/x-protobuf')

      // The statements end before the request does: by the time its span is here, theirs are too.
      const statements = inTrace(request.traceId).filter((s) => s.attributes['db.system.name'] !== undefined)
      expect(statements.length).toBeGreaterThanOrEqual(1)
      for (const statement of statements) {
        expect(statement.parentSpanId).toBe(request.spanId)
        expect(statement.kind).toBe('client')
        expect(statement.attributes['db.system.name']).toBe(store === 'sqlite' ? 'sqlite' : 'postgresql')
        expect(String(statement.attributes['db.query.text'])).not.toContain(orgId)
      }
      const texts = statements.map((s) => String(s.attributes['db.query.text']))
      expect(texts.some((text) => /insert into "?vipps_org_configs"?/i.test(text))).toBe(true)
      expect(texts.some((text) => /vipps_org_events/.test(text))).toBe(true)
      // Named by operation and first table (on PostgreSQL one statement writes both, a CTE).
      expect(statements.map((s) => s.name)).toContain('insert vipps_org_configs')
      // Every span of the trace is the request's or one of its statements'.
      expect(inTrace(request.traceId).length).toBe(statements.length + 1)

      // A read has its route template as its name (inject: served by Fastify).
      const read = await app!.request({ method: 'GET', url: `${BASE}/${orgId}/status` })
      expect(read.statusCode).toBe(200)
      const readSpan = await otlp.waitFor((s) => s.attributes['url.path'] === `${BASE}/${orgId}/status`, 'for the read')
      expect(readSpan).toMatchObject({ name: `GET ${BASE}/:org_id/status`, attributes: { 'http.route': `${BASE}/:org_id/status`, 'http.response.status_code': 200 } })
    })

    it('continues the trace a request brings in its traceparent header', async () => {
      const traceId = 'abcdef0123456789abcdef0123456789'
      const parentId = '0123456789abcdef'
      const orgId = uniqueOrgId('continued')
      await createOrg(app!, orgId, {}, { traceparent: `00-${traceId}-${parentId}-01` })
      const request = await otlp.waitFor((s) => s.kind === 'server' && s.traceId === traceId, 'in the caller’s trace')
      expect(request.parentSpanId).toBe(parentId)
      expect(request.attributes['http.response.status_code']).toBe(201)
    })

    it('keeps what a request carries out of its span: the query (a sign-in callback’s code and state), a malformed body’s text', async () => {
      const query = await app!.request({ method: 'GET', url: `${BASE}/org_query_kept_out?code=code-must-stay-here&state=state-too` })
      expect(query.statusCode).toBeLessThan(500)
      const querySpan = await otlp.waitFor((s) => s.kind === 'server' && s.attributes['url.path'] === `${BASE}/org_query_kept_out`, 'for the read with a query')
      expect(JSON.stringify(querySpan)).not.toMatch(/code-must-stay-here|state-too/)
      const body = await app!.request({ method: 'PUT', url: `${BASE}/org_body_kept_out`, payload: '{"client_secret_ref": body-must-stay-here', headers: { 'content-type': 'application/json' } })
      expect(body.statusCode).toBe(400)
      expect(body.json().code).toBe('malformed_json')
      const bodySpan = await otlp.waitFor((s) => s.kind === 'server' && s.attributes['url.path'] === `${BASE}/org_body_kept_out`, 'for the malformed body')
      expect(JSON.stringify(bodySpan)).not.toContain('body-must-stay-here')
    })

    it('writes trace_id and span_id into the log lines of a request', async () => {
      const res = await app!.request({ method: 'GET', url: `${BASE}/org_nobody_here` })
      expect(res.statusCode).toBe(404)
      const span = await otlp.waitFor((s) => s.attributes['url.path'] === `${BASE}/org_nobody_here`, 'for the 404')
      expect(span.attributes['http.response.status_code']).toBe(404)
      const lines = log.lines.filter((line) => line.trace_id === span.traceId)
      expect(lines.length).toBeGreaterThanOrEqual(1)
      expect(lines.some((line) => line.msg === 'request completed' && line.span_id === span.spanId)).toBe(true)
      for (const line of lines) expect(line.trace_flags).toBe('01')
    })

    it('makes the attempts of a webhook delivery, later and on another instance too, in the trace of the request that made the change: traceparent, parent and link', async () => {
      const hook = (await app!.request({ method: 'POST', url: HOOKS, payload: { url: hooks.url } })).json() as { id: string }
      const orgId = uniqueOrgId('hooked')
      failOnce = orgId
      await createOrg(app!, orgId)
      // The change's event keeps the request's trace context: its server span's.
      const events = await queryDatabase<{ trace_context: string | null }>(databaseUrl, 'select trace_context from vipps_org_events where org_id = ?', [orgId])
      expect(events).toHaveLength(1)
      const kept = TRACEPARENT.exec(String(events[0]!.trace_context))
      expect(kept).not.toBeNull()
      const create = await otlp.waitFor((s) => s.spanId === kept![2], 'for the create')
      expect(create).toMatchObject({ kind: 'server', traceId: kept![1], attributes: { 'url.path': BASE, 'http.response.status_code': 201 } })

      // The first attempt fails; this instance stops before the next one (its attempt recorded as it closes).
      const attemptsAt = () => hooks.received.filter((r) => r.body.includes(orgId))
      await waitUntil(() => attemptsAt().length === 1, 'the first attempt')
      await app!.close()
      // Another instance on the database makes the next attempt, a second later.
      app = await startApp(store, env(), databaseUrl, { logger: log.logger })
      await waitUntil(() => attemptsAt().length === 2, 'the second attempt')

      const spans = []
      for (const [i, attempt] of attemptsAt().entries()) {
        const sent = TRACEPARENT.exec(String(attempt.headers.traceparent))
        expect(sent?.[1]).toBe(create.traceId)
        const span = await otlp.waitFor((s) => s.name === 'webhook delivery' && s.spanId === sent![2], `for attempt ${i + 1}`)
        expect(span).toMatchObject({
          kind: 'client',
          traceId: create.traceId,
          parentSpanId: create.spanId,
          attributes: { 'http.request.method': 'POST', 'http.response.status_code': i === 0 ? 503 : 204, 'webhook.endpoint_id': hook.id, 'webhook.attempt': i + 1 }
        })
        expect(span.links).toEqual([expect.objectContaining({ traceId: create.traceId, spanId: create.spanId })])
        spans.push(span)
      }
      expect(spans[0]!.status.code).toBe(2)
      // The second attempt was made by the other instance.
      expect(spans[0]!.resource['service.instance.id']).toBe(create.resource['service.instance.id'])
      expect(spans[1]!.resource['service.instance.id']).not.toBe(create.resource['service.instance.id'])
    })

    it('sends a test event in the trace of the request that asked for it', async () => {
      const hook = (await app!.request({ method: 'POST', url: HOOKS, payload: { url: hooks.url } })).json() as { id: string }
      const sent = await app!.request({ method: 'POST', url: `${HOOKS}/${hook.id}/test` })
      expect(sent.statusCode).toBe(202)
      const { event_id } = sent.json() as { event_id: string }
      const request = await otlp.waitFor((s) => s.kind === 'server' && s.attributes['url.path'] === `${HOOKS}/${hook.id}/test`, 'for the test request')
      await waitUntil(() => hooks.received.some((r) => r.headers['webhook-id'] === event_id), 'the test delivery')
      const delivery = hooks.received.find((r) => r.headers['webhook-id'] === event_id)!
      expect(TRACEPARENT.exec(String(delivery.headers.traceparent))?.[1]).toBe(request.traceId)
      const span = await otlp.waitFor((s) => s.name === 'webhook delivery' && s.attributes['webhook.event_id'] === event_id, 'for the test delivery')
      expect(span.parentSpanId).toBe(request.spanId)
    })
  })

  describe(`traces without an OTLP endpoint [${store}]`, () => {
    let otlp: OtlpReceiver
    let hooks: Receiver
    let app: TestApp | undefined
    const log = logCollector()

    beforeAll(async () => {
      otlp = await startOtlpReceiver()
      hooks = await startReceiver()
      // Every OTEL_* setting but the endpoint: still off.
      app = await startApp(store, { OTEL_SERVICE_NAME: 'vipps-orgs-test', OTEL_TRACES_SAMPLER: 'always_on', OTEL_BSP_SCHEDULE_DELAY: '20', SECRETS_KEY }, undefined, {
        logger: log.logger
      })
    })
    afterAll(async () => {
      await app?.close()
      await hooks?.close()
      await otlp?.close()
      if (app) await dropDatabase(app.databaseUrl)
    })

    it('exports nothing, sends no traceparent, keeps no trace context, logs no trace ids', async () => {
      const hook = (await app!.request({ method: 'POST', url: HOOKS, payload: { url: hooks.url } })).json() as { id: string }
      expect(hook.id).toBeDefined()
      const orgId = uniqueOrgId('untraced')
      await createOrg(app!, orgId, {}, { traceparent: '00-abcdef0123456789abcdef0123456789-0123456789abcdef-01' })
      expect((await app!.request({ method: 'GET', url: `${BASE}/${orgId}` })).statusCode).toBe(200)
      await waitUntil(() => hooks.received.some((r) => r.body.includes(orgId)), 'the delivery')
      const delivery = hooks.received.find((r) => r.body.includes(orgId))!
      expect(delivery.headers.traceparent).toBeUndefined()
      expect(delivery.headers['webhook-signature']).toBeDefined()
      const events = await queryDatabase<{ trace_context: string | null }>(app!.databaseUrl, 'select trace_context from vipps_org_events where org_id = ?', [orgId])
      expect(events).toEqual([{ trace_context: null }])
      await app!.close()
      app = undefined
      // Closed: whatever it would have sent is sent by now.
      expect(otlp.spans).toEqual([])
      expect(otlp.strays).toBe(0)
      expect(log.lines.length).toBeGreaterThan(0)
      expect(log.lines.filter((line) => 'trace_id' in line || 'span_id' in line)).toEqual([])
    })
  })
}

/** The app over real HTTP: the fast path is the HTTP server's (inject goes to the router). */
async function listening(env: Record<string, string>, databaseUrl: string): Promise<{ app: FastifyInstance; base: string }> {
  const app = await buildApp(loadConfig({ LOG_LEVEL: 'silent', ...env, DATABASE_URL: databaseUrl }), { logger: false })
  await app.listen({ port: 0, host: '127.0.0.1' })
  return { app, base: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}` }
}

for (const store of storeNames()) {
  describe(`sampling decided before the fast path [${store}]`, () => {
    let otlp: OtlpReceiver
    let databaseUrl: string
    let running: { app: FastifyInstance; base: string } | undefined
    const orgId = uniqueOrgId('sampled')
    const path = `${BASE}/${orgId}/status`

    beforeAll(async () => {
      otlp = await startOtlpReceiver()
      databaseUrl = await newDatabaseUrl(store)
      // Written before: no write (nor, on PostgreSQL, its notification) drops the cached org while a test reads.
      const writer = await startApp(store, {}, databaseUrl)
      await createOrg(writer, orgId)
      await writer.close()
    })
    afterEach(async () => {
      await running?.app.close()
      running = undefined
    })
    afterAll(async () => {
      await otlp?.close()
      await dropDatabase(databaseUrl)
    })

    async function start(sampling: Record<string, string>) {
      otlp.spans.length = 0
      running = await listening({ OTEL_EXPORTER_OTLP_ENDPOINT: otlp.endpoint, OTEL_BSP_SCHEDULE_DELAY: '20', ...sampling }, databaseUrl)
      return running
    }
    async function stop() {
      await running!.app.close()
      running = undefined
    }
    async function read(headers: Record<string, string> = {}) {
      const res = await fetch(running!.base + path, { headers })
      expect(res.status).toBe(200)
      await res.arrayBuffer()
    }
    /** Reads until one is answered fast (the first loads the org's view into the cache). */
    async function warm(headers: Record<string, string> = {}) {
      const until = Date.now() + 5_000
      while (running!.app.fastPaths.answered === 0) {
        if (Date.now() > until) throw new Error(`${path} was never answered fast`)
        await read(headers)
      }
    }
    const readSpans = () => otlp.spans.filter((s) => s.kind === 'server' && s.attributes['url.path'] === path)

    it.each([
      ['traceidratio at 0', { OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '0' }],
      ['always_off', { OTEL_TRACES_SAMPLER: 'always_off' }]
    ])('with %s answers hot reads fast, and exports nothing', async (_name, sampling) => {
      const { app } = await start(sampling)
      await warm()
      const before = app.fastPaths.answered
      for (let i = 0; i < 20; i++) await read()
      expect(app.fastPaths.answered).toBe(before + 20)
      await stop()
      // Closed: whatever it would have sent is sent by now.
      expect(otlp.spans).toEqual([])
    })

    it('with always_on routes every read, each with its span', async () => {
      const { app } = await start({ OTEL_TRACES_SAMPLER: 'always_on' })
      for (let i = 0; i < 20; i++) await read()
      expect(app.fastPaths.answered).toBe(0)
      await stop()
      expect(readSpans()).toHaveLength(20)
      expect(new Set(readSpans().map((s) => s.traceId)).size).toBe(20)
    })

    it('under parentbased_traceidratio at 0 follows an incoming traceparent: sampled is routed and traced, not sampled is answered fast', async () => {
      const { app } = await start({ OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0' })
      await warm()
      const sampledTrace = 'a1b2c3d4e5f60718293a4b5c6d7e8f90'
      const unsampledTrace = '0f1e2d3c4b5a69788796a5b4c3d2e1f0'
      const parentId = '1122334455667788'
      let before = app.fastPaths.answered
      await read({ traceparent: `00-${sampledTrace}-${parentId}-01` })
      expect(app.fastPaths.answered).toBe(before)
      before = app.fastPaths.answered
      await read({ traceparent: `00-${unsampledTrace}-${parentId}-00` })
      expect(app.fastPaths.answered).toBe(before + 1)
      // Without a traceparent, the ratio (0) decides: fast.
      await read()
      expect(app.fastPaths.answered).toBe(before + 2)
      await stop()
      expect(readSpans()).toEqual([
        expect.objectContaining({ traceId: sampledTrace, parentSpanId: parentId, name: `GET ${BASE}/:org_id/status`, attributes: expect.objectContaining({ 'http.response.status_code': 200 }) })
      ])
      expect(otlp.spans.filter((s) => s.traceId === unsampledTrace)).toEqual([])
    })

    it('at 0.5 decides once a request: every read is either answered fast or exported, never neither (no ratio squared), both happen', async () => {
      const { app } = await start({ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.5' })
      await warm()
      await app.tracing!.flush()
      const exportedBefore = readSpans().length
      const answeredBefore = app.fastPaths.answered
      const reads = 200
      for (let i = 0; i < reads; i++) await read()
      await stop()
      const fast = app.fastPaths.answered - answeredBefore
      const exported = readSpans().length - exportedBefore
      expect(fast + exported).toBe(reads)
      // Each way about half: the chance that either is 0 is 2^-200.
      expect(fast).toBeGreaterThan(0)
      expect(exported).toBeGreaterThan(0)
      // A sampled span's trace id is the one its decision was made with: the ratio's rule holds of each.
      for (const span of readSpans()) expect(belowRatio(span.traceId, 0.5)).toBe(true)
    })
  })
}

/** TraceIdRatioBasedSampler's rule: the trace id's four 4-byte words xor'ed, below ratio × (2³² - 1). */
function belowRatio(traceId: string, ratio: number): boolean {
  let accumulation = 0
  for (let i = 0; i < traceId.length / 8; i++) accumulation = (accumulation ^ parseInt(traceId.slice(i * 8, i * 8 + 8), 16)) >>> 0
  return accumulation < Math.floor(ratio * 0xffffffff)
}

describe('traces with a collector that does not answer', () => {
  it('does not hold the app up when it stops: the last spans are given up after a short wait, not the exporter’s 10 s', async () => {
    const hanging = createServer(() => undefined)
    await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve))
    const endpoint = `http://127.0.0.1:${(hanging.address() as AddressInfo).port}`
    try {
      const app = await startApp(storeNames()[0]!, { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_BSP_SCHEDULE_DELAY: '600000' })
      await createOrg(app, uniqueOrgId('unsent'))
      // The span waits in the batch; closing flushes it to a collector that never answers.
      await app.close()
      await dropDatabase(app.databaseUrl)
    } finally {
      hanging.closeAllConnections()
      await new Promise((resolve) => hanging.close(resolve))
    }
  }, 8_000)
})
