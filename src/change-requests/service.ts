import { randomBytes } from 'node:crypto'
import { type Clock, isoSeconds, nowIso } from '../clock.js'
import { type Actor, inOrgScope, orgScopeOf, type Principal } from '../http/access/principal.js'
import { Problem, problems } from '../http/problems.js'
import type { OrgWrites } from '../orgs/index.js'
import { CHANGE_REQUESTS_PATH, type ChangeRequest, type ChangeRequestState, type HeldWrite, type ProposedWrite, type WriteGate } from '../orgs/write-gate.js'
import { isHeld } from './holding-rule.js'
import type { ChangeRequestStore } from './store.js'

export { CHANGE_REQUESTS_PATH }

const MAX_LISTED = 500

export interface ListQuery {
  /** `all` (or undefined: pending) */
  state: ChangeRequestState | 'all'
  orgId?: string
}

/** Raised inside an approval's transaction when the request was decided meanwhile: rolls it back. */
class ClosedMeanwhile extends Error {
  override name = 'ClosedMeanwhile'
}

/**
 * Four eyes (api.md "Change approvals"): held writes become change requests; a second person
 * approves (the change is applied through orgs' own write path, in one transaction with the
 * request's approval, only at its base version) or rejects; the requester withdraws.
 */
export class ChangeRequestService {
  constructor(
    private readonly store: ChangeRequestStore,
    private readonly orgs: OrgWrites,
    private readonly ttlMs: number,
    private readonly now: Clock = nowIso,
    /** Told of every change request event committed here (the feed's long polls wake up). */
    private readonly announce: (orgId: string) => void = () => {}
  ) {}

  /** The gate orgs asks for every write (registered only with APPROVALS=production). */
  gate(): WriteGate {
    return {
      holds: (write) => isHeld({ ...(write.before ? { before: write.before } : {}), ...(write.after ? { after: write.after } : {}) }),
      hold: (write, by) => this.request(write, by),
      whileWriting: (orgId, at) => (trx) => this.store.staleAll(orgId, at, trx)
    }
  }

  private async request(write: ProposedWrite, by: Principal): Promise<HeldWrite> {
    const at = this.now()
    const request: ChangeRequest = {
      id: newId(),
      org_id: write.orgId,
      operation: write.operation,
      changes: write.changes,
      base_version: write.before?.version ?? 0,
      state: 'pending',
      requested_by: { ...by.actor },
      requested_at: at,
      expires_at: isoSeconds(Date.parse(at) + this.ttlMs)
    }
    await this.store.insert(request, by.ownerId ?? null)
    this.announce(request.org_id)
    return { location: `${CHANGE_REQUESTS_PATH}/${request.id}`, body: request }
  }

  async list(query: ListQuery, by: Principal): Promise<ChangeRequest[]> {
    await this.store.expire(this.now())
    const scope = orgScopeOf(by)
    if (query.orgId !== undefined && !inOrgScope(scope, query.orgId)) return []
    return this.store.list({
      ...(query.state === 'all' ? {} : { state: query.state }),
      ...(query.orgId !== undefined ? { orgId: query.orgId } : {}),
      ...(scope !== null ? { orgIds: scope } : {}),
      limit: MAX_LISTED
    })
  }

  /** One request; 404 when unknown or of an org outside the caller's grant. */
  async get(id: string, by: Principal): Promise<ChangeRequest> {
    // Not even asked of the database unless it has the form of an id (newId): a NUL byte, say, is
    // refused by PostgreSQL as a parameter, and any other text names no request.
    if (!REQUEST_ID.test(id)) throw notFound(id)
    await this.store.expire(this.now())
    const request = await this.store.find(id)
    if (!request || !inOrgScope(orgScopeOf(by), request.org_id)) throw notFound(id)
    return request
  }

