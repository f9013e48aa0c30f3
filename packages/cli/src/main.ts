import { readFileSync } from 'node:fs'
import { createInterface } from 'node:readline/promises'
import { type Actor, type ChangeRequest, type ChangeRequestState, createClient, type CreateApiKeyRequest, type CreateOrgRequest, type FeedEvent, type UpdateOrgRequest, type VippsOrgsClient } from '@vipps-orgs/client'
import cliProgress from 'cli-progress'
import { Command, CommanderError, Option } from 'commander'
import { BATCH_DEFAULT_ORGS, BATCH_MAX_ORGS } from './batch-create.js'
import { EXIT, type Io, printJson, processIo, record, reportError, table, UsageError } from './output.js'
import { exportLine, exportOrgs, failureLine, importOrgs, PruneRefused, requestedLine, summaryLine } from './sync.js'

const DEFAULT_URL = 'http://127.0.0.1:3000'
const SCOPES = ['openid', 'name', 'email', 'address', 'phoneNumber', 'birthDate', 'nin', 'delegatedConsents']

interface GlobalOptions {
  url: string
  token?: string
  json?: boolean
}

function positiveInt(value: string): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`not a positive whole number: ${value}`)
  return n
}

function batchSize(value: string): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1 || n > BATCH_MAX_ORGS) throw new UsageError(`--batch-size must be a whole number from 1 to ${BATCH_MAX_ORGS}: ${value}`)
  return n
}

function readInput(file: string): string {
  return file === '-' ? readFileSync(0, 'utf8') : readFileSync(file, 'utf8')
}

async function ask(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr })
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim())
  } finally {
    rl.close()
  }
}

/** A confirmation: `--yes` answers it; otherwise a TTY is asked and anything else is refused. */
async function confirmed(yes: boolean | undefined, question: string): Promise<boolean> {
  if (yes) return true
  if (!process.stdin.isTTY || !process.stderr.isTTY) return false
  return ask(question)
}

function describeEvent(e: FeedEvent): string {
  // change_request.* events carry the request (its state and changes) instead of a version of the org.
  const request = e.change_request
  if (request) {
    return `${e.occurred_at}  ${e.type}  ${e.org_id}  request ${request.id} (${request.operation}, ${request.state})  by ${describeActor(e.actor)}  ${diffLines(request.changes).join('; ')}`
  }
  const changes = diffLines(e.changes).join('; ')
  return `${e.occurred_at}  ${e.type.padEnd(17)}  ${e.org_id}  v${e.version}  by ${describeActor(e.actor)}${changes ? `  ${changes}` : ''}`
}

/** A change's fields, one a line: `field: "from" → "to"`. */
function diffLines(changes: Record<string, { from: unknown; to: unknown }>): string[] {
  return Object.entries(changes).map(([field, c]) => `${field}: ${JSON.stringify(c.from)} → ${JSON.stringify(c.to)}`)
}

const REQUEST_STATES = ['pending', 'approved', 'rejected', 'withdrawn', 'stale', 'expired', 'all'] as const

/** A change request for people: its record, then its diff. */
function describeRequest(request: ChangeRequest): string {
  const { changes, requested_by, decided_by, ...rest } = request
  const fields = {
    ...rest,
    requested_by: describeActor(requested_by),
    ...(decided_by ? { decided_by: describeActor(decided_by) } : {})
  }
  return `${record(fields)}\nchanges:\n${diffLines(changes).map((line) => `  ${line}`).join('\n') || '  -'}`
}

/** Who made a change, for people: the name, and what kind of credential it was. */
function describeActor(actor: Actor): string {
  return actor.type === 'anonymous' ? 'anonymous' : `${actor.name} (${actor.type === 'api_key' ? 'API key' : actor.type})`
}

/** The org fields a command line sets (create and update). */
function orgFieldOptions(cmd: Command): Command {
  return cmd
    .option('--client-id <id>', 'Vipps client id of the org’s sales unit')
    .option('--client-secret-ref <ref>', 'vault reference to the client secret (vault://…), never the secret')
    .option('--redirect-uri <uri>', 'registered redirect URI')
    .option('--scopes <list>', `comma-separated Vipps Login scopes (${SCOPES.join(', ')})`)
    .addOption(new Option('--environment <env>', 'Vipps environment').choices(['test', 'production']))
}

