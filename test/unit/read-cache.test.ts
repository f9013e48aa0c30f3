import { describe, expect, it } from 'vitest'
import { OrgReadCache } from '../../src/orgs/read-cache.js'
import { orgRecord } from '../support/records.js'
import { toView, type OrgView } from '../../src/orgs/views.js'

const record = orgRecord

/** Fills the cache with org_000 … org_(n-1), in order; answers which are still cached. */
async function fill(cache: OrgReadCache, n: number): Promise<string[]> {
  const ids = Array.from({ length: n }, (_, i) => `org_${String(i).padStart(3, '0')}`)
  for (const id of ids) await cache.view(id, async () => toView(record(id)))
  return ids.filter((id) => cache.peekView(id) !== undefined)
}

describe('OrgReadCache', () => {
  it('keeps at most CACHE_MAX_BYTES of configs, dropping the least recently used', async () => {
    const one = new OrgReadCache({ max: 1_000, maxBytes: 1_000_000, ttlMs: 0 })
    await fill(one, 1)
    const perEntry = one.stats().bytes
    // An entry is counted at least as its full JSON (the status is built from it), and not much more.
    const view = toView(record('org_000'))
    expect(perEntry).toBeGreaterThan(view.full.length)
    expect(perEntry).toBeLessThan(2 * view.full.length)

    const room = Math.floor(10.5 * perEntry)
    const cache = new OrgReadCache({ max: 1_000, maxBytes: room, ttlMs: 0 })
    await fill(cache, 10)
    cache.peekView('org_000') // used: org_001 is now the least recently used
    await cache.view('org_010', async () => toView(record('org_010')))
    expect(cache.stats()).toMatchObject({ entries: 10 })
    expect(cache.stats().bytes).toBeLessThanOrEqual(room)
    expect(cache.peekView('org_000')).toBeDefined()
    expect(cache.peekView('org_001')).toBeUndefined()
    expect(cache.peekView('org_010')).toBeDefined()
  })

  it('keeps at most CACHE_MAX_ENTRIES, dropping the least recently used', async () => {
    const cache = new OrgReadCache({ max: 3, maxBytes: 1_000_000, ttlMs: 0 })
    expect(await fill(cache, 5)).toEqual(['org_002', 'org_003', 'org_004'])
    expect(cache.stats().entries).toBe(3)
  })

  it('counts a config with characters beyond Latin-1 at two bytes each', async () => {
    const cache = new OrgReadCache({ max: 10, maxBytes: 1_000_000, ttlMs: 0 })
    await cache.view('org_a', async () => toView(record('org_a', { client_id: 'klient-a' })))
    const latin1 = cache.stats().bytes
    cache.clear()
    const view = toView(record('org_a', { client_id: 'klient-α' }))
    await cache.view('org_a', async () => view)
    expect(cache.stats().bytes).toBe(latin1 + view.full.length)
  })

  it('caches a miss, and answers it as none', async () => {
    const cache = new OrgReadCache({ max: 10, maxBytes: 1_000_000, ttlMs: 0 })
    let loads = 0
    const load = async () => {
      loads++
      return undefined
    }
    expect(await cache.view('org_gone', load)).toBeUndefined()
    expect(await cache.view('org_gone', load)).toBeUndefined()
    expect(cache.peekView('org_gone')).toBeUndefined()
    expect(loads).toBe(1)
  })

  it('is off with CACHE_MAX_BYTES=0 (or CACHE_MAX_ENTRIES=0): every read loads', async () => {
    for (const options of [{ max: 10, maxBytes: 0 }, { max: 0, maxBytes: 1_000_000 }]) {
      const cache = new OrgReadCache({ ...options, ttlMs: 0 })
      let loads = 0
      const load = async (): Promise<OrgView> => {
        loads++
        return toView(record('org_a'))
      }
      await cache.view('org_a', load)
      await cache.view('org_a', load)
      expect(cache.peekView('org_a')).toBeUndefined()
      expect(loads).toBe(2)
      expect(await cache.list('page', async () => ({ items: [], total: loads }))).toEqual({ items: [], total: 2 })
      expect(await cache.list('page', async () => ({ items: [], total: 3 }))).toEqual({ items: [], total: 3 })
    }
  })

  it('keys a config with the string sharedKey gives for its org_id', async () => {
    const asked: string[] = []
    const cache = new OrgReadCache({ max: 10, maxBytes: 1_000_000, ttlMs: 0, sharedKey: (orgId) => (asked.push(orgId), orgId === 'org_a' ? 'org_a' : undefined) })
    const url = '/api/v1/vipps-orgs/org_a/status'
    await cache.view(url.slice(19, -7), async () => toView(record('org_a')))
    await cache.view('org_b', async () => toView(record('org_b')))
    expect(asked).toEqual(['org_a', 'org_b'])
    expect(cache.peekView('org_a')).toBeDefined()
    expect(cache.peekView('org_b')).toBeDefined()
  })
})
