import { describe, expect, it } from 'vitest'
import { LiveOrgIndex, type LiveOrgSource, type SearchFilter } from '../../src/orgs/live-index.js'
import type { OrgSummary } from '../../src/orgs/schemas.js'

/** A source whose rows the test changes behind the index's back, as another instance would. */
function source(rows: OrgSummary[]) {
  const live = new Map(rows.map((r) => [r.org_id, r]))
  let reads = 0
  let failing = false
  const src: LiveOrgSource = {
    async liveSummaries(orgIds) {
      reads++
      if (failing) throw new Error('database down')
      return orgIds === undefined ? [...live.values()] : orgIds.flatMap((id) => live.get(id) ?? [])
    }
  }
  return { src, live, reads: () => reads, fail: (on: boolean) => (failing = on) }
}

const org = (n: number, extra: Partial<OrgSummary> = {}): OrgSummary => ({
  org_id: `org_${String(n).padStart(4, '0')}`,
  client_id: `Client-${n}`,
  vipps_enabled: n % 3 !== 0,
  environment: n % 2 === 0 ? 'test' : 'production',
  created_at: `2026-03-26T10:${String(Math.floor(n / 60) % 60).padStart(2, '0')}:${String(n % 60).padStart(2, '0')}Z`,
  ...extra
})

const inListOrder = (rows: Iterable<OrgSummary>) => [...rows].sort((a, b) => (a.created_at === b.created_at ? (a.org_id < b.org_id ? -1 : 1) : a.created_at < b.created_at ? -1 : 1))

/** The org_ids a list with `filter` answers, worked out from the rows themselves. */
function expectedIds(rows: Iterable<OrgSummary>, filter: SearchFilter): string[] {
  const q = filter.q?.toLowerCase()
  return inListOrder(rows)
    .filter(
      (r) =>
        (filter.vipps_enabled === undefined || r.vipps_enabled === filter.vipps_enabled) &&
        (filter.environment === undefined || r.environment === filter.environment) &&
        (q === undefined || r.org_id.startsWith(q) || r.client_id.toLowerCase().startsWith(q))
    )
    .map((r) => r.org_id)
}

