import { LRUCache } from 'lru-cache'
import type { OrgSummary } from './schemas.js'
import type { Page } from './store.js'
import { flatCopy, type OrgView } from './views.js'

/** What the cache holds for an org_id known not to be live (a miss is cached too). */
const KNOWN_MISS: object = Object.freeze({})

/**
 * One bounded map of loaded values, with concurrent loads of a key coalesced into one. Bounded
 * by entries and, with sizeOf, by bytes too; nothing is set aside for entries not yet made (a
 * cache with room for 200,000 entries holding 1,000 costs 1,000).
 */
class Slot<V extends object> {
  readonly entries: LRUCache<string, V>
  readonly loading = new Map<string, Promise<V>>()

  constructor(
    private readonly maxEntries: number,
    ttlMs: number,
    sizeOf?: { maxBytes: number; of: (value: V, key: string) => number },
    private readonly sharedKey?: (key: string) => string | undefined
  ) {
    this.entries = new LRUCache<string, V>({
      // lru-cache allocates its lists for `max` entries up front: the entry count is kept in set().
      ...(sizeOf ? { maxSize: sizeOf.maxBytes, sizeCalculation: (value: V, key: string) => Math.max(1, sizeOf.of(value, key)) } : { max: maxEntries }),
      ...(ttlMs > 0 ? { ttl: ttlMs } : {})
    })
  }

  set(key: string, value: V): void {
    // A string another part already holds for this key, else one of its own: a key cut from a
    // request's URL would keep the whole URL.
    this.entries.set(this.sharedKey?.(key) ?? flatCopy(key), value)
    if (this.entries.size > this.maxEntries) this.entries.pop()
  }

  clear(): void {
    this.loading.clear()
    this.entries.clear()
  }
}

/** Bytes a string takes in V8: a header, then one byte a character (two if any is beyond Latin-1). */
function stringBytes(text: string): number {
  return 16 + (/[^\u0000-\u00ff]/.test(text) ? 2 * text.length : text.length)
}

/**
 * Roughly what an entry holds: its key and strings, the view object, and the cache's
 * bookkeeping (map slot, list links, size). The ETags of the first versions are shared; the
 * status is built from the full JSON when read.
 */
function entryBytes(value: OrgView | object, key: string): number {
  const view = value === KNOWN_MISS ? undefined : (value as OrgView)
  return 112 + stringBytes(key) + (view ? 48 + stringBytes(view.full) + (view.etag.length > 4 ? stringBytes(view.etag) : 0) : 0)
}

export interface ReadCacheOptions {
  /** Most configs (and known misses) held; 0 turns the cache off. */
  max: number
  /** Most bytes they may take (estimated by entryBytes); 0 turns the cache off. */
  maxBytes: number
  /** Longest an entry lives; 0: no limit. */
  ttlMs: number
  /** Most list pages held; default min(max, 1,000). */
  listMax?: number
  /** The string something else already holds for an org_id (the list index's), to key its config with. */
  sharedKey?: (orgId: string) => string | undefined
}

export interface ReadCacheStats {
  hits: number
  misses: number
  entries: number
  bytes: number
}

/**
 * What the hot reads need, in memory: live configs as served (and known misses) by org_id, and list pages
 * by query. Bounded in size and age. Every write invalidates its org_id and every list page,
 * on this instance at once and on the others through the change listener.
 */
export class OrgReadCache {
  private readonly configs: Slot<OrgView | object> | undefined
  private readonly lists: Slot<Page<OrgSummary>> | undefined
  // Bumped by every invalidation: a load that started before one must not fill the cache with
  // what it read, since that may be the value the invalidation was about.
  private generation = 0
  // While suspended (changes may go unheard) every read goes to the database.
  private suspended = false
  private hits = 0
  private misses = 0

  constructor(options: ReadCacheOptions) {
    if (options.max > 0 && options.maxBytes > 0) this.configs = new Slot(options.max, options.ttlMs, { maxBytes: options.maxBytes, of: entryBytes }, options.sharedKey)
    const listMax = options.listMax ?? Math.min(this.configs ? options.max : 0, 1_000)
    if (listMax > 0) this.lists = new Slot(listMax, options.ttlMs)
  }

  async view(orgId: string, load: () => Promise<OrgView | undefined>): Promise<OrgView | undefined> {
    const value = await this.read(this.configs, orgId, async () => (await load()) ?? KNOWN_MISS)
    return value === KNOWN_MISS ? undefined : (value as OrgView)
  }

  /** The cached view of a live org, without a promise (the hot path); undefined when not cached as live. */
  peekView(orgId: string): OrgView | undefined {
    if (!this.configs || this.suspended) return undefined
    const value = this.configs.entries.get(orgId)
    if (value === undefined || value === KNOWN_MISS) return undefined
    this.hits++
    return value as OrgView
  }

  /** Of the configs (not the list pages): lookups answered from memory and not, entries, bytes. */
  stats(): ReadCacheStats {
    const entries = this.configs?.entries
    return { hits: this.hits, misses: this.misses, entries: entries?.size ?? 0, bytes: entries?.calculatedSize ?? 0 }
  }

  list(key: string, load: () => Promise<Page<OrgSummary>>): Promise<Page<OrgSummary>> {
    return this.read(this.lists, key, load)
  }

  /** A write changed this org_id: its config and every list page may be different now. */
  invalidate(orgId: string): void {
    this.generation++
    this.configs?.loading.delete(orgId)
    this.configs?.entries.delete(orgId)
    this.lists?.clear()
  }

  /**
   * A write committed and this is the config it wrote: what may be stale is dropped as by
   * `invalidate` (a load begun before it stores nothing), and the new config is kept, so the next
   * read and the next write of the org start from memory.
   */
  written(orgId: string, view: OrgView): void {
    this.invalidate(orgId)
    if (this.configs && !this.suspended) this.configs.set(orgId, view)
  }

  clear(): void {
    this.generation++
    this.configs?.clear()
    this.lists?.clear()
  }

  /** Empties the cache and stops filling it until resume(). */
  suspend(): void {
    this.suspended = true
    this.clear()
  }

  resume(): void {
    this.clear()
    this.suspended = false
  }

  private read<V extends object>(slot: Slot<V> | undefined, key: string, load: () => Promise<V>): Promise<V> {
    if (!slot || this.suspended) return load()
    const hit = slot.entries.get(key)
    const counted = (slot as unknown) === this.configs
    if (hit !== undefined) {
      if (counted) this.hits++
      return Promise.resolve(hit)
    }
    if (counted) this.misses++
    const pending = slot.loading.get(key)
    if (pending) return pending
    const generation = this.generation
    const settle = () => {
      if (slot.loading.get(key) === loaded) slot.loading.delete(key)
    }
    const loaded = load().then(
      (value) => {
        settle()
        if (generation === this.generation) slot.set(key, value)
        return value
      },
      (err: unknown) => {
        settle()
        throw err
      }
    )
    slot.loading.set(key, loaded)
    return loaded
  }
}
