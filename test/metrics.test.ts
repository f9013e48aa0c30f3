import { expect, it } from 'vitest'
import { BASE, createOrg, describeEachStore, problemOf, validBody } from './support/app.js'

/** The value of one series in Prometheus text, by its name and labels as written. */
function valueOf(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `))
  return line === undefined ? undefined : Number(line.slice(series.length + 1))
}

describeEachStore('GET /metrics', (ctx, store) => {
  const scrape = async () => {
    const res = await ctx().request({ method: 'GET', url: '/metrics' })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/)
    return res.body
  }

  it('answers the Prometheus text format: request durations by route, method and status', async () => {
    await createOrg(ctx(), 'org_metrics')
    for (let i = 0; i < 3; i++) await ctx().request({ method: 'GET', url: `${BASE}/org_metrics/status` })
    await ctx().request({ method: 'GET', url: `${BASE}/org_nobody/status` })
    const text = await scrape()
    const route = 'route="/api/v1/vipps-orgs/:org_id/status",method="GET"'
    expect(valueOf(text, `http_request_duration_seconds_count{${route},status_code="200"}`)).toBe(3)
    expect(valueOf(text, `http_request_duration_seconds_count{${route},status_code="404"}`)).toBe(1)
    expect(valueOf(text, `http_request_duration_seconds_bucket{${route},status_code="200",le="+Inf"}`)).toBe(3)
    expect(valueOf(text, `http_request_duration_seconds_count{route="/api/v1/vipps-orgs",method="POST",status_code="201"}`)).toBe(1)
    expect(text).toContain('# TYPE http_request_duration_seconds histogram')
  })

  it('counts read cache hits and misses, entries and bytes; the list index; the event loop', async () => {
    await createOrg(ctx(), 'org_cached')
    const before = await scrape()
    await ctx().request({ method: 'GET', url: `${BASE}/org_cached` })
    for (let i = 0; i < 3; i++) await ctx().request({ method: 'GET', url: `${BASE}/org_cached/status` })
    const after = await scrape()
    const delta = (name: string) => valueOf(after, name)! - valueOf(before, name)!
    // The create left the config it wrote in the cache: every read is a hit. On PostgreSQL the
    // writer's own notification comes back a few milliseconds after the create and drops nothing.
    expect(delta('vipps_orgs_read_cache_misses_total')).toBe(0)
    expect(delta('vipps_orgs_read_cache_hits_total')).toBe(4)
    // So does an update: the next read is the new config, from memory.
    await ctx().request({ method: 'PUT', url: `${BASE}/org_cached`, payload: { client_id: 'client-after-update' } })
    expect((await ctx().request({ method: 'GET', url: `${BASE}/org_cached` })).json().client_id).toBe('client-after-update')
    const afterUpdate = await scrape()
    expect(valueOf(afterUpdate, 'vipps_orgs_read_cache_misses_total')).toBe(valueOf(after, 'vipps_orgs_read_cache_misses_total'))
    expect(valueOf(after, 'vipps_orgs_read_cache_entries')).toBeGreaterThanOrEqual(1)
    expect(valueOf(after, 'vipps_orgs_read_cache_bytes')).toBeGreaterThan(100)
    expect(valueOf(after, 'vipps_orgs_list_index_entries')).toBeGreaterThanOrEqual(2)
    expect(after).toContain('nodejs_eventloop_lag_seconds')
    expect(valueOf(after, 'vipps_orgs_webhook_queue_depth')).toBe(0)
    expect(after).toContain('# TYPE vipps_orgs_webhook_attempts_total counter')
  })

  it('counts commits and the writes they carried: concurrent writes share a commit on SQLite, one each on PostgreSQL', async () => {
    const before = await scrape()
    const created = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        ctx().request({ method: 'POST', url: BASE, payload: validBody(`org_commits_${i}`) })
      )
    )
    expect(created.map((res) => res.statusCode)).toEqual(Array(20).fill(201))
    const after = await scrape()
    const delta = (name: string) => valueOf(after, name)! - valueOf(before, name)!
    expect(delta('vipps_orgs_db_writes_total')).toBe(20)
    const commits = delta('vipps_orgs_db_commits_total')
    if (store === 'sqlite') {
      expect(commits).toBeGreaterThanOrEqual(1)
      expect(commits).toBeLessThan(20)
      expect(valueOf(after, 'vipps_orgs_db_largest_commit_writes')).toBeGreaterThan(1)
    } else {
      expect(commits).toBe(20)
      expect(valueOf(after, 'vipps_orgs_db_largest_commit_writes')).toBe(1)
    }
  })

  it('shows the database pool and the change listener on PostgreSQL only', async () => {
    await createOrg(ctx(), 'org_pool')
    const text = await scrape()
    if (store === 'postgres') {
      expect(valueOf(text, 'vipps_orgs_db_pool_connections{state="max"}')).toBe(10)
      expect(valueOf(text, 'vipps_orgs_db_pool_waiting')).toBe(0)
      expect(valueOf(text, 'vipps_orgs_change_listener_connected')).toBe(1)
      expect(valueOf(text, 'vipps_orgs_change_listener_reconnects_total')).toBe(0)
      expect(valueOf(text, 'vipps_orgs_last_invalidation_lag_seconds')).toBeGreaterThan(0)
    } else {
      expect(valueOf(text, 'vipps_orgs_db_pool_connections{state="max"}')).toBeUndefined()
      expect(valueOf(text, 'vipps_orgs_change_listener_connected')).toBe(0)
    }
  })
})

describeEachStore(
  'GET /metrics with METRICS_TOKEN',
  (ctx) => {
    it('needs the token as a bearer token: 401 without it or with another', async () => {
      const none = problemOf(await ctx().request({ method: 'GET', url: '/metrics' }), 401, 'unauthorized')
      expect(none).toBeDefined()
      problemOf(await ctx().request({ method: 'GET', url: '/metrics', headers: { authorization: 'Bearer wrong' } }), 401, 'unauthorized')
      problemOf(await ctx().request({ method: 'GET', url: '/metrics', headers: { authorization: 'Bearer admin-secret-1' } }), 401, 'unauthorized')
      const ok = await ctx().request({ method: 'GET', url: '/metrics', headers: { authorization: 'Bearer scrape-secret-1' } })
      expect(ok.statusCode).toBe(200)
      expect(ok.body).toContain('http_request_duration_seconds')
    })
  },
  { METRICS_TOKEN: 'scrape-secret-1', ADMIN_TOKENS: 'admin-secret-1' }
)

describeEachStore(
  'METRICS_ENABLED=false',
  (ctx) => {
    it('serves no /metrics', async () => {
      problemOf(await ctx().request({ method: 'GET', url: '/metrics' }), 404, 'not_found')
    })
  },
  { METRICS_ENABLED: 'false' }
)
