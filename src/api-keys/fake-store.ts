import type { ActiveKeys, ApiKeyRecord, ApiKeyStore, KeyUse } from './store.js'

/** The ApiKeyStore in memory, for unit tests: the same promises, values copied in and out. */
export class FakeApiKeyStore implements ApiKeyStore {
  private readonly keys = new Map<string, ApiKeyRecord>()
  private currentRevision = 0

  async create(record: ApiKeyRecord): Promise<void> {
    if (this.keys.has(record.id) || [...this.keys.values()].some((k) => k.digest === record.digest)) throw new Error('unique violation')
    this.keys.set(record.id, structuredClone(record))
    this.currentRevision++
  }

  async list(): Promise<ApiKeyRecord[]> {
    return [...this.keys.values()]
      .sort((a, b) => (a.created_at === b.created_at ? (a.id < b.id ? -1 : 1) : a.created_at < b.created_at ? -1 : 1))
      .map((k) => structuredClone(k))
  }

  async get(id: string): Promise<ApiKeyRecord | undefined> {
    const found = this.keys.get(id)
    return found && structuredClone(found)
  }

  async revoke(id: string, at: string): Promise<ApiKeyRecord | undefined> {
    const found = this.keys.get(id)
    if (!found) return undefined
    if (found.revoked_at === null) {
      found.revoked_at = at
      this.currentRevision++
    }
    return structuredClone(found)
  }

  async revision(): Promise<number> {
    return this.currentRevision
  }

  async activeKeys(): Promise<ActiveKeys> {
    return { revision: this.currentRevision, keys: [...this.keys.values()].filter((k) => k.revoked_at === null).map((k) => structuredClone(k)) }
  }

  async recordUses(uses: readonly KeyUse[]): Promise<void> {
    for (const use of uses) {
      const found = this.keys.get(use.id)
      if (found && (found.last_used_at === null || found.last_used_at < use.at)) found.last_used_at = use.at
    }
  }
}
