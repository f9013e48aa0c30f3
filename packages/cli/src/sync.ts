import { type BatchCreateResult, type ChangeRequest, HeldForApproval, type OrgConfig, ProblemError, type UpdateOrgRequest, type VippsOrgsClient } from '@vipps-orgs/client'
import { BATCH_MAX_BYTES, batchCreateOrgs, BatchUnsupported } from './batch-create.js'

/** The fields of an org a file sets, in the order `export` writes them. Timestamps are the server's. */
export const CONFIG_FIELDS = ['org_id', 'client_id', 'client_secret_ref', 'redirect_uri', 'scopes', 'environment', 'vipps_enabled'] as const
const SERVER_FIELDS = new Set(['created_at', 'updated_at'])
/** What a create needs: a line without one of them is refused, for a new org and an existing one alike. */
const REQUIRED_FIELDS = ['client_id', 'client_secret_ref', 'redirect_uri'] as const
const UPDATABLE = ['client_id', 'client_secret_ref', 'redirect_uri', 'scopes', 'environment', 'vipps_enabled'] as const

export type ConfigLine = Pick<OrgConfig, (typeof CONFIG_FIELDS)[number]>

/** An org's config as one export line: the seven settable fields, always in the same order. */
export function exportLine(org: OrgConfig): string {
  return JSON.stringify(Object.fromEntries(CONFIG_FIELDS.map((f) => [f, org[f]])))
}

/** Runs `work` over `items` with at most `concurrency` at a time; results in the items' order. */
export async function pool<T, R>(items: readonly T[], concurrency: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length)
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const i = next++
      results[i] = await work(items[i]!, i)
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker))
  return results
}

/**
 * Lines cut into batches in the file's order: at most `size` orgs and BATCH_MAX_BYTES of JSON a
 * batch (a line of very long values does not push a batch over the service's body limit).
 */
function batchesOf(entries: readonly Wanted[], size: number): Wanted[][] {
  const batches: Wanted[][] = []
  let current: Wanted[] = []
  let bytes = 0
  for (const entry of entries) {
    const length = Buffer.byteLength(JSON.stringify(entry.config)) + 1
    if (current.length > 0 && (current.length >= size || bytes + length > BATCH_MAX_BYTES)) {
      batches.push(current)
      current = []
      bytes = 0
    }
    current.push(entry)
    bytes += length
  }
  if (current.length > 0) batches.push(current)
  return batches
}

/**
 * The org_ids of every live org matching `vippsEnabled`, walked by key (`after=<org_id>`): an org
 * live for the whole walk is in it exactly once, however many orgs are created or deleted
 * meanwhile (pages by offset would shift under such writes).
 */
async function listOrgIds(client: VippsOrgsClient, vippsEnabled: 'true' | 'any'): Promise<string[]> {
  const ids: string[] = []
  for await (const summary of client.listAllOrgs({ vipps_enabled: vippsEnabled })) ids.push(summary.org_id)
  return ids
}

/** Every live org's config (enabled ones, or all with `includeDisabled`), sorted by org_id. */
export async function exportOrgs(client: VippsOrgsClient, includeDisabled: boolean, concurrency = 16): Promise<OrgConfig[]> {
  const ids = await listOrgIds(client, includeDisabled ? 'any' : 'true')
  const configs = await pool(ids, concurrency, async (id) => {
    try {
      return await client.getOrg(id)
    } catch (err) {
      // Deleted between the list and the read: not live any more.
      if (err instanceof ProblemError && err.status === 404) return undefined
      throw err
    }
  })
  return configs.filter((c): c is OrgConfig => c !== undefined)
}

export interface LineFailure {
  line: number
  org_id: string
  field: string
  message: string
}

/** A write the service held for approval: the change request it became (or one already pending for the same change). */
export interface Requested {
  change_request_id: string
  /** An identical request was already pending (from an earlier import, say): no second one was made. */
  already_pending?: true
}

