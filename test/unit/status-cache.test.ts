import { describe, expect, it } from 'vitest'
import { StatusCache, type StatusFetch } from '../../packages/client/src/status-cache.js'

const status = (orgId: string, clientId = 'vipps-client-1') => ({ org_id: orgId, vipps_enabled: true, client_id: clientId, environment: 'production' as const })

/** A fetch the test resolves by hand. */
function deferredFetch() {
  const calls: { etag: string | undefined; resolve: (result: StatusFetch) => void }[] = []
  const fetch = (etag: string | undefined) => new Promise<StatusFetch>((resolve) => calls.push({ etag, resolve }))
  return { fetch, calls }
}

describe('the client status cache', () => {
  it('serves from memory while fresh; concurrent misses share one fetch', async () => {
    let t = 0
    const cache = new StatusCache(1_000, 10, () => t)
    const { fetch, calls } = deferredFetch()
    const both = Promise.all([cache.get('org_a', fetch), cache.get('org_a', fetch)])
    expect(calls).toHaveLength(1)
    calls[0]!.resolve({ kind: 'fresh', status: status('org_a'), etag: '"1"' })
    expect(await both).toEqual([status('org_a'), status('org_a')])
    expect(await cache.get('org_a', fetch)).toEqual(status('org_a'))
    expect(calls).toHaveLength(1)
    t = 1_001
    const revalidated = cache.get('org_a', fetch)
    expect(calls[1]!.etag).toBe('"1"')
    calls[1]!.resolve({ kind: 'not-modified' })
    expect(await revalidated).toEqual(status('org_a'))
  })

  it('does not store what a fetch brings back when the org was invalidated while it was under way', async () => {
    const cache = new StatusCache(60_000, 10)
    const { fetch, calls } = deferredFetch()
    const first = cache.get('org_a', fetch)
    cache.invalidate('org_a')
    calls[0]!.resolve({ kind: 'fresh', status: status('org_a', 'old'), etag: '"1"' })
    expect((await first).client_id).toBe('old') // its caller gets what it asked for…
    expect(cache.size).toBe(0) // …but the cache does not keep it
    const second = cache.get('org_a', fetch)
    expect(calls).toHaveLength(2)
    calls[1]!.resolve({ kind: 'fresh', status: status('org_a', 'new'), etag: '"2"' })
    expect((await second).client_id).toBe('new')
    expect(cache.size).toBe(1)
  })

  it('keeps nothing per org after invalidations: memory stays bounded by entries and fetches under way', async () => {
    const cache = new StatusCache(60_000, 100)
    const { fetch, calls } = deferredFetch()
    for (let i = 0; i < 1_000; i++) {
      const pending = cache.get(`org_${i}`, fetch)
      cache.invalidate(`org_${i}`)
      calls[i]!.resolve({ kind: 'fresh', status: status(`org_${i}`), etag: '"1"' })
      await pending
    }
    for (let i = 0; i < 100_000; i++) cache.invalidate(`gone_${i}`)
    expect(cache.size).toBe(0)
    expect(cache.fetching).toBe(0)
    // Its inner maps hold only entries and fetches under way (what was invalidated is forgotten).
    const inner = Object.values(cache as unknown as Record<string, unknown>).filter((v): v is Map<unknown, unknown> => v instanceof Map)
    expect(inner.map((m) => m.size)).toEqual(inner.map(() => 0))
  })

  it('holds at most maxEntries, dropping the least recently stored', async () => {
    const cache = new StatusCache(60_000, 3)
    for (const id of ['a', 'b', 'c', 'd']) await cache.get(`org_${id}`, async () => ({ kind: 'fresh', status: status(`org_${id}`), etag: undefined }))
    expect(cache.size).toBe(3)
    let fetched = 0
    await cache.get('org_a', async () => (fetched++, { kind: 'fresh', status: status('org_a'), etag: undefined }))
    expect(fetched).toBe(1)
  })
})
