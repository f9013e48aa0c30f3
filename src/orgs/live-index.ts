import type { Environment } from './fields.js'
import type { OrgSummary } from './schemas.js'
import { SortedList } from './sorted-list.js'
import type { ListFilter } from './store.js'

/** What the index keeps of a live org: enough to filter, order and search, nothing to serve. */
interface Entry {
  org_id: string
  created_at: string
  environment: Environment
  vipps_enabled: boolean
  /** client_id with A–Z as a–z (as SQL lower() does on SQLite): what `q` is matched against. */
  client_key: string
}

/** Where the index reads live orgs from: all of them, or those of some org_ids (the others are gone). */
export interface LiveOrgSource {
  liveSummaries(orgIds?: readonly string[]): Promise<OrgSummary[]>
}

export type SearchFilter = Pick<ListFilter, 'environment' | 'vipps_enabled' | 'q'>

/** The org_ids of one page, in list order, and the number of all matches. */
export interface IndexPage {
  orgIds: string[]
  total: number
}

/** Every combination of the list's filters other than `q`: one list order each. */
const FILTERS: SearchFilter[] = [undefined, 'production' as const, 'test' as const].flatMap((environment) =>
  [undefined, true, false].map((vipps_enabled) => ({ ...(environment ? { environment } : {}), ...(vipps_enabled === undefined ? {} : { vipps_enabled }) }))
)
const MAX_BATCH = 500
/** Above one org in this many matching by prefix, a search scans the list order instead of sorting the matches. */
const BROAD_SEARCH_SHARE = 16
/**
 * Searches whose matches are kept (and changed with every write) for the next page: at most this
 * many, and together at most twice as many entries as the index holds (1.6 MB at 100,000 orgs).
 */
const MAX_SEARCHES = 8
/** A list waits for at most this many rounds of refreshes under a stream of writes, then answers. */
const MAX_SETTLE_ROUNDS = 4

/** A–Z to a–z only: the same on both databases' lower() for ASCII, and stable across locales. */
export function searchKey(value: string): string {
  return /[A-Z]/.test(value) ? value.replace(/[A-Z]+/g, (s) => s.toLowerCase()) : value
}

const byListOrder = (a: Entry, b: Entry) =>
  a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : a.org_id < b.org_id ? -1 : a.org_id > b.org_id ? 1 : 0
const byOrgId = (a: Entry, b: Entry) => (a.org_id < b.org_id ? -1 : a.org_id > b.org_id ? 1 : 0)
const byClientKey = (a: Entry, b: Entry) =>
  a.client_key < b.client_key ? -1 : a.client_key > b.client_key ? 1 : byOrgId(a, b)

/** The two environments as the constants of this module: an entry's own copy would be a string per org. */
const ENVIRONMENT_NAMES: Record<string, Environment> = { production: 'production', test: 'test' }

/**
 * An entry of a summary. `sameSecond` is an entry that may share its created_at: orgs created in
 * the same second (a bulk import) then hold one timestamp string between them instead of one each.
 */
function entryOf(summary: OrgSummary, sameSecond?: Entry): Entry {
  return {
    org_id: summary.org_id,
    created_at: sameSecond?.created_at === summary.created_at ? sameSecond.created_at : summary.created_at,
    environment: ENVIRONMENT_NAMES[summary.environment] ?? summary.environment,
    vipps_enabled: summary.vipps_enabled,
    client_key: searchKey(summary.client_id)
  }
}

/** The positions [from, to) of the entries whose key starts with `prefix`; the list is sorted by that key. */
function prefixRange(sorted: SortedList<Entry>, prefix: string, key: (e: Entry) => string): readonly [number, number] {
  const from = sorted.findFirst((e) => key(e) >= prefix)
  return [from, sorted.findFirst((e) => key(e) >= prefix && !key(e).startsWith(prefix))]
}

/** A search kept with its matches in list order, and changed with every change to the index. */
interface Search {
  filter: SearchFilter
  /** The search key of q (A–Z folded). */
  prefix: string
  matches: SortedList<Entry>
}

/** Whether an entry's org_id or client id starts with a search's prefix (its search key). */
function hasPrefix(e: Entry, prefix: string): boolean {
  return e.org_id.startsWith(prefix) || e.client_key.startsWith(prefix)
}