export type Planned =
  | ({ action: 'create'; line: number; org_id: string } & Partial<Requested>)
  | ({ action: 'update'; line: number; org_id: string; fields: string[] } & Partial<Requested>)
  | ({ action: 'delete'; org_id: string } & Partial<Requested>)

export interface ImportReport {
  created: number
  updated: number
  unchanged: number
  deleted: number
  /** Writes held for approval (four eyes): each is a change request, not a change yet. */
  requested: number
  failed: number
  failures: LineFailure[]
  /** What was (or, with dryRun, would be) changed; a held one carries its change_request_id. */
  changes: Planned[]
  dryRun: boolean
}

export interface ImportOptions {
  dryRun: boolean
  concurrency: number
  prune: boolean
  /** Asked before pruning (unless dryRun); false stops the import before any write. */
  confirmPrune: (count: number) => Promise<boolean>
  /** Orgs a batch create request carries (1–500): creates of orgs the service lacks go in batches. */
  batchSize: number
  onStart?: (total: number) => void
  onProgress?: () => void
}

type Wanted = { line: number; org_id: string; config: ConfigLine }
type Parsed = Wanted | { line: number; failures: LineFailure[]; org_id?: string }

/** Reads one NDJSON line into a complete config (defaults filled in), or the reasons it cannot be one. */
export function parseLine(text: string, line: number): Parsed {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (err) {
    return { line, failures: [{ line, org_id: '?', field: '-', message: `malformed JSON (${(err as Error).message})` }] }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { line, failures: [{ line, org_id: '?', field: '-', message: 'expected a JSON object' }] }
  }
  const obj = value as Record<string, unknown>
  if (typeof obj.org_id !== 'string' || obj.org_id === '') {
    return { line, failures: [{ line, org_id: '?', field: 'org_id', message: 'required (a string)' }] }
  }
  const orgId = obj.org_id
  const unknown = Object.keys(obj).filter((k) => !(CONFIG_FIELDS as readonly string[]).includes(k) && !SERVER_FIELDS.has(k))
  if (unknown.length > 0) {
    return { line, org_id: orgId, failures: unknown.map((field) => ({ line, org_id: orgId, field, message: 'unknown field' })) }
  }
  // A line stands for the whole config: a missing required field is the line's error, never a
  // field quietly left as it is on the server (or reset to a default).
  const missing = REQUIRED_FIELDS.filter((field) => obj[field] === undefined)
  if (missing.length > 0) {
    return { line, org_id: orgId, failures: missing.map((field) => ({ line, org_id: orgId, field, message: 'required' })) }
  }
  const config = {
    org_id: orgId,
    client_id: obj.client_id,
    client_secret_ref: obj.client_secret_ref,
    redirect_uri: obj.redirect_uri,
    scopes: obj.scopes ?? ['openid'],
    environment: obj.environment ?? 'test',
    vipps_enabled: obj.vipps_enabled ?? true
  } as ConfigLine
  return { line, org_id: orgId, config }
}

/** The fields where the server's config differs from the file's. */
function differences(current: OrgConfig, wanted: ConfigLine): UpdateOrgRequest {
  const changes: Record<string, unknown> = {}
  for (const field of UPDATABLE) {
    if (JSON.stringify(current[field]) !== JSON.stringify(wanted[field])) changes[field] = wanted[field]
  }
  return changes as UpdateOrgRequest
}

function failuresOf(err: unknown, line: number, orgId: string): LineFailure[] {
  if (err instanceof ProblemError) {
    if (err.errors.length > 0) return err.errors.map((e) => ({ line, org_id: orgId, field: e.field, message: e.message }))
    return [{ line, org_id: orgId, field: '-', message: `${err.status} ${err.code}: ${err.problem?.detail ?? err.message}` }]
  }
  const cause = (err as { cause?: { code?: string } }).cause?.code
  const message = err instanceof Error ? err.message : String(err)
  return [{ line, org_id: orgId, field: '-', message: cause ? `${message} (${cause})` : message }]
}

