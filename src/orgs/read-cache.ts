import { LRUCache } from 'lru-cache'
import type { OrgConfig } from './store.js'

interface Entry {
  config: OrgConfig | undefined
}

/**
 * Live configs (and known misses) by org_id, bounded in size and age. Every write invalidates
 * its org_id here, on this instance at once and on the others through the change listener.
 */
export class OrgReadCache {
  private readonly entries: LRUCache<string, Entry> | undefined
  private readonly loading = new Map<string, Promise<OrgConfig | undefined>>()
  // Bumped by every invalidation: a load that started before one must not fill the cache with
  // what it read, since that may be the value the invalidation was about.
  private generation = 0
  // While suspended (changes may go unheard) every read goes to the database.
  private suspended = false

  constructor(options: { max: number; ttlMs: number }) {
    if (options.max > 0) {
      this.entries = new LRUCache<string, Entry>({
        max: options.max,
        ...(options.ttlMs > 0 ? { ttl: options.ttlMs, ttlAutopurge: false } : {})
      })
    }
  }

  get(orgId: string, load: (orgId: string) => Promise<OrgConfig | undefined>): Promise<OrgConfig | undefined> {
    if (!this.entries || this.suspended) return load(orgId)
    const hit = this.entries.get(orgId)
    if (hit) return Promise.resolve(hit.config)
    const pending = this.loading.get(orgId)
    if (pending) return pending
    const generation = this.generation
    const loaded = load(orgId).then(
      (config) => {
        if (this.loading.get(orgId) === loaded) this.loading.delete(orgId)
        if (generation === this.generation) this.entries!.set(orgId, { config })
        return config
      },
      (err: unknown) => {
        if (this.loading.get(orgId) === loaded) this.loading.delete(orgId)
        throw err
      }
    )
    this.loading.set(orgId, loaded)
    return loaded
  }

  invalidate(orgId: string): void {
    this.generation++
    this.loading.delete(orgId)
    this.entries?.delete(orgId)
  }

  clear(): void {
    this.generation++
    this.loading.clear()
    this.entries?.clear()
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

  get size(): number {
    return this.entries?.size ?? 0
  }
}
