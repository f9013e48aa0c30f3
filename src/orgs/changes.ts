/**
 * Tells whoever listens that an org's configuration changed: right after a write on this
 * instance, and (on PostgreSQL) when another instance's write is announced by NOTIFY. Features
 * above orgs (the change feed) subscribe here instead of reaching into orgs' internals.
 */
export class OrgChanges {
  private readonly listeners = new Set<(orgId: string) => void>()

  subscribe(listener: (orgId: string) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  emit(orgId: string): void {
    for (const listener of this.listeners) listener(orgId)
  }
}