/** Whether an entry is one of a search's matches. */
function matches(search: Search, e: Entry): boolean {
  return passes(search.filter, e) && hasPrefix(e, search.prefix)
}

/** The key of the order (in `ordered`) that holds the orgs passing a filter: `environment:vipps_enabled`, '' for either. */
function filterKey(filter: SearchFilter): string {
  return `${filter.environment ?? ''}:${filter.vipps_enabled ?? ''}`
}

/** Whether an entry passes the list's filters other than `q`. */
function passes(filter: SearchFilter, e: Entry): boolean {
  return (filter.environment === undefined || e.environment === filter.environment) && (filter.vipps_enabled === undefined || e.vipps_enabled === filter.vipps_enabled)
}

function pageOf(matches: SortedList<Entry>, offset: number, limit: number): IndexPage {
  return { orgIds: matches.slice(offset, offset + limit).map((e) => e.org_id), total: matches.length }
}

/**
 * The live orgs in list order, in memory, so a page costs O(limit) plus a walk over the chunk
 * lengths (100 per 100,000 orgs), and its total O(1). One sorted list per combination of the
 * list's filters, two for the prefix search (org_id, client id), and the matches of the latest
 * searches (a search's first page finds them: see matchesOf); a change to an org moves one chunk
 * of each list it is in, never the whole list. It holds order and membership only: the rows of a
 * page are read from the database by org_id. Kept fresh by the read cache's invalidations (this instance's writes and the
 * change listener's notifications): an invalidated org_id is read again, in batches, and a list
 * waits for the refreshes heard before it. While suspended (changes may go unheard) or not loaded,
 * it answers nothing and lists go to the database.
 */
export class LiveOrgIndex {
  private readonly ordered = new Map<string, SortedList<Entry>>()
  private byOrgId = new SortedList(byOrgId)
  private byClientKey = new SortedList(byClientKey)
  /** The matches of the latest searches, by filter and prefix, least recently used first. */
  private readonly searches = new Map<string, Search>()
  private state: 'off' | 'loading' | 'ready' = 'off'
  private suspended = false
  private readonly stale = new Set<string>()
  private work: Promise<void> | undefined
  // Bumped by every reload and suspend: work started before must not apply what it read.
  private epoch = 0

  constructor(private readonly source: LiveOrgSource) {
    this.reset()
  }

  /** Loads every live org (in the background); lists use the database until it is done. */
  start(): void {
    this.reload()
  }

  /** Resolves when the load or refresh under way is over (successful or not). */
  ready(): Promise<void> {
    return this.settledWork()
  }

  get size(): number {
    return this.byOrgId.length
  }

  invalidate(orgId: string): void {
    if (this.state === 'off') return
    this.stale.add(orgId)
    this.kick()
  }

  suspend(): void {
    this.suspended = true
    this.epoch++
    this.state = 'off'
    this.stale.clear()
    this.reset()
  }

  resume(): void {
    this.suspended = false
    this.reload()
  }

  /**
   * One page of the matches, once every change heard so far is applied; undefined when the index
   * cannot answer (suspended, not loaded, or its last read failed: then it loads again).
   */
  async page(filter: SearchFilter & Pick<ListFilter, 'orgIds'>, offset: number, limit: number): Promise<IndexPage | undefined> {
    if (this.suspended) return undefined
    if (this.state === 'off' && !this.work) this.reload()
    for (let round = 0; round < MAX_SETTLE_ROUNDS && this.work; round++) await this.settledWork()
    if (this.state !== 'ready') return undefined
    if (filter.orgIds !== undefined) return this.scopedPage(filter, filter.orgIds, offset, limit)
    if (filter.q !== undefined) return this.search(filter, filter.q, offset, limit)
    return pageOf(this.orderedFor(filter), offset, limit)
  }

