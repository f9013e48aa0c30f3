import { describe, expect, it } from 'vitest'
import { LiveOrgIndex, type LiveOrgSource } from '../../src/orgs/live-index.js'
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

describe('LiveOrgIndex', () => {
  it('pages every filter in list order with the total, as a sort of all rows would', async () => {
    // One org in seven has a client id that starts like its org_id: it matches such a q twice, and counts once.
    const rows = Array.from({ length: 500 }, (_, i) => org(499 - i)).map((r, i) => (i % 7 === 0 ? { ...r, client_id: `ORG_${r.org_id.slice(4)}-x` } : r))
    const { src } = source(rows)
    const index = new LiveOrgIndex(src)
    index.start()
    const ordered = [...rows].sort((a, b) => (a.created_at === b.created_at ? (a.org_id < b.org_id ? -1 : 1) : a.created_at < b.created_at ? -1 : 1))
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
    index.suspend()
    live.set('org_0002', org(2))
    expect(await index.page({}, 0, 10)).toBeUndefined()
    index.resume()
    expect(await index.page({}, 0, 10)).toEqual({ orgIds: ['org_0001', 'org_0002'], total: 2 })
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
