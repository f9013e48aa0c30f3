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

  constructor(max: number, ttlMs: number) {
    this.entries = new LRUCache<string, Entry<V>>({ max, ...(ttlMs > 0 ? { ttl: ttlMs } : {}) })
  }

  clear(): void {
    this.loading.clear()
    this.entries.clear()
  }
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

  constructor(options: { max: number; ttlMs: number; listMax?: number }) {
    if (options.max > 0) this.configs = new Slot(options.max, options.ttlMs)
    const listMax = options.listMax ?? Math.min(options.max, 1_000)
    if (listMax > 0) this.lists = new Slot(listMax, options.ttlMs)
  }

  view(orgId: string, load: () => Promise<OrgView | undefined>): Promise<OrgView | undefined> {
    return this.read(this.configs, orgId, load)
  }

  /** The cached view of a live org, without a promise (the hot path); undefined when not cached as live. */
  peekView(orgId: string): OrgView | undefined {
    if (!this.configs || this.suspended) return undefined
    return this.configs.entries.get(orgId)?.value
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
    if (hit) return Promise.resolve(hit.value)
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