  /**
   * A page among some orgs only (a grant limited to at most 1,000): each is found by its org_id,
   * the matches sorted into list order. O(k log N), whatever the number of orgs besides.
   */
  private scopedPage(filter: SearchFilter, orgIds: readonly string[], offset: number, limit: number): IndexPage {
    const prefix = filter.q === undefined ? undefined : searchKey(filter.q)
    const found: Entry[] = []
    for (const orgId of new Set(orgIds)) {
      const e = this.find(orgId)
      if (e && passes(filter, e) && (prefix === undefined || hasPrefix(e, prefix))) found.push(e)
    }
    found.sort(byListOrder)
    return { orgIds: found.slice(offset, offset + limit).map((e) => e.org_id), total: found.length }
  }

  private orderedFor(filter: SearchFilter): SortedList<Entry> {
    return this.ordered.get(filterKey(filter))!
  }

  private search(filter: SearchFilter, q: string, offset: number, limit: number): IndexPage {
    return pageOf(this.matchesOf(filter, searchKey(q)).matches, offset, limit)
  }

  /**
   * The matches of a search in list order: kept from an earlier request (and kept up to date by
   * every change since), or found now. Finding them: a prefix few orgs match collects them from
   * the two sorted ranges (org_id, client id) and sorts them; one many match walks the filter's
   * list order once, which is cheaper than sorting half the orgs.
   */
  private matchesOf(filter: SearchFilter, prefix: string): Search {
    const key = `${filterKey(filter)}:${prefix}`
    const kept = this.searches.get(key)
    if (kept) {
      // The most recently used last: the first is the first to go.
      this.searches.delete(key)
      this.searches.set(key, kept)
      return kept
    }
    const [idFrom, idTo] = prefixRange(this.byOrgId, prefix, (e) => e.org_id)
    const [keyFrom, keyTo] = prefixRange(this.byClientKey, prefix, (e) => e.client_key)
    const found: Entry[] = []
    if ((idTo - idFrom + keyTo - keyFrom) * BROAD_SEARCH_SHARE > this.byOrgId.length) {
      // The filter's own order holds only orgs that pass it: the prefix is all there is to check.
      for (const [chunk] of this.orderedFor(filter).spans(0)) {
        for (const e of chunk) if (hasPrefix(e, prefix)) found.push(e)
      }
    } else {
      for (const e of this.byOrgId.slice(idFrom, idTo)) if (passes(filter, e)) found.push(e)
      // An org whose org_id and client id both match is in both ranges: counted once.
      for (const e of this.byClientKey.slice(keyFrom, keyTo)) if (passes(filter, e) && !e.org_id.startsWith(prefix)) found.push(e)
      found.sort(byListOrder)
    }
    const search: Search = { filter, prefix, matches: SortedList.fromSorted(found, byListOrder) }
    this.searches.set(key, search)
    let held = [...this.searches.values()].reduce((sum, kept) => sum + kept.matches.length, 0)
    for (const [oldest, kept] of this.searches) {
      if (this.searches.size <= 1 || (this.searches.size <= MAX_SEARCHES && held <= 2 * this.byOrgId.length)) break
      this.searches.delete(oldest)
      held -= kept.matches.length
    }
    return search
  }

  private reset(): void {
    this.searches.clear()
    for (const filter of FILTERS) this.ordered.set(filterKey(filter), new SortedList(byListOrder))
    this.byOrgId = new SortedList(byOrgId)
    this.byClientKey = new SortedList(byClientKey)
  }

  /**
   * The index's own string of a live org's id, for others to share (one string per org, not
   * one each); undefined when the org is not in the index.
   */
  orgIdOf(orgId: string): string | undefined {
    return this.find(orgId)?.org_id
  }

  /** The entry of an org_id: a binary search of the org_id order (the index keeps no map besides). */
  private find(orgId: string): Entry | undefined {
    const found = this.byOrgId.first((e) => e.org_id >= orgId)
    return found?.org_id === orgId ? found : undefined
  }

  /** `previous`: the entry this org had before its refresh, whose org_id string is kept. */
  private add(summary: OrgSummary, previous?: Entry): void {
    // New orgs are the newest: the one before is the likeliest to share the second.
    const entry = entryOf(summary, this.ordered.get(':')!.last())
    if (previous) entry.org_id = previous.org_id
    for (const key of this.keysOf(entry)) this.ordered.get(key)!.insert(entry)
    this.byOrgId.insert(entry)
    this.byClientKey.insert(entry)
    for (const search of this.searches.values()) if (matches(search, entry)) search.matches.insert(entry)
  }