/**
 * Makes the service match the file: creates orgs it lacks (in batches of `batchSize`, each org
 * still succeeding or failing alone; one create a request against a service without batch
 * create), updates (with If-Match, only the fields that differ) orgs that differ, leaves identical
 * ones untouched (no write, so no history event), and with `prune` soft-deletes live orgs the file
 * does not name. A bad line is reported and the others still applied.
 */
export async function importOrgs(client: VippsOrgsClient, text: string, options: ImportOptions): Promise<ImportReport> {
  const report: ImportReport = { created: 0, updated: 0, unchanged: 0, deleted: 0, requested: 0, failed: 0, failures: [], changes: [], dryRun: options.dryRun }
  const parsed: Parsed[] = []
  const firstLineOf = new Map<string, number>()
  text.split(/\r?\n/).forEach((raw, i) => {
    if (raw.trim() === '') return
    const entry = parseLine(raw, i + 1)
    const orgId = entry.org_id
    if (orgId !== undefined && 'config' in entry) {
      const first = firstLineOf.get(orgId)
      if (first !== undefined) {
        parsed.push({ line: i + 1, org_id: orgId, failures: [{ line: i + 1, org_id: orgId, field: 'org_id', message: `already on line ${first}` }] })
        return
      }
      firstLineOf.set(orgId, i + 1)
    }
    parsed.push(entry)
  })

  const live = new Set(await listOrgIds(client, 'any'))
  const pending = options.dryRun ? [] : await pendingRequests(client)
  /** Counts a write the service held: the change request it became is the line's result. */
  const held = (planned: Planned, request: ChangeRequest, alreadyPending = false) => {
    report.changes.push({ ...planned, change_request_id: request.id, ...(alreadyPending ? { already_pending: true as const } : {}) })
    report.requested += 1
  }
  // Orgs the file names, even on a bad line: a typo must never get an org deleted.
  const named = new Set(parsed.map((p) => p.org_id).filter((id): id is string => id !== undefined))
  // A line too broken to say which org it is (bad JSON, no org_id) could be any org: prune nothing.
  const unnamed = parsed.filter((p) => p.org_id === undefined).map((p) => p.line)
  if (options.prune && unnamed.length > 0) throw new PruneUnsafe(unnamed)
  const toPrune = options.prune ? [...live].filter((id) => !named.has(id)).sort() : []
  if (toPrune.length > 0 && !options.dryRun && !(await options.confirmPrune(toPrune.length))) {
    throw new PruneRefused(toPrune.length)
  }

  options.onStart?.(parsed.length + toPrune.length)
  const fail = (failures: LineFailure[]) => {
    report.failed += 1
    report.failures.push(...failures)
  }

  /** A line for an org the service has (or that someone else created meanwhile): read, compare, update what differs. */
  const reconcile = async (entry: Wanted) => {
    const wanted = entry.config
    for (let attempt = 1; ; attempt++) {
      const { org, etag } = await client.getOrgForUpdate(wanted.org_id)
      const changes = differences(org, wanted)
      const fields = Object.keys(changes)
      if (fields.length === 0) {
        report.unchanged += 1
        return
      }
      const planned = { action: 'update' as const, line: entry.line, org_id: wanted.org_id, fields }
      if (!options.dryRun) {
        const waiting = samePending(pending, 'update', wanted.org_id, changes)
        if (waiting) return held(planned, waiting, true)
        try {
          await client.updateOrg(wanted.org_id, changes, { ifMatch: etag })
        } catch (err) {
          if (err instanceof HeldForApproval) return held(planned, err.changeRequest)
          // Changed by someone else between our read and our write: read again.
          if (err instanceof ProblemError && err.code === 'precondition_failed' && attempt < 3) continue
          throw err
        }
      }
      report.changes.push(planned)
      report.updated += 1
      return
    }
  }

  /** One line, one request at a time: a create of its own, or the read and compare of an org the service has. */
  const applyLine = async (entry: Parsed, exists: boolean) => {
    try {
      if (!('config' in entry)) return fail(entry.failures)
      const wanted = entry.config
      if (!exists && !live.has(wanted.org_id)) {
        const planned = { action: 'create' as const, line: entry.line, org_id: wanted.org_id }
        if (options.dryRun) {
          report.changes.push(planned)
          report.created += 1
          return
        }
        const waiting = samePending(pending, 'create', wanted.org_id, wanted)
        if (waiting) return held(planned, waiting, true)
        try {
          await client.createOrg(wanted)
          report.changes.push(planned)
          report.created += 1
          return
        } catch (err) {
          if (err instanceof HeldForApproval) return held(planned, err.changeRequest)
          // Created by someone else since the listing: compare and update it like any other.
          if (!(err instanceof ProblemError && err.code === 'already_exists')) throw err
        }
      }
      await reconcile(entry)
    } catch (err) {
      fail(failuresOf(err, entry.line, entry.org_id ?? '?'))
    } finally {
      options.onProgress?.()
    }
  }

  // Orgs the service lacks are created in batches (one request, and on SQLite one commit, for
  // many); every other line is read and compared on its own. A create already waiting for
  // approval stays with the others (reported as waiting, not asked for again).
  const toCreate: Wanted[] = []
  const oneByOne: { entry: Parsed; exists: boolean }[] = []
  for (const entry of parsed) {
    if (!options.dryRun && 'config' in entry && !live.has(entry.org_id) && !samePending(pending, 'create', entry.org_id, entry.config)) toCreate.push(entry)
    else oneByOne.push({ entry, exists: false })
  }
  /** Set once the service answered 404/405 on the batch create: an older service, so one create a request. */
  let batchUnsupported = false
  await pool(batchesOf(toCreate, options.batchSize), options.concurrency, async (batch) => {
    if (batchUnsupported) return void oneByOne.push(...batch.map((entry) => ({ entry, exists: false })))
    let results: BatchCreateResult[]
    try {
      results = await batchCreateOrgs(client, batch.map((entry) => entry.config))
    } catch (err) {
      // No batch create here (an older service), or a body it finds too large: one create a line.
      if (err instanceof BatchUnsupported || (err instanceof ProblemError && err.status === 413)) {
        if (err instanceof BatchUnsupported) batchUnsupported = true
        return void oneByOne.push(...batch.map((entry) => ({ entry, exists: false })))
      }
      // Refused as a whole (after the retries): every line of it failed so.
      for (const entry of batch) {
        fail(failuresOf(err, entry.line, entry.org_id))
        options.onProgress?.()
      }
      return
    }
    results.forEach((result, i) => {
      const entry = batch[i]!
      const planned = { action: 'create' as const, line: entry.line, org_id: entry.org_id }
      if (result.status === 409 && 'problem' in result && result.problem.code === 'already_exists') {
        // Created by someone else since the listing: compare and update it like any other.
        return void oneByOne.push({ entry, exists: true })
      }
      if (result.status === 201) {
        report.changes.push(planned)
        report.created += 1
      } else if (result.status === 202 && 'change_request' in result) {
        held(planned, result.change_request)
      } else {
        fail(failuresOf(new ProblemError(result.status, 'problem' in result ? result.problem : undefined), entry.line, entry.org_id))
      }
      options.onProgress?.()
    })
  })
  await pool(oneByOne, options.concurrency, ({ entry, exists }) => applyLine(entry, exists))

  await pool(toPrune, options.concurrency, async (orgId) => {
    try {
      if (!options.dryRun) {
        const waiting = samePending(pending, 'delete', orgId, {})
        if (waiting) return held({ action: 'delete', org_id: orgId }, waiting, true)
        try {
          await client.deleteOrg(orgId)
        } catch (err) {
          if (err instanceof HeldForApproval) return held({ action: 'delete', org_id: orgId }, err.changeRequest)
          if (!(err instanceof ProblemError && err.status === 404)) throw err
          return
        }
      }
      report.changes.push({ action: 'delete', org_id: orgId })
      report.deleted += 1
    } catch (err) {
      report.failures.push(...failuresOf(err, 0, orgId))
      report.failed += 1
    } finally {
      options.onProgress?.()
    }
  })
  // Workers finish in any order; the report reads in the file's order, deletions last.
  const LAST = Number.MAX_SAFE_INTEGER
  report.failures.sort((a, b) => (a.line || LAST) - (b.line || LAST))
  report.changes.sort((a, b) => ('line' in a ? a.line : LAST) - ('line' in b ? b.line : LAST) || a.org_id.localeCompare(b.org_id))
  return report
}

