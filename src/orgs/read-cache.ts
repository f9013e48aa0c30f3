import { LRUCache } from 'lru-cache'
import type { OrgSummary } from './schemas.js'
import type { Page } from './store.js'
import type { OrgView } from './views.js'

interface Entry<V> {
  value: V
}

/** One bounded map of loaded values, with concurrent loads of a key coalesced into one. */
class Slot<V> {
  readonly entries: LRUCache<string, Entry<V>>
  readonly loading = new Map<string, Promise<V>>()

  constructor(max: number, ttlMs: number, sizeOf?: (value: V, key: string) => number) {
    this.entries = new LRUCache<string, Entry<V>>({
      max,
      ...(ttlMs > 0 ? { ttl: ttlMs } : {}),
      // Counted (for the metrics), not limited: max bounds the entries.
      ...(sizeOf ? { sizeCalculation: (entry: Entry<V>, key: string) => Math.max(1, sizeOf(entry.value, key)), maxEntrySize: 2 ** 30 } : {})
    })
  }

  clear(): void {
    this.loading.clear()
    this.entries.clear()
  }
}

/** Roughly what an entry holds: its strings (one byte a character for these) and some overhead. */
function viewBytes(view: OrgView | undefined, key: string): number {
  return 96 + key.length + (view ? 64 + view.etag.length + view.full.length + view.status.length : 0)
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
  private readonly configs: Slot<OrgView | undefined> | undefined
  private readonly lists: Slot<Page<OrgSummary>> | undefined
  // Bumped by every invalidation: a load that started before one must not fill the cache with
  // what it read, since that may be the value the invalidation was about.
  private generation = 0
  // While suspended (changes may go unheard) every read goes to the database.
  private suspended = false
  private hits = 0
  private misses = 0

  constructor(options: { max: number; ttlMs: number; listMax?: number }) {
    if (options.max > 0) this.configs = new Slot(options.max, options.ttlMs, viewBytes)
    const listMax = options.listMax ?? Math.min(options.max, 1_000)
    if (listMax > 0) this.lists = new Slot(listMax, options.ttlMs)
  }

  view(orgId: string, load: () => Promise<OrgView | undefined>): Promise<OrgView | undefined> {
    return this.read(this.configs, orgId, load)
  }

  /** The cached view of a live org, without a promise (the hot path); undefined when not cached as live. */
  peekView(orgId: string): OrgView | undefined {
    if (!this.configs || this.suspended) return undefined
    const view = this.configs.entries.get(orgId)?.value
    if (view) this.hits++
    return view
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

  private read<V>(slot: Slot<V> | undefined, key: string, load: () => Promise<V>): Promise<V> {
    if (!slot || this.suspended) return load()
    const hit = slot.entries.get(key)
    const counted = slot === (this.configs as Slot<unknown> | undefined)
    if (hit) {
      if (counted) this.hits++
      return Promise.resolve(hit.value)
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
        if (generation === this.generation) slot.entries.set(key, { value })
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
