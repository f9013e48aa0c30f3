import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createClient, HeldForApproval, type VippsOrgsClient } from '@vipps-orgs/client'
import { uniqueOrgId } from './support/app.js'
import { type ListeningApp, listenApp } from './support/client-server.js'
import { ndjson, type Run, runCli } from './support/cli-process.js'

/**
 * Four eyes from the command line (`vipps-orgs requests …`, `import`), as users run it (a
 * subprocess) against the real service with APPROVALS=production: two people, each with their own
 * token; what one asks, only the other may approve or reject.
 */

const ASKER = 'cli-requests-asker-token-0123456789'
const APPROVER = 'cli-requests-approver-token-0123456789'
const dir = mkdtempSync(join(tmpdir(), 'vipps-orgs-cli-requests-'))

const cli = (base: string, args: string[], token = ASKER): Promise<Run> => runCli(base, args, { token })

function orgLine(orgId: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    org_id: orgId,
    client_id: `vipps-client-${orgId}`,
    client_secret_ref: `vault://orgs/${orgId}/vipps_secret`,
    redirect_uri: `https://${orgId.replace(/_/g, '-')}.example.com/vipps/callback`,
    scopes: ['openid'],
    environment: 'production',
    vipps_enabled: true,
    ...overrides
  }
}

/** The request id a held write printed (`held for approval: change request <id> (…)`). */
function heldId(run: Run): string {
  const id = /held for approval: change request (\S+) /.exec(run.stdout)?.[1]
  expect(id, `no change request in: ${run.stdout}${run.stderr}`).toBeDefined()
  return id!
}


