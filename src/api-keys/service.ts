import { type Clock, isoSeconds, nowIso } from '../clock.js'
import type { Principal } from '../http/access/principal.js'
import { problems } from '../http/problems.js'
import { newKeyId, newKeyMaterial } from './key-material.js'
import type { ApiKeyRegistry } from './registry.js'
import type { ApiKey, CreateApiKeyBody, CreatedApiKey } from './schemas.js'
import type { ApiKeyRecord, ApiKeyStore } from './store.js'

/** The rules of API keys: shown once, stored as a digest, limited grants for viewer and editor only, revoked for good. */
export class ApiKeyService {
  constructor(
    private readonly store: ApiKeyStore,
    private readonly registry: ApiKeyRegistry,
    private readonly now: Clock = nowIso
  ) {}

  async create(body: CreateApiKeyBody, by: Principal): Promise<CreatedApiKey> {
    const orgIds = body.org_ids ?? null
    if (body.role === 'admin' && orgIds !== null) {
      throw problems.invalidField('org_ids', 'must be null or left out: an admin key is never limited to some orgs')
    }
    const { key, digest, prefix } = newKeyMaterial()
    const record: ApiKeyRecord = {
      id: newKeyId(),
      name: body.name,
      role: body.role,
      org_ids: orgIds,
      digest,
      prefix,
      created_at: this.now(),
      created_by: { ...by.actor },
      owner_id: by.ownerId ?? by.actor.id,
      expires_at: body.expires_at ? isoSeconds(Date.parse(body.expires_at)) : null,
      revoked_at: null,
      last_used_at: null
    }
    await this.store.create(record)
    // This instance knows the key before the answer is sent; the others within a poll.
    await this.registry.refresh()
    const { last_used_at: _used, revoked_at: _revoked, digest: _digest, owner_id: _owner, ...shown } = record
    return { ...shown, key }
  }

  async list(): Promise<ApiKey[]> {
    return (await this.store.list()).map((record) => this.view(record))
  }

  async get(id: string): Promise<ApiKey> {
    const record = await this.store.get(id)
    if (!record) throw notFound(id)
    return this.view(record)
  }

  /** Revokes the key (again: no change); every instance refuses it within a second, this one at once. */
  async revoke(id: string): Promise<ApiKey> {
    const record = await this.store.revoke(id, this.now())
    if (!record) throw notFound(id)
    await this.registry.refresh()
    return this.view(record)
  }

  private view(record: ApiKeyRecord): ApiKey {
    const { digest: _digest, owner_id: _owner, ...shown } = record
    const usedHere = this.registry.lastUsedHere(record.id)
    const lastUsed = usedHere !== undefined && (record.last_used_at === null || usedHere > record.last_used_at) ? usedHere : record.last_used_at
    return { ...shown, last_used_at: lastUsed }
  }
}

function notFound(id: string) {
  return problems.notFound(`No API key ${id.length > 64 ? `${id.slice(0, 64)}…` : id}`)
}