function fieldsFrom(opts: Record<string, unknown>): Record<string, unknown> {
  const fields: Record<string, unknown> = {}
  if (opts.clientId !== undefined) fields.client_id = opts.clientId
  if (opts.clientSecretRef !== undefined) fields.client_secret_ref = opts.clientSecretRef
  if (opts.redirectUri !== undefined) fields.redirect_uri = opts.redirectUri
  if (opts.scopes !== undefined) fields.scopes = String(opts.scopes).split(',').map((s) => s.trim()).filter(Boolean)
  if (opts.environment !== undefined) fields.environment = opts.environment
  if (opts.enabled === true) fields.vipps_enabled = true
  if (opts.disabled === true) fields.vipps_enabled = false
  return fields
}

function readJsonObject(file: string): Record<string, unknown> {
  let value: unknown
  try {
    value = JSON.parse(readInput(file))
  } catch (err) {
    throw new UsageError(`${file}: not JSON (${(err as Error).message})`)
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new UsageError(`${file}: expected a JSON object`)
  return value as Record<string, unknown>
}

/** A command's work: the client, where to print, the global options, then Commander's arguments and options. */
export type Task = (client: VippsOrgsClient, io: Io, globals: GlobalOptions, ...args: unknown[]) => Promise<number | void>

export function buildProgram(run: (task: Task) => (...args: unknown[]) => Promise<void>): Command {
  const program = new Command('vipps-orgs')
    .description('Manage per-organization "Log in with Vipps" configuration in a vipps-orgs service')
    .version('0.1.0')
    .addOption(new Option('--url <url>', 'service base URL').env('VIPPS_ORGS_URL').default(DEFAULT_URL))
    .addOption(new Option('--token <token>', 'credential for writes (and reads with AUTH_READS=true): an API key (vok_…) or an admin token').env('VIPPS_ORGS_TOKEN'))
    .option('--json', 'machine-readable JSON output instead of tables')
    .showHelpAfterError('(add --help for usage)')
    .addHelpText(
      'after',
      '\nExit codes: 0 ok, 1 the service refused (or an import line failed), 2 bad usage or not confirmed, 3 service unreachable, 4 not found,\n5 held for approval (a change request waits for a second person; nothing changed yet).'
    )
    .exitOverride()

  program
    .command('list')
    .description('list orgs (enabled ones unless --include-disabled), a page at a time or --all')
    .addOption(new Option('--environment <env>', 'only this environment').choices(['test', 'production']))
    .option('--include-disabled', 'also orgs with Vipps turned off')
    .option('--all', 'every org (ordered by org_id, read by key), not just one page')
    .option('--page <n>', 'page number', positiveInt, 1)
    .option('--limit <n>', 'orgs per page (1-100)', positiveInt, 20)
    .action(
      run(async (client, io, _g, ...rest) => {
        const opts = rest[0] as { environment?: 'test' | 'production'; includeDisabled?: boolean; all?: boolean; page: number; limit: number }
        const query = { ...(opts.environment ? { environment: opts.environment } : {}), vipps_enabled: opts.includeDisabled ? ('any' as const) : ('true' as const) }
        if (opts.all) {
          const all = []
          for await (const org of client.listAllOrgs(query)) all.push(org)
          if (io.json) printJson(io, all)
          else io.out(`${table(all, ['org_id', 'client_id', 'vipps_enabled', 'environment', 'created_at'])}\n${all.length} org(s)`)
          return
        }
        const list = await client.listOrgs({ ...query, page: opts.page, limit: opts.limit })
        if (io.json) return printJson(io, list)
        const { page, limit, total } = list.pagination
        io.out(`${table(list.data, ['org_id', 'client_id', 'vipps_enabled', 'environment', 'created_at'])}\npage ${page} of ${Math.max(1, Math.ceil(total / limit))} (${total} org(s))`)
      })
    )

  program
    .command('get')
    .description('show an org’s full config (and its ETag)')
    .argument('<org_id>')
    .action(
      run(async (client, io, _g, orgId) => {
        const { org, etag } = await client.getOrgForUpdate(orgId as string)
        if (io.json) printJson(io, org)
        else io.out(record({ ...org, etag }))
      })
    )

  program
    .command('status')
    .description('is Vipps enabled for an org (the hot read apps make)')
    .argument('<org_id>')
    .action(
      run(async (client, io, _g, orgId) => {
        const status = await client.getStatus(orgId as string)
        if (io.json) printJson(io, status)
        else io.out(record({ ...status }))
      })
    )

  orgFieldOptions(
    program
      .command('create')
      .description('create an org from flags, a JSON file (--file), or both (flags win)')
      .option('--org-id <id>', 'org id (3-64 of a-z 0-9 _ -)')
      .option('--file <file>', 'JSON object with the org’s fields ("-" for stdin)')
      .option('--disabled', 'create with Vipps turned off')
  ).action(
    run(async (client, io, _g, ...rest) => {
      const opts = rest[0] as Record<string, unknown>
      const body = { ...(opts.file ? readJsonObject(String(opts.file)) : {}), ...fieldsFrom(opts) }
      if (opts.orgId !== undefined) body.org_id = opts.orgId
      if (body.org_id === undefined) throw new UsageError('create needs --org-id (or org_id in --file)')
      const created = await client.createOrg(body as unknown as CreateOrgRequest)
      if (io.json) printJson(io, created)
      else io.out(`created ${created.org_id}\n${record({ ...created })}`)
    })
  )

  orgFieldOptions(
    program
      .command('update')
      .description('change some fields of an org (only those given)')
      .argument('<org_id>')
      .option('--file <file>', 'JSON object with the fields to change ("-" for stdin)')
      .option('--enabled', 'turn Vipps on')
      .option('--disabled', 'turn Vipps off')
      .option('--if-match <etag>', 'only if the org is still at this ETag (from `get`); else exit 1 with precondition_failed')
  ).action(
    run(async (client, io, _g, orgId, ...rest) => {
      const opts = rest[0] as Record<string, unknown>
      const changes = { ...(opts.file ? readJsonObject(String(opts.file)) : {}), ...fieldsFrom(opts) }
      if (Object.keys(changes).length === 0) throw new UsageError('update needs at least one field to change')
      const updated = await client.updateOrg(orgId as string, changes as UpdateOrgRequest, opts.ifMatch ? { ifMatch: String(opts.ifMatch) } : {})
      if (io.json) printJson(io, updated)
      else io.out(`updated ${updated.org_id}\n${record({ ...updated })}`)
    })
  )

  for (const [name, enabled] of [['enable', true], ['disable', false]] as const) {
    program
      .command(name)
      .description(`turn Vipps ${enabled ? 'on' : 'off'} for an org`)
      .argument('<org_id>')
      .action(
        run(async (client, io, _g, orgId) => {
          const updated = await client.updateOrg(orgId as string, { vipps_enabled: enabled })
          if (io.json) printJson(io, updated)
          else io.out(`${updated.org_id}: vipps_enabled ${String(updated.vipps_enabled)}`)
        })
      )
  }

  program
    .command('delete')
    .description('soft-delete an org (its history is kept); asks first unless --yes')
    .argument('<org_id>')
    .option('--yes', 'do not ask')
    .action(
      run(async (client, io, _g, orgId, ...rest) => {
        const opts = rest[0] as { yes?: boolean }
        if (!(await confirmed(opts.yes, `delete ${String(orgId)}?`))) throw new UsageError(`not deleted: pass --yes to delete ${String(orgId)}`)
        const deleted = await client.deleteOrg(orgId as string)
        if (io.json) printJson(io, deleted)
        else io.out(`deleted ${deleted.org_id} at ${deleted.deleted_at}`)
      })
    )

  program
    .command('history')
    .description('an org’s changes, oldest first')
    .argument('<org_id>')
    .option('--page <n>', 'page number', positiveInt, 1)
    .option('--limit <n>', 'events per page (1-100)', positiveInt, 20)
    .action(
      run(async (client, io, _g, orgId, ...rest) => {
        const opts = rest[0] as { page: number; limit: number }
        const history = await client.getOrgHistory(orgId as string, { page: opts.page, limit: opts.limit })
        if (io.json) return printJson(io, history)
        const rows = history.data.map((e) => ({
          ...e,
          actor: describeActor(e.actor),
          approved_by: e.approved_by ? describeActor(e.approved_by) : undefined,
          changes: diffLines(e.changes).join('; ')
        }))
        // Who approved: a column only when some change here was approved (four eyes).
        const approved = rows.some((r) => r.approved_by !== undefined)
        io.out(table(rows, ['version', 'action', 'at', 'actor', ...(approved ? ['approved_by'] : []), 'changes']))
      })
    )

  program
    .command('events')
    .description('the change feed: one page, or --follow to keep printing changes as they commit (Ctrl-C stops)')
    .option('--after <cursor>', 'start after this cursor ("now" for the current end); default: the first event, or now with --follow')
    .option('--org-id <id>', 'only this org’s events')
    .option('--limit <n>', 'events per page (1-1000)', positiveInt, 100)
    .option('--follow', 'keep following with long polling; resumes after errors')
    .action(
      run(async (client, io, _g, ...rest) => {
        const opts = rest[0] as { after?: string; orgId?: string; limit: number; follow?: boolean }
        if (opts.follow) {
          const controller = new AbortController()
          const stop = () => controller.abort()
          process.once('SIGINT', stop)
          process.once('SIGTERM', stop)
          try {
            const events = client.followEvents({
              after: opts.after ?? 'now',
              ...(opts.orgId ? { orgId: opts.orgId } : {}),
              signal: controller.signal,
              onError: (err) => io.err(`feed: ${err instanceof Error ? err.message : String(err)}; retrying`)
            })
            for await (const event of events) io.out(io.json ? JSON.stringify(event) : describeEvent(event))
          } finally {
            process.off('SIGINT', stop)
            process.off('SIGTERM', stop)
          }
          return
        }
        const page = await client.listEvents({ limit: opts.limit, ...(opts.after ? { after: opts.after } : {}), ...(opts.orgId ? { org_id: opts.orgId } : {}) })
        if (io.json) return printJson(io, page)
        for (const event of page.data) io.out(describeEvent(event))
        io.out(`next cursor: ${page.next_cursor}`)
      })
    )

  const webhooks = program.command('webhooks').description('manage webhook endpoints (signed deliveries of the change feed)')
  webhooks
    .command('list')
    .description('every endpoint')
    .action(
      run(async (client, io) => {
        const list = await client.listWebhooks()
        if (io.json) printJson(io, list)
        else io.out(table(list, ['id', 'url', 'enabled', 'event_types', 'description', 'disabled_reason']))
      })
    )
  webhooks
    .command('get')
    .argument('<id>')
    .description('one endpoint')
    .action(
      run(async (client, io, _g, id) => {
        const hook = await client.getWebhook(id as string)
        if (io.json) printJson(io, hook)
        else io.out(record({ ...hook }))
      })
    )
  const hookOptions = (cmd: Command) =>
    cmd
      .option('--description <text>', 'what the endpoint is for')
      .option(
        '--event-types <list>',
        'comma-separated: vipps_org.created, vipps_org.updated, vipps_org.deleted (the default), change_request.created, change_request.approved, change_request.rejected, change_request.withdrawn'
      )
  const hookFields = (opts: Record<string, unknown>) => {
    const fields: Record<string, unknown> = {}
    if (opts.endpoint !== undefined) fields.url = opts.endpoint
    if (opts.description !== undefined) fields.description = opts.description
    if (opts.eventTypes !== undefined) fields.event_types = String(opts.eventTypes).split(',').map((s) => s.trim()).filter(Boolean)
    if (opts.enabled === true) fields.enabled = true
    if (opts.disabled === true) fields.enabled = false
    return fields
  }
  hookOptions(webhooks.command('create').description('add an endpoint; prints its signing secret once').argument('<url>', 'where to POST events').option('--disabled', 'create it turned off')).action(
    run(async (client, io, _g, url, ...rest) => {
      const created = await client.createWebhook({ ...hookFields(rest[0] as Record<string, unknown>), url: url as string })
      if (io.json) printJson(io, created)
      else io.out(`${record({ ...created })}\n(the secret is shown only now: store it)`)
    })
  )
  hookOptions(
    webhooks
      .command('update')
      .argument('<id>')
      .description('change an endpoint')
      .option('--endpoint <url>', 'where to POST events')
      .option('--enabled', 'turn it on')
      .option('--disabled', 'turn it off')
  ).action(
    run(async (client, io, _g, id, ...rest) => {
      const changes = hookFields(rest[0] as Record<string, unknown>)
      if (Object.keys(changes).length === 0) throw new UsageError('webhooks update needs at least one field to change')
      const hook = await client.updateWebhook(id as string, changes)
      if (io.json) printJson(io, hook)
      else io.out(record({ ...hook }))
    })
  )
  webhooks
    .command('delete')
    .argument('<id>')
    .option('--yes', 'do not ask')
    .description('stop and remove an endpoint; asks first unless --yes')
    .action(
      run(async (client, io, _g, id, ...rest) => {
        if (!(await confirmed((rest[0] as { yes?: boolean }).yes, `delete webhook ${String(id)}?`))) throw new UsageError(`not deleted: pass --yes to delete webhook ${String(id)}`)
        await client.deleteWebhook(id as string)
        if (io.json) printJson(io, { id, deleted: true })
        else io.out(`deleted webhook ${String(id)}`)
      })
    )
  webhooks
    .command('rotate-secret')
    .argument('<id>')
    .description('a new signing secret (shown once); the old one also signs for 24 h')
    .action(
      run(async (client, io, _g, id) => {
        const rotated = await client.rotateWebhookSecret(id as string)
        if (io.json) printJson(io, rotated)
        else io.out(record({ ...rotated }))
      })
    )
  webhooks
    .command('test')
    .argument('<id>')
    .description('queue a webhook.test event to the endpoint')
    .action(
      run(async (client, io, _g, id) => {
        const queued = await client.sendWebhookTest(id as string)
        if (io.json) printJson(io, queued)
        else io.out(`queued ${queued.type} ${queued.event_id}`)
      })
    )
  webhooks
    .command('deliveries')
    .argument('<id>')
    .option('--limit <n>', 'attempts to show', positiveInt, 20)
    .description('recent delivery attempts')
    .action(
      run(async (client, io, _g, id, ...rest) => {
        const list = await client.listWebhookDeliveries(id as string, { limit: (rest[0] as { limit: number }).limit })
        if (io.json) printJson(io, list)
        else io.out(table(list.data, ['event_id', 'event_type', 'attempt', 'status', 'response_status', 'error', 'attempted_at', 'next_attempt_at']))
      })
    )

  const keys = program.command('keys').description('manage API keys (admin): credentials for machines, each with a role, maybe limited to some orgs')
  keys
    .command('create')
    .description('create an API key; prints the key once')
    .requiredOption('--name <name>', 'what the key is for (it names the key in the history)')
    .addOption(new Option('--role <role>', 'what the key may do').choices(['viewer', 'editor', 'admin']).makeOptionMandatory())
    .option('--org-ids <list>', 'comma-separated orgs the key is limited to (viewer and editor only); default every org')
    .option('--expires-at <time>', 'when the key stops working, RFC 3339 (e.g. 2027-01-31T12:00:00Z); default never')
    .action(
      run(async (client, io, _g, ...rest) => {
        const opts = rest[0] as { name: string; role: CreateApiKeyRequest['role']; orgIds?: string; expiresAt?: string }
        const created = await client.createApiKey({
          name: opts.name,
          role: opts.role,
          ...(opts.orgIds !== undefined ? { org_ids: opts.orgIds.split(',').map((s) => s.trim()).filter(Boolean) } : {}),
          ...(opts.expiresAt !== undefined ? { expires_at: opts.expiresAt } : {})
        })
        if (io.json) return printJson(io, created)
        const { key, ...shown } = created
        io.out(`${record({ ...shown, org_ids: shown.org_ids ?? 'all', created_by: describeActor(shown.created_by) })}\n\nkey: ${key}\n\nThis is the only time the key is shown: store it now (a secret manager). Send it as Authorization: Bearer <key>, or to this CLI as --token / VIPPS_ORGS_TOKEN.`)
      })
    )
  keys
    .command('list')
    .description('every key, revoked ones too (never the key itself)')
    .action(
      run(async (client, io) => {
        const list = await client.listApiKeys()
        if (io.json) return printJson(io, list)
        const rows = list.map((k) => ({ ...k, org_ids: k.org_ids ?? 'all', created_by: describeActor(k.created_by) }))
        io.out(table(rows, ['id', 'name', 'role', 'org_ids', 'prefix', 'created_at', 'created_by', 'expires_at', 'last_used_at', 'revoked_at']))
      })
    )
  keys
    .command('revoke')
    .argument('<id>')
    .option('--yes', 'do not ask')
    .description('revoke a key: refused within a second everywhere; asks first unless --yes')
    .action(
      run(async (client, io, _g, id, ...rest) => {
        if (!(await confirmed((rest[0] as { yes?: boolean }).yes, `revoke API key ${String(id)}?`))) throw new UsageError(`not revoked: pass --yes to revoke API key ${String(id)}`)
        const revoked = await client.revokeApiKey(id as string)
        if (io.json) printJson(io, revoked)
        else io.out(`revoked API key ${revoked.id} (${revoked.name}) at ${revoked.revoked_at}`)
      })
    )

  const requests = program
    .command('requests')
    .description('change requests (four eyes, APPROVALS=production): production login changes waiting for a second person')
  requests
    .command('list')
    .description('change requests, newest first (pending ones unless --state)')
    .addOption(new Option('--state <state>', 'only requests in this state').choices(REQUEST_STATES).default('pending'))
    .option('--org <org_id>', 'only this org’s requests')
    .action(
      run(async (client, io, _g, ...rest) => {
        const opts = rest[0] as { state: ChangeRequestState | 'all'; org?: string }
        const list = await client.listChangeRequests({ state: opts.state, ...(opts.org ? { org_id: opts.org } : {}) })
        if (io.json) return printJson(io, list)
        const rows = list.map((r) => ({ ...r, fields: Object.keys(r.changes).join(','), requested_by: describeActor(r.requested_by) }))
        io.out(`${table(rows, ['id', 'org_id', 'operation', 'fields', 'state', 'requested_by', 'requested_at', 'expires_at'])}\n${list.length} request(s)`)
      })
    )
  requests
    .command('show')
    .argument('<id>')
    .description('one change request with its changes (from → to)')
    .action(
      run(async (client, io, _g, id) => {
        const request = await client.getChangeRequest(id as string)
        if (io.json) printJson(io, request)
        else io.out(describeRequest(request))
      })
    )
  requests
    .command('approve')
    .argument('<id>')
    .option('--comment <text>', 'a note kept with the approval')
    .description('approve someone else’s request: the change is applied now (409 change_request_stale if the org changed since)')
    .action(
      run(async (client, io, _g, id, ...rest) => {
        const { comment } = rest[0] as { comment?: string }
        const request = await client.approveChangeRequest(id as string, comment !== undefined ? { comment } : {})
        if (io.json) printJson(io, request)
        else io.out(`approved ${request.id}: ${request.operation} ${request.org_id} applied\n${describeRequest(request)}`)
      })
    )
  requests
    .command('reject')
    .argument('<id>')
    .requiredOption('--reason <text>', 'why (1-500 characters; the requester sees it)')
    .description('reject someone else’s request: nothing is applied')
    .action(
      run(async (client, io, _g, id, ...rest) => {
        const { reason } = rest[0] as { reason: string }
        const request = await client.rejectChangeRequest(id as string, reason)
        if (io.json) printJson(io, request)
        else io.out(`rejected ${request.id}: ${request.operation} ${request.org_id} not applied\n${describeRequest(request)}`)
      })
    )
  requests
    .command('withdraw')
    .argument('<id>')
    .description('take back your own pending request')
    .action(
      run(async (client, io, _g, id) => {
        const request = await client.withdrawChangeRequest(id as string)
        if (io.json) printJson(io, request)
        else io.out(`withdrew ${request.id}: ${request.operation} ${request.org_id} not applied`)
      })
    )

  program
    .command('export')
    .description('every live org as NDJSON on stdout: one config a line, sorted by org_id (timestamps left out)')
    .option('--include-disabled', 'also orgs with Vipps turned off')
    .action(
      run(async (client, io, _g, ...rest) => {
        const configs = await exportOrgs(client, Boolean((rest[0] as { includeDisabled?: boolean }).includeDisabled))
        if (configs.length > 0) process.stdout.write(configs.map((c) => `${exportLine(c)}\n`).join(''))
        void io
      })
    )

  program
    .command('import')
    .description('make the service match an NDJSON file: create, update (If-Match), leave identical orgs untouched')
    .argument('<file>', 'NDJSON file, or "-" for stdin')
    .option('--dry-run', 'print what would change, write nothing')
    .option('--concurrency <n>', 'requests in flight', positiveInt, 8)
    .option('--batch-size <n>', `orgs created per request (1-${BATCH_MAX_ORGS}); new orgs go in batches`, batchSize, BATCH_DEFAULT_ORGS)
    .option('--prune', 'also soft-delete live orgs (enabled or not) the file does not name')
    .option('--yes', 'answer the --prune question for scripts')
    .action(
      run(async (client, io, _g, file, ...rest) => {
        const opts = rest[0] as { dryRun?: boolean; concurrency: number; batchSize: number; prune?: boolean; yes?: boolean }
        const text = readInput(file as string)
        const bar = process.stderr.isTTY && !io.json ? new cliProgress.SingleBar({ stream: process.stderr, hideCursor: true, clearOnComplete: true }, cliProgress.Presets.shades_classic) : undefined
        const started = performance.now()
        let report
        try {
          report = await importOrgs(client, text, {
            dryRun: Boolean(opts.dryRun),
            concurrency: opts.concurrency,
            batchSize: opts.batchSize,
            prune: Boolean(opts.prune),
            confirmPrune: (count) => (file === '-' && !opts.yes ? Promise.resolve(false) : confirmed(opts.yes, `--prune: delete ${count} org(s) not in the file?`)),
            onStart: (total) => bar?.start(total, 0),
            onProgress: () => bar?.increment()
          })
        } catch (err) {
          if (err instanceof PruneRefused) throw new UsageError(err.message)
          throw err
        } finally {
          bar?.stop()
        }
        const seconds = (performance.now() - started) / 1000
        if (io.json) {
          printJson(io, { ...report, seconds: Number(seconds.toFixed(3)) })
        } else {
          if (report.dryRun) {
            for (const c of report.changes) {
              io.out(c.action === 'update' ? `update ${c.org_id}: ${c.fields.join(', ')}` : `${c.action} ${c.org_id}`)
            }
          }
          for (const c of report.changes) if (c.change_request_id) io.out(requestedLine(c))
          for (const f of report.failures) io.err(failureLine(f))
          const lines = report.created + report.updated + report.unchanged + report.requested + report.failed
          io.out(`${summaryLine(report)} (${lines} line(s) in ${seconds.toFixed(1)} s, ${Math.round(lines / Math.max(seconds, 0.001))}/s)`)
        }
        return report.failed > 0 ? EXIT.failed : report.requested > 0 ? EXIT.held : EXIT.ok
      })
    )

  return program
}

/** Runs the CLI with `argv` (as process.argv); resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  let code: number = EXIT.ok
  let baseUrl = DEFAULT_URL
  let json = false
  const program = buildProgram(
    (task) =>
      async (...args: unknown[]) => {
        const cmd = args[args.length - 1] as Command
        const globals = cmd.optsWithGlobals<GlobalOptions & Record<string, unknown>>()
        baseUrl = globals.url
        json = Boolean(globals.json)
        const io = processIo(Boolean(globals.json))
        const client = createClient({ baseUrl: globals.url, ...(globals.token ? { token: globals.token } : {}), statusMaxAgeMs: 0 })
        // Commander passes the arguments, then the command's options, then the command.
        const result = await task(client, io, globals, ...args.slice(0, -1))
        code = typeof result === 'number' ? result : EXIT.ok
      }
  )
  try {
    await program.parseAsync(argv)
    return code
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT.ok : EXIT.usage
    return reportError(processIo(json), err, baseUrl)
  }
}