/**
 * The pending change requests (four eyes), to find a line's change already waiting for approval
 * (an import run again): none when this service has no change requests or this credential may not read them.
 */
async function pendingRequests(client: VippsOrgsClient): Promise<ChangeRequest[]> {
  try {
    return await client.listChangeRequests({ state: 'pending' })
  } catch (err) {
    if (err instanceof ProblemError && (err.status === 403 || err.status === 404)) return []
    throw err
  }
}

/** A pending request making exactly this change: same org and operation, the same fields to the same values. */
function samePending(pending: ChangeRequest[], operation: ChangeRequest['operation'], orgId: string, wanted: Record<string, unknown>): ChangeRequest | undefined {
  const fields = operation === 'delete' ? [] : Object.keys(wanted).filter((f) => f !== 'org_id')
  return pending.find((request) => {
    if (request.org_id !== orgId || request.operation !== operation) return false
    if (operation === 'delete') return true
    const to = Object.fromEntries(Object.entries(request.changes).map(([field, change]) => [field, change.to]))
    // A create's request lists only the fields it sets; defaults left out compare as the line's.
    const same = (f: string) => (f in to ? JSON.stringify(to[f]) === JSON.stringify(wanted[f]) : operation === 'create')
    return fields.every(same) && Object.keys(to).every((f) => f === 'org_id' || fields.includes(f))
  })
}