  async approve(id: string, by: Principal, comment?: string): Promise<ChangeRequest> {
    const request = await this.decidable(id, by, true)
    const at = this.now()
    let approved: ChangeRequest | undefined
    let applied: boolean
    try {
      applied = await this.orgs.applyApproved(
        { operation: request.operation, orgId: request.org_id, baseVersion: request.base_version, changes: request.changes, requestedBy: request.requested_by },
        by.actor,
        async (trx) => {
          approved = await this.store.decide(
            id,
            { state: 'approved', at, by: by.actor, ...(comment !== undefined ? { comment } : {}) },
            { type: 'change_request.approved', actor: by.actor },
            trx
          )
          if (!approved) throw new ClosedMeanwhile(id)
          // The org's other pending requests are stale now (the gate does it too, when it is set).
          await this.store.staleAll(request.org_id, at, trx)
        }
      )
    } catch (err) {
      if (err instanceof ClosedMeanwhile) throw closed(await this.store.find(id))
      throw err
    }
    if (applied && approved) {
      this.announce(request.org_id)
      return approved
    }
    // The org moved on (or a live org appeared for a create): stale, unless decided meanwhile.
    const stale = await this.store.decide(id, { state: 'stale', at })
    if (!stale) {
      const now = await this.store.find(id)
      throw now?.state === 'stale' ? staleProblem(now) : closed(now)
    }
    throw staleProblem(stale)
  }

  async reject(id: string, by: Principal, reason: string): Promise<ChangeRequest> {
    await this.decidable(id, by)
    const rejected = await this.store.decide(id, { state: 'rejected', at: this.now(), by: by.actor, reason }, { type: 'change_request.rejected', actor: by.actor })
    if (!rejected) throw closed(await this.store.find(id))
    this.announce(rejected.org_id)
    return rejected
  }

  /** Only the requester withdraws (another person gets 403). */
  async withdraw(id: string, by: Principal): Promise<ChangeRequest> {
    const request = await this.get(id, by)
    if (request.requested_by.id !== by.actor.id) {
      throw new Problem(403, 'forbidden', `Only the requester (${request.requested_by.name}) can withdraw ${id}; approve or reject it instead`)
    }
    if (request.state !== 'pending') throw closed(request)
    const withdrawn = await this.store.decide(id, { state: 'withdrawn', at: this.now(), by: by.actor }, { type: 'change_request.withdrawn', actor: by.actor })
    if (!withdrawn) throw closed(await this.store.find(id))
    this.announce(withdrawn.org_id)
    return withdrawn
  }

  /** Pending (not expired) requests for the metrics. */
  pending() {
    return this.store.pending(this.now())
  }

  /** A pending request the caller may decide: in their grant, not their own. */
  private async decidable(id: string, by: Principal, approving = false): Promise<ChangeRequest> {
    const request = await this.get(id, by)
    if (isSameActor(await this.store.requesterIds(id), by)) {
      throw new Problem(403, 'self_approval', `${id} was asked by ${request.requested_by.name}: a second person must decide it (the requester may withdraw it)`)
    }
    // Approving a request the org has moved past says so; anything else not pending is closed.
    if (approving && request.state === 'stale') throw staleProblem(request)
    if (request.state !== 'pending') throw closed(request)
    return request
  }
}

/**
 * The requester, whatever credential they use now: the same actor id (a person's subject, a
 * token's name, a key's id), and an API key counts as its owner, the person or token at the root
 * of the keys that made it (approving with one's own keys what one asked, or asking with a key
 * and approving in person, is refused).
 * Compared across types: a bootstrap token named like a person's subject is refused too, the safe side.
 */
function isSameActor(requester: readonly string[], by: Principal): boolean {
  return requester.includes(by.actor.id) || (by.ownerId !== undefined && requester.includes(by.ownerId))
}

let lastMs = 0
const REQUEST_ID = /^cr_[0-9a-f]{20}$/

/**
 * `cr_` + the time in milliseconds (12 hex digits, never going back in this process) + 8 random
 * hex digits: unguessable enough for a name, and ordered by when it was asked (lists are newest first).
 */
function newId(): string {
  lastMs = Math.max(Date.now(), lastMs + 1)
  return `cr_${lastMs.toString(16).padStart(12, '0')}${randomBytes(4).toString('hex')}`
}

function notFound(id: string): Problem {
  return problems.notFound(`No change request ${id}`)
}

function staleProblem(request: ChangeRequest): Problem {
  return new Problem(
    409,
    'change_request_stale',
    `The org ${request.org_id} changed since ${request.id} was asked (at version ${request.base_version}): nothing was applied, and the request is stale; ask again`
  )
}

function closed(request: ChangeRequest | undefined): Problem {
  return new Problem(409, 'change_request_closed', request ? `The change request ${request.id} is ${request.state}: only a pending request can be decided or withdrawn` : 'The change request is closed')
}