  /**
   * A change that leaves an org where it is in every list order (same created_at, environment and
   * switch: most updates) is made to its entry where it stands: only the client id order, and the
   * kept searches it may join or leave, move. False when the org must move (remove, then add).
   */
  private changeInPlace(entry: Entry, summary: OrgSummary): boolean {
    if (entry.created_at !== summary.created_at || entry.environment !== summary.environment || entry.vipps_enabled !== summary.vipps_enabled) return false
    const clientKey = searchKey(summary.client_id)
    if (clientKey === entry.client_key) return true
    const before = [...this.searches.values()].map((search) => matches(search, entry))
    this.byClientKey.delete(entry)
    entry.client_key = clientKey
    this.byClientKey.insert(entry)
    ;[...this.searches.values()].forEach((search, i) => {
      const after = matches(search, entry)
      if (before[i] && !after) search.matches.delete(entry)
      else if (!before[i] && after) search.matches.insert(entry)
    })
    return true
  }

  private remove(orgId: string): Entry | undefined {
    const entry = this.find(orgId)
    if (!entry) return undefined
    for (const key of this.keysOf(entry)) this.ordered.get(key)!.delete(entry)
    this.byOrgId.delete(entry)
    this.byClientKey.delete(entry)
    for (const search of this.searches.values()) if (matches(search, entry)) search.matches.delete(entry)
    return entry
  }

  /** The keys of the orders an entry is in: no filter, its environment, its switch, and both. */
  private keysOf({ environment, vipps_enabled }: Entry): string[] {
    return [filterKey({}), filterKey({ environment }), filterKey({ vipps_enabled }), filterKey({ environment, vipps_enabled })]
  }

  private reload(): void {
    const epoch = ++this.epoch
    this.state = 'loading'
    this.stale.clear()
    this.run(async () => {
      const all = await this.source.liveSummaries()
      if (epoch !== this.epoch) return
      this.reset()
      // Sorted once, then cut into chunks: inserting 100,000 entries one by one costs a search each.
      const entries = all.map((summary) => entryOf(summary)).sort(byListOrder)
      for (let i = 1; i < entries.length; i++) {
        if (entries[i]!.created_at === entries[i - 1]!.created_at) entries[i]!.created_at = entries[i - 1]!.created_at
      }
      const ordered = new Map([...this.ordered.keys()].map((key) => [key, [] as Entry[]]))
      for (const entry of entries) {
        for (const key of this.keysOf(entry)) ordered.get(key)!.push(entry)
      }
      for (const [key, sorted] of ordered) this.ordered.set(key, SortedList.fromSorted(sorted, byListOrder))
      this.byOrgId = SortedList.fromSorted(entries.sort(byOrgId), byOrgId)
      this.byClientKey = SortedList.fromSorted([...entries].sort(byClientKey), byClientKey)
      this.state = 'ready'
    }, epoch)
  }

  /** Reads the invalidated org_ids again, a batch at a time, one batch in flight. */
  private kick(): void {
    if (this.work || this.state !== 'ready' || this.stale.size === 0) return
    const epoch = this.epoch
    const batch = [...this.stale].slice(0, MAX_BATCH)
    for (const orgId of batch) this.stale.delete(orgId)
    this.run(async () => {
      const live = new Map((await this.source.liveSummaries(batch)).map((summary) => [summary.org_id, summary]))
      if (epoch !== this.epoch) return
      for (const orgId of batch) {
        const summary = live.get(orgId)
        const entry = this.find(orgId)
        if (entry && summary && this.changeInPlace(entry, summary)) continue
        const removed = entry && this.remove(orgId)
        if (summary) this.add(summary, removed)
      }
    }, epoch)
  }

  private run(task: () => Promise<void>, epoch: number): void {
    const done: Promise<void> = task()
      .catch(() => {
        // What is in memory may now be behind: answer nothing until a full load succeeds.
        if (epoch === this.epoch) {
          this.state = 'off'
          this.reset()
        }
      })
      .finally(() => {
        if (this.work === done) this.work = undefined
        this.kick()
      })
    this.work = done
  }

  private async settledWork(): Promise<void> {
    await this.work
  }
}