describe('LiveOrgIndex', () => {
  it('pages every filter in list order with the total, as a sort of all rows would', async () => {
    // One org in seven has a client id that starts like its org_id: it matches such a q twice, and counts once.
    const rows = Array.from({ length: 500 }, (_, i) => org(499 - i)).map((r, i) => (i % 7 === 0 ? { ...r, client_id: `ORG_${r.org_id.slice(4)}-x` } : r))
    const { src } = source(rows)
    const index = new LiveOrgIndex(src)
    index.start()
    const ordered = inListOrder(rows)
    for (const filter of [{}, { vipps_enabled: true }, { vipps_enabled: false, environment: 'test' as const }, { q: 'client-1' }, { q: 'org_00', vipps_enabled: true }, { q: 'org_042' }, { q: 'client-42', environment: 'test' as const }, { q: 'org_01' }, { q: 'org_01', environment: 'test' as const }, { q: 'org_010' }, { q: 'client-1', environment: 'production' as const }, { q: 'client-2', vipps_enabled: false }]) {
      const all = ordered.filter(
        (r) =>
          (filter.vipps_enabled === undefined || r.vipps_enabled === filter.vipps_enabled) &&
          (!('environment' in filter) || r.environment === filter.environment) &&
          (!('q' in filter) || r.org_id.startsWith(filter.q!) || r.client_id.toLowerCase().startsWith(filter.q!))
      )
      // The first page, one inside, the last (full or not), and one past the end.
      for (const offset of [0, 20, Math.max(0, all.length - 7), Math.max(0, all.length - 10), all.length + 5]) {
        const page = await index.page(filter, offset, 10)
        expect(page, `${JSON.stringify(filter)} at ${offset}`).toEqual({ orgIds: all.slice(offset, offset + 10).map((r) => r.org_id), total: all.length })
      }
    }
  })

  it('keeps the matches of the latest searches up to date through creates, changes and deletes', async () => {
    const rows = Array.from({ length: 400 }, (_, i) => org(i))
    const { src, live } = source(rows)
    const index = new LiveOrgIndex(src)
    index.start()
    // Broad ("client-": every org), narrow, with and without other filters: as many as are kept.
    const searches: SearchFilter[] = [
      { q: 'client-' },
      { q: 'org_00', vipps_enabled: true },
      { q: 'client-1', environment: 'test' },
      { q: 'org_01' },
      { q: 'client-2', vipps_enabled: false },
      { q: 'org_02', environment: 'production' },
      { q: 'client-39' },
      { q: 'new' }
    ]
    const check = async (when: string) => {
      for (const filter of searches) {
        const all = expectedIds(live.values(), filter)
        for (const offset of [0, Math.max(0, all.length - 5)]) {
          expect(await index.page(filter, offset, 10), `${when}: ${JSON.stringify(filter)} at ${offset}`).toEqual({ orgIds: all.slice(offset, offset + 10), total: all.length })
        }
      }
    }
    await check('before')
    for (let round = 0; round < 3; round++) {
      const changed: string[] = []
      for (let k = 0; k < 40; k++) {
        const n = (k * 37 + round * 101) % 400
        const id = org(n).org_id
        if (k % 4 === 0) live.delete(id)
        else if (k % 4 === 1) live.set(id, { ...org(n), client_id: `New-${round}-${k}` })
        else if (k % 4 === 2) live.set(id, { ...org(n), vipps_enabled: !org(n).vipps_enabled, environment: n % 2 === 0 ? 'production' : 'test' })
        else live.set(`new_${round}_${k}`, org(1000 + round * 100 + k, { org_id: `new_${round}_${k}`, client_id: `client-${k}` }))
        changed.push(k % 4 === 3 ? `new_${round}_${k}` : id)
      }
      for (const id of changed) index.invalidate(id)
      await check(`after round ${round + 1} of changes`)
    }
    // Searches more than are kept: the least recently used go, and are found again when asked for.
    // A new search on the changed client ids ("New-1-…") finds them by the client id order.
    searches.push({ q: 'org_03' }, { q: 'client-3', environment: 'test' }, { q: 'new-1' })
    await check('with more searches than are kept')
  })

  it('reads an invalidated org again before the next page; a deleted one leaves', async () => {
    const { src, live } = source([org(1), org(2)])
    const index = new LiveOrgIndex(src)
    index.start()
    live.set('org_0001', { ...org(1), vipps_enabled: false })
    live.delete('org_0002')
    live.set('org_0003', org(4, { org_id: 'org_0003' }))
    for (const id of ['org_0001', 'org_0002', 'org_0003']) index.invalidate(id)
    expect(await index.page({ vipps_enabled: false }, 0, 10)).toEqual({ orgIds: ['org_0001'], total: 1 })
    expect(await index.page({}, 0, 10)).toEqual({ orgIds: ['org_0001', 'org_0003'], total: 2 })
  })

  it('answers nothing while suspended, and loads again on resume', async () => {
    const { src, live } = source([org(1)])
    const index = new LiveOrgIndex(src)
    index.start()
    expect(await index.page({ q: 'client' }, 0, 10)).toEqual({ orgIds: ['org_0001'], total: 1 })
    index.suspend()
    // Changes while suspended go unheard: nothing kept from before (a search's matches included) may answer.
    live.set('org_0002', org(2))
    live.delete('org_0001')
    expect(await index.page({}, 0, 10)).toBeUndefined()
    index.resume()
    expect(await index.page({}, 0, 10)).toEqual({ orgIds: ['org_0002'], total: 1 })
    expect(await index.page({ q: 'client' }, 0, 10)).toEqual({ orgIds: ['org_0002'], total: 1 })
  })

  it('after a failed read answers nothing, then loads again on the next page', async () => {
    const { src, live, fail } = source([org(1)])
    const index = new LiveOrgIndex(src)
    index.start()
    await index.ready()
    fail(true)
    index.invalidate('org_0001')
    expect(await index.page({}, 0, 10)).toBeUndefined()
    fail(false)
    live.set('org_0002', org(2))
    expect(await index.page({}, 0, 10)).toEqual({ orgIds: ['org_0001', 'org_0002'], total: 2 })
  })

  it('knows each live org by its id (orgIdOf), through creates, changes and deletes', async () => {
    const rows = Array.from({ length: 200 }, (_, i) => org(i))
    const { src, live } = source(rows)
    const index = new LiveOrgIndex(src)
    index.start()
    await index.ready()
    expect(index.size).toBe(200)
    expect(index.orgIdOf('org_0123')).toBe('org_0123')
    expect(index.orgIdOf('org_0200')).toBeUndefined()
    expect(index.orgIdOf('org_01')).toBeUndefined()
    live.delete('org_0123')
    live.set('org_0124', { ...org(124), environment: 'production', vipps_enabled: false })
    live.set('org_0200', org(200))
    for (const id of ['org_0123', 'org_0124', 'org_0200']) index.invalidate(id)
    expect(await index.page({ vipps_enabled: false, environment: 'production' }, 0, 100)).toMatchObject({
      total: [...live.values()].filter((r) => !r.vipps_enabled && r.environment === 'production').length
    })
    expect(index.size).toBe(200)
    expect([index.orgIdOf('org_0123'), index.orgIdOf('org_0124'), index.orgIdOf('org_0200')]).toEqual([undefined, 'org_0124', 'org_0200'])
    expect((await index.page({}, 0, 500))!.orgIds).toEqual([...live.values()].sort((a, b) => (a.created_at === b.created_at ? (a.org_id < b.org_id ? -1 : 1) : a.created_at < b.created_at ? -1 : 1)).map((r) => r.org_id))
  })
})
