/**
 * The writes to one org in this process, one after the other (writes to other orgs go side by
 * side). A write reads the live version, then writes only at that version: two writes to one org
 * that overlap would make all but one lose and read again, and with the writes of one commit
 * sharing a transaction (src/db/group-commit.ts) a burst on one org would make every one of them
 * lose round after round until it gave up. In turn they never lose to each other; a writer on
 * another instance (PostgreSQL) can still win, and the version check and its retry handle that.
 */
export class OrgWriteQueue {
  private readonly tails = new Map<string, Promise<void>>()

  run<T>(orgId: string, work: () => Promise<T>): Promise<T> {
    const before = this.tails.get(orgId)
    const mine = before ? before.then(work) : work()
    const tail = mine.then(
      () => undefined,
      () => undefined
    )
    this.tails.set(orgId, tail)
    void tail.then(() => {
      if (this.tails.get(orgId) === tail) this.tails.delete(orgId)
    })
    return mine
  }
}