/** --prune with lines that name no org: which orgs the file means is unknown, so nothing is done. */
export class PruneUnsafe extends Error {
  constructor(readonly lines: number[]) {
    super(`--prune refused: line${lines.length > 1 ? 's' : ''} ${lines.join(', ')} name${lines.length > 1 ? '' : 's'} no org (fix ${lines.length > 1 ? 'them' : 'it'} first); nothing was written`)
  }
}

export class PruneRefused extends Error {
  constructor(readonly count: number) {
    super(`--prune would delete ${count} org(s) not in the file: not confirmed (pass --yes to confirm in scripts)`)
  }
}

export function summaryLine(report: ImportReport): string {
  const parts = [`created ${report.created}`, `updated ${report.updated}`, `unchanged ${report.unchanged}`]
  if (report.deleted > 0 || report.changes.some((c) => c.action === 'delete' && !c.change_request_id)) parts.push(`deleted ${report.deleted}`)
  if (report.requested > 0) parts.push(`held for approval ${report.requested}`)
  parts.push(`failed ${report.failed}`)
  return `${report.dryRun ? 'dry run: would have ' : ''}${parts.join(', ')}`
}

/** A line that became a change request: what it asks, and the request to approve. */
export function requestedLine(c: Planned): string {
  const where = 'line' in c ? `line ${c.line}` : 'prune'
  const what = c.action === 'update' ? `update ${c.fields.join(', ')}` : c.action
  const how = c.already_pending ? 'already waiting for approval as change request' : 'held for approval: change request'
  return `${where}: ${c.org_id}: ${what}: ${how} ${c.change_request_id}`
}

export function failureLine(f: LineFailure): string {
  return f.line > 0 ? `line ${f.line}: ${f.org_id}: ${f.field}: ${f.message}` : `prune: ${f.org_id}: ${f.field}: ${f.message}`
}