describe('vipps-orgs requests (four eyes, APPROVALS=production)', () => {
  let server: ListeningApp
  let asker: VippsOrgsClient
  let approver: VippsOrgsClient
  /** A production org, created (and approved) through the API. */
  let live: string

  beforeAll(async () => {
    server = await listenApp('sqlite', { ADMIN_TOKENS: `asker:${ASKER},approver:${APPROVER}`, APPROVALS: 'production' })
    asker = createClient({ baseUrl: server.base, token: ASKER })
    approver = createClient({ baseUrl: server.base, token: APPROVER })
    live = uniqueOrgId('cli_cr_live')
    const held = await asker.createOrg(orgLine(live) as never).then(
      () => undefined,
      (err: unknown) => err
    )
    expect(held).toBeInstanceOf(HeldForApproval)
    await approver.approveChangeRequest((held as HeldForApproval).changeRequest.id)
  })
  afterAll(async () => {
    await server?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('a held create exits 5 with the request; list and show print it with its diff; the asker cannot approve it, the other person can', async () => {
    const orgId = uniqueOrgId('cli_cr_new')
    const line = orgLine(orgId)
    const create = await cli(server.base, ['create', '--org-id', orgId, '--client-id', String(line.client_id), '--client-secret-ref', String(line.client_secret_ref), '--redirect-uri', String(line.redirect_uri), '--environment', 'production'])
    expect(create.stderr).toBe('')
    expect(create.code).toBe(5)
    expect(create.stdout).toContain(`(create ${orgId}) waits for a second person; nothing changed yet`)
    const id = heldId(create)
    expect(create.stdout).toContain(`vipps-orgs requests show ${id}`)
    expect((await cli(server.base, ['get', orgId])).code).toBe(4) // nothing created yet

    const list = await cli(server.base, ['requests', 'list'])
    expect(list.code).toBe(0)
    expect(list.stdout.split('\n')[0]).toMatch(/^ID +ORG_ID +OPERATION +FIELDS +STATE +REQUESTED_BY +REQUESTED_AT +EXPIRES_AT$/)
    const row = list.stdout.split('\n').find((l) => l.startsWith(id))
    expect(row).toMatch(new RegExp(`^${id} +${orgId} +create +\\S*redirect_uri\\S* +pending +asker \\(token\\) `))
    expect((await cli(server.base, ['requests', 'list', '--org', live])).stdout).not.toContain(id)
    expect((await cli(server.base, ['requests', 'list', '--state', 'bogus'])).code).toBe(2)

    const show = await cli(server.base, ['requests', 'show', id])
    expect(show.code).toBe(0)
    expect(show.stdout).toMatch(/^state: +pending$/m)
    expect(show.stdout).toMatch(/^requested_by: +asker \(token\)$/m)
    expect(show.stdout).toContain(`  redirect_uri: null → "${String(line.redirect_uri)}"`)
    expect(JSON.parse((await cli(server.base, ['--json', 'requests', 'show', id])).stdout)).toMatchObject({ id, org_id: orgId, operation: 'create', state: 'pending' })

    const own = await cli(server.base, ['requests', 'approve', id])
    expect(own.code).toBe(1)
    expect(own.stderr).toMatch(/^error: 403 self_approval: /)

    const approved = await cli(server.base, ['requests', 'approve', id, '--comment', 'checked with the org'], APPROVER)
    expect(approved.stderr).toBe('')
    expect(approved.code).toBe(0)
    expect(approved.stdout).toMatch(new RegExp(`^approved ${id}: create ${orgId} applied$`, 'm'))
    expect(approved.stdout).toMatch(/^decided_by: +approver \(token\)$/m)
    expect((await cli(server.base, ['get', orgId])).stdout).toMatch(/^redirect_uri: +https:\/\//m)

    const again = await cli(server.base, ['requests', 'approve', id], APPROVER)
    expect(again.code).toBe(1)
    expect(again.stderr).toMatch(/409 change_request_closed/)

    // The change feed: the request's events beside the org's own.
    const events = (await cli(server.base, ['events', '--org-id', orgId])).stdout.split('\n')
    expect(events.filter((l) => / change_request\.created /.test(l))).toEqual([
      expect.stringMatching(new RegExp(`^\\S+  change_request\\.created  ${orgId}  request ${id} \\(create, pending\\)  by asker \\(token\\)  .*redirect_uri: null → "https://`))
    ])
    expect(events.filter((l) => / change_request\.approved /.test(l))).toEqual([
      expect.stringMatching(new RegExp(`^\\S+  change_request\\.approved  ${orgId}  request ${id} \\(create, approved\\)  by approver \\(token\\)  `))
    ])
    expect(events.filter((l) => / vipps_org\.created /.test(l))).toEqual([expect.stringMatching(new RegExp(`vipps_org\\.created  ${orgId}  v1  by asker \\(token\\)`))])

    // History: who asked, who approved.
    const history = await cli(server.base, ['history', orgId])
    expect(history.stdout.split('\n')[0]).toMatch(/^VERSION +ACTION +AT +ACTOR +APPROVED_BY +CHANGES$/)
    expect(history.stdout.split('\n')[1]).toMatch(/^1 +create +\S+ +asker \(token\) +approver \(token\) +/)
  })

  it('a held update leaves the org as it is; reject needs a reason of 1-500 characters; the asker withdraws; turning Vipps off is never held', async () => {
    const before = await asker.getOrg(live)
    const update = await cli(server.base, ['update', live, '--redirect-uri', 'https://elsewhere.example.com/cb'])
    expect(update.code).toBe(5)
    const id = heldId(update)
    expect((await asker.getOrg(live)).redirect_uri).toBe(before.redirect_uri)
    const show = await cli(server.base, ['requests', 'show', id])
    expect(show.stdout).toContain(`  redirect_uri: "${before.redirect_uri}" → "https://elsewhere.example.com/cb"`)

    const tooLong = await cli(server.base, ['requests', 'reject', id, '--reason', 'x'.repeat(501)], APPROVER)
    expect(tooLong.code).toBe(1)
    expect(tooLong.stderr).toMatch(/^error: 400 validation_failed: /)
    expect(tooLong.stderr).toMatch(/^ {2}reason: /m)
    expect((await cli(server.base, ['requests', 'reject', id, '--reason', ''], APPROVER)).code).toBe(1)
    expect((await cli(server.base, ['requests', 'reject', id], APPROVER)).code).toBe(2) // --reason is required
    const rejected = await cli(server.base, ['requests', 'reject', id, '--reason', 'not the registered callback'], APPROVER)
    expect(rejected.code).toBe(0)
    expect(rejected.stdout).toMatch(/^reason: +not the registered callback$/m)
    expect((await asker.getOrg(live)).redirect_uri).toBe(before.redirect_uri)
    const listed = await cli(server.base, ['requests', 'list', '--state', 'rejected', '--org', live])
    expect(listed.stdout).toMatch(new RegExp(`^${id} .* rejected `, 'm'))
    expect((await cli(server.base, ['requests', 'list', '--org', live])).stdout).not.toContain(id)

    const second = heldId(await cli(server.base, ['update', live, '--client-id', 'vipps-client-other']))
    expect((await cli(server.base, ['requests', 'withdraw', second], APPROVER)).code).toBe(1) // only the asker
    const withdrawn = await cli(server.base, ['requests', 'withdraw', second])
    expect(withdrawn.code).toBe(0)
    expect(withdrawn.stdout).toBe(`withdrew ${second}: update ${live} not applied\n`)
    expect((await cli(server.base, ['requests', 'show', 'no-such-request'])).code).toBe(4)

    const off = await cli(server.base, ['disable', live])
    expect(off.code).toBe(0)
    expect(off.stdout).toBe(`${live}: vipps_enabled false\n`)
  })

  it('import reports the lines that became change requests (exit 5), and a second run finds them waiting instead of asking again', async () => {
    const test = uniqueOrgId('cli_cr_imp_test')
    const fresh = uniqueOrgId('cli_cr_imp_prod')
    const current = await asker.getOrg(live)
    const rows = [
      orgLine(test, { environment: 'test', redirect_uri: 'myapp://cb' }),
      orgLine(fresh),
      { ...current, redirect_uri: 'https://moved.example.com/cb' }
    ]
    const path = join(dir, 'import.ndjson')
    writeFileSync(path, ndjson(rows))
    const run = await cli(server.base, ['import', path])
    expect(run.stderr).toBe('')
    expect(run.code).toBe(5)
    const lines = run.stdout.trimEnd().split('\n')
    expect(lines[0]).toMatch(new RegExp(`^line 2: ${fresh}: create: held for approval: change request (\\S+)$`))
    expect(lines[1]).toMatch(new RegExp(`^line 3: ${live}: update redirect_uri: held for approval: change request (\\S+)$`))
    expect(lines[2]).toMatch(/^created 1, updated 0, unchanged 0, held for approval 2, failed 0 \(3 line\(s\) in /)
    const ids = lines.slice(0, 2).map((l) => l.split(' ').at(-1)!)
    expect((await asker.getOrg(test)).environment).toBe('test') // a test org is never held
    expect((await asker.getOrg(live)).redirect_uri).toBe(current.redirect_uri)

    const rerun = await cli(server.base, ['--json', 'import', path])
    expect(rerun.code).toBe(5)
    const report = JSON.parse(rerun.stdout)
    expect(report).toMatchObject({ created: 0, updated: 0, unchanged: 1, requested: 2, failed: 0 })
    expect(report.changes).toEqual([
      { action: 'create', line: 2, org_id: fresh, change_request_id: ids[0], already_pending: true },
      { action: 'update', line: 3, org_id: live, fields: ['redirect_uri'], change_request_id: ids[1], already_pending: true }
    ])
    const pending = await asker.listChangeRequests({ state: 'pending' })
    expect(pending.filter((r) => r.org_id === fresh || r.org_id === live).map((r) => r.id).sort()).toEqual([...ids].sort())
  })

  it('import --prune: deleting a production org the file does not name is held too, and reported as such; a test org goes at once', async () => {
    const own = await listenApp('sqlite', { ADMIN_TOKENS: `asker:${ASKER},approver:${APPROVER}`, APPROVALS: 'production' })
    try {
      const ownAsker = createClient({ baseUrl: own.base, token: ASKER })
      const kept = orgLine('cli_cr_kept', { environment: 'test', redirect_uri: 'myapp://cb' })
      const gone = orgLine('cli_cr_gone_test', { environment: 'test', redirect_uri: 'myapp://cb' })
      await ownAsker.createOrg(kept as never)
      await ownAsker.createOrg(gone as never)
      const held = (await ownAsker.createOrg(orgLine('cli_cr_prod') as never).catch((err: unknown) => err)) as HeldForApproval
      await createClient({ baseUrl: own.base, token: APPROVER }).approveChangeRequest(held.changeRequest.id)
      const path = join(dir, 'prune.ndjson')
      writeFileSync(path, ndjson([kept]))
      const run = await cli(own.base, ['import', path, '--prune', '--yes'])
      expect(run.stderr).toBe('')
      expect(run.code).toBe(5)
      const [line, summary] = run.stdout.trimEnd().split('\n')
      expect(line).toMatch(/^prune: cli_cr_prod: delete: held for approval: change request cr_\S+$/)
      expect(summary).toMatch(/^created 0, updated 0, unchanged 1, deleted 1, held for approval 1, failed 0 /)
      expect((await ownAsker.getOrg('cli_cr_prod')).org_id).toBe('cli_cr_prod')
      const again = await cli(own.base, ['import', path, '--prune', '--yes'])
      expect(again.stdout.split('\n')[0]).toBe(`prune: cli_cr_prod: delete: already waiting for approval as change request ${line!.split(' ').at(-1)}`)
      expect(await ownAsker.listChangeRequests({ org_id: 'cli_cr_prod' })).toHaveLength(1)
    } finally {
      await own.close()
    }
  })

  it('the typed client throws HeldForApproval for a 202 (status, Location, the request), from updateOrg and modifyOrg alike: a held write is never returned as done', async () => {
    const current = await asker.getOrgForUpdate(live)
    const held = await asker.updateOrg(live, { scopes: ['openid', 'name'] }, { ifMatch: current.etag }).catch((err: unknown) => err)
    expect(held).toBeInstanceOf(HeldForApproval)
    const { changeRequest, location, status } = held as HeldForApproval
    expect(status).toBe(202)
    expect(location).toBe(`/api/v1/change-requests/${changeRequest.id}`)
    expect(changeRequest).toMatchObject({ org_id: live, operation: 'update', state: 'pending', changes: { scopes: { from: ['openid'], to: ['openid', 'name'] } } })
    expect(await asker.getChangeRequest(changeRequest.id)).toEqual(changeRequest)
    const modified = await asker.modifyOrg(live, () => ({ client_id: 'vipps-client-modified' })).catch((err: unknown) => err)
    expect(modified).toBeInstanceOf(HeldForApproval)
    expect((await asker.getOrg(live)).scopes).toEqual(['openid'])
    await asker.withdrawChangeRequest(changeRequest.id)
    await asker.withdrawChangeRequest((modified as HeldForApproval).changeRequest.id)
  })

  it('requests has its commands in --help', async () => {
    const help = await cli(server.base, ['requests', '--help'])
    expect(help.code).toBe(0)
    for (const command of ['list', 'show', 'approve', 'reject', 'withdraw']) expect(help.stdout).toMatch(new RegExp(`^ {2}${command}\\b`, 'm'))
    expect((await cli(server.base, ['--help'])).stdout).toContain('5 held for approval')
  })
})
