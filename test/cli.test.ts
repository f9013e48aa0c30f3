import { spawn } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createClient, type VippsOrgsClient } from '@vipps-orgs/client'
import { uniqueOrgId } from './support/app.js'
import { freePort } from './support/postgres.js'
import { type ListeningApp, listenApp } from './support/client-server.js'
import { CLI_BIN, ndjson, orgLine, type Run, runCli } from './support/cli-process.js'

/** The CLI as users run it (`vipps-orgs …`, a subprocess) against the real service over HTTP. */

const TOKEN = 'cli-test-token'
const dir = mkdtempSync(join(tmpdir(), 'vipps-orgs-cli-'))

const cli = (base: string, args: string[], options: { input?: string; token?: string | null } = {}): Promise<Run> =>
  runCli(base, args, { ...(options.input === undefined ? {} : { input: options.input }), token: options.token === undefined ? TOKEN : options.token })

function file(name: string, text: string): string {
  const path = join(dir, name)
  writeFileSync(path, text)
  return path
}

async function eventCount(client: VippsOrgsClient): Promise<number> {
  let count = 0
  let after: string | undefined
  for (;;) {
    const page = await client.listEvents({ limit: 1000, ...(after ? { after } : {}) })
    count += page.data.length
    if (page.data.length === 0) return count
    after = page.next_cursor
  }
}


describe('vipps-orgs (the CLI)', () => {
  let source: ListeningApp
  let target: ListeningApp
  let api: VippsOrgsClient
  let targetApi: VippsOrgsClient
  beforeAll(async () => {
    ;[source, target] = await Promise.all([listenApp('sqlite', { ADMIN_TOKENS: `ops:${TOKEN}` }), listenApp('sqlite', { ADMIN_TOKENS: `ops:${TOKEN}` })])
    api = createClient({ baseUrl: source.base, token: TOKEN })
    targetApi = createClient({ baseUrl: target.base, token: TOKEN })
  })
  afterAll(async () => {
    await Promise.all([source?.close(), target?.close()])
  })

  describe('export and import', () => {
    it('export → import into an empty service → export gives the same file; a second import changes nothing', async () => {
      for (let i = 0; i < 30; i++) {
        const id = `exp_${String(i).padStart(2, '0')}_${uniqueOrgId('x')}`
        await api.createOrg(orgLine(id, { environment: i % 2 ? 'production' : 'test', redirect_uri: i % 2 ? 'https://app.example.com/cb' : 'myapp://cb', scopes: i % 3 ? ['openid'] : ['openid', 'name', 'email'], vipps_enabled: i % 5 !== 0 }) as never)
      }
      const exported = await cli(source.base, ['export', '--include-disabled'])
      expect(exported.code).toBe(0)
      const lines = exported.stdout.trimEnd().split('\n')
      expect(lines).toHaveLength(30)
      expect(Object.keys(JSON.parse(lines[0]!) as object)).toEqual(['org_id', 'client_id', 'client_secret_ref', 'redirect_uri', 'scopes', 'environment', 'vipps_enabled'])
      // Without --include-disabled: only the enabled ones.
      expect((await cli(source.base, ['export'])).stdout.trimEnd().split('\n')).toHaveLength(24)

      const path = file('export.ndjson', exported.stdout)
      const imported = await cli(target.base, ['import', path, '--concurrency', '4'])
      expect(imported.stderr).toBe('')
      expect(imported.code).toBe(0)
      expect(imported.stdout).toMatch(/^created 30, updated 0, unchanged 0, failed 0 /)
      const reexported = await cli(target.base, ['export', '--include-disabled'])
      expect(reexported.stdout.split('\n')).toEqual(exported.stdout.split('\n'))

      const events = await eventCount(targetApi)
      expect(events).toBe(30)
      const again = await cli(target.base, ['import', path])
      expect(again.code).toBe(0)
      expect(again.stdout).toMatch(/^created 0, updated 0, unchanged 30, failed 0 /)
      expect(await eventCount(targetApi)).toBe(events)
    })

    it('--dry-run prints what would change and writes nothing', async () => {
      const existing = uniqueOrgId('dry')
      await targetApi.createOrg(orgLine(existing) as never)
      const fresh = uniqueOrgId('dry')
      const before = await eventCount(targetApi)
      const path = file('dry.ndjson', ndjson([orgLine(existing, { client_id: 'vipps-client-changed', vipps_enabled: false }), orgLine(fresh)]))
      const run = await cli(target.base, ['import', path, '--dry-run'])
      expect(run.code).toBe(0)
      expect(run.stdout.split('\n')).toEqual(expect.arrayContaining([`update ${existing}: client_id, vipps_enabled`, `create ${fresh}`]))
      expect(run.stdout).toMatch(/dry run: would have created 1, updated 1, unchanged 0, failed 0/)
      expect(await eventCount(targetApi)).toBe(before)
      expect((await targetApi.getOrg(existing)).client_id).toBe(`vipps-client-${existing}`)
      await expect(targetApi.getOrg(fresh)).rejects.toMatchObject({ status: 404 })
    })

    it('reports each bad line by number as "line N: org_id: field: message", applies the rest, exits 1', async () => {
      const good1 = uniqueOrgId('good')
      const good2 = uniqueOrgId('good')
      const bad = uniqueOrgId('bad')
      const text = [
        JSON.stringify(orgLine(good1)),
        '{"org_id": "broken", ',
        JSON.stringify(orgLine(bad, { client_secret_ref: 'plain-secret', redirect_uri: 'http://evil.example.com/cb' })),
        '',
        JSON.stringify(orgLine(good2)),
        JSON.stringify({ ...orgLine(uniqueOrgId('typo')), scope: ['openid'] }),
        JSON.stringify(orgLine(good1))
      ].join('\n')
      const run = await cli(target.base, ['import', '-'], { input: text })
      expect(run.code).toBe(1)
      const errors = run.stderr.trimEnd().split('\n')
      expect(errors[0]).toMatch(/^line 2: \?: -: malformed JSON/)
      expect(errors.slice(1, 3)).toEqual([
        `line 3: ${bad}: client_secret_ref: must be a vault reference such as vault://orgs/<org_id>/vipps_secret, never the secret itself`,
        `line 3: ${bad}: redirect_uri: http:// is only allowed for localhost, 127.0.0.1 or [::1]; use https://`
      ])
      expect(errors[3]).toMatch(/^line 6: typo_\S+: scope: unknown field$/)
      expect(errors[4]).toBe(`line 7: ${good1}: org_id: already on line 1`)
      expect(run.stdout).toMatch(/^created 2, updated 0, unchanged 0, failed 4 /)
      expect((await targetApi.getOrg(good1)).org_id).toBe(good1)
      expect((await targetApi.getOrg(good2)).org_id).toBe(good2)
      await expect(targetApi.getOrg(bad)).rejects.toMatchObject({ status: 404 })
    })

    it('--prune soft-deletes the live orgs the file does not name, only when confirmed', async () => {
      // A server in the open mode: no credential needed (a presented one would be checked, and unknown here).
      const prunable = await listenApp('sqlite')
      try {
        const c = createClient({ baseUrl: prunable.base })
        const keep = orgLine('keep_me')
        const disabledKeep = orgLine('keep_me_too', { vipps_enabled: false })
        await c.createOrg(keep as never)
        await c.createOrg(disabledKeep as never)
        await c.createOrg(orgLine('drop_me') as never)
        await c.createOrg(orgLine('drop_me_too', { vipps_enabled: false }) as never)
        const path = file('prune.ndjson', ndjson([keep, disabledKeep, orgLine('new_one')]))

        const dry = await cli(prunable.base, ['import', path, '--prune', '--dry-run'], { token: null })
        expect(dry.code).toBe(0)
        expect(dry.stdout.split('\n')).toEqual(expect.arrayContaining(['create new_one', 'delete drop_me', 'delete drop_me_too']))
        expect(dry.stdout).toMatch(/would have created 1, updated 0, unchanged 2, deleted 2, failed 0/)

        // No TTY and no --yes: refused before any write.
        const refused = await cli(prunable.base, ['import', path, '--prune'], { token: null })
        expect(refused.code).toBe(2)
        expect(refused.stderr).toMatch(/--prune would delete 2 org\(s\) not in the file: not confirmed/)
        await expect(c.getOrg('new_one')).rejects.toMatchObject({ status: 404 })

        // A line too broken to name its org could be any org: --prune refuses and writes nothing.
        const broken = file('prune-broken.ndjson', [JSON.stringify(keep), JSON.stringify(disabledKeep), '{"org_id":"drop_me", "client_id": "c2",}', JSON.stringify(orgLine('new_one'))].join('\n'))
        const unsafe = await cli(prunable.base, ['import', broken, '--prune', '--yes'], { token: null })
        expect(unsafe.code).toBe(1)
        expect(unsafe.stderr).toMatch(/--prune refused: line 3 names no org \(fix it first\); nothing was written/)
        expect((await c.getOrg('drop_me')).org_id).toBe('drop_me')
        await expect(c.getOrg('new_one')).rejects.toMatchObject({ status: 404 })

        const run = await cli(prunable.base, ['import', path, '--prune', '--yes'], { token: null })
        expect(run.code).toBe(0)
        expect(run.stdout).toMatch(/^created 1, updated 0, unchanged 2, deleted 2, failed 0 /)
        const live: string[] = []
        for await (const org of c.listAllOrgs({ vipps_enabled: 'any' })) live.push(org.org_id)
        expect(live.sort()).toEqual(['keep_me', 'keep_me_too', 'new_one'])
        expect((await c.getOrgHistory('drop_me')).data.map((e) => e.action)).toEqual(['create', 'delete'])
      } finally {
        await prunable.close()
      }
    })

    it('refuses a line without a required field, for an existing org too: nothing of it is applied', async () => {
      const id = uniqueOrgId('partial')
      await targetApi.createOrg(orgLine(id, { environment: 'production', scopes: ['openid', 'email'] }) as never)
      const run = await cli(target.base, ['import', '-'], { input: JSON.stringify({ org_id: id, vipps_enabled: false }) })
      expect(run.code).toBe(1)
      expect(run.stderr.trimEnd().split('\n')).toEqual([
        `line 1: ${id}: client_id: required`,
        `line 1: ${id}: client_secret_ref: required`,
        `line 1: ${id}: redirect_uri: required`
      ])
      expect(await targetApi.getOrg(id)).toMatchObject({ environment: 'production', scopes: ['openid', 'email'], vipps_enabled: true })
    })

    it('--json gives the report as JSON', async () => {
      const id = uniqueOrgId('json')
      const run = await cli(target.base, ['--json', 'import', '-'], { input: JSON.stringify(orgLine(id)) })
      expect(run.code).toBe(0)
      expect(JSON.parse(run.stdout)).toMatchObject({ created: 1, updated: 0, unchanged: 0, failed: 0, failures: [], changes: [{ action: 'create', org_id: id, line: 1 }] })
    })
  })

  describe('org commands', () => {
    it('create, get, status, disable, enable, update, history, list, delete', async () => {
      const id = uniqueOrgId('cmd')
      const created = await cli(source.base, ['create', '--org-id', id, '--client-id', 'vipps-client-1', '--client-secret-ref', `vault://orgs/${id}/s`, '--redirect-uri', 'myapp://cb', '--scopes', 'openid,name', '--environment', 'production'])
      expect(created.code).toBe(0)
      expect(created.stdout).toContain(`created ${id}`)

      const got = await cli(source.base, ['--json', 'get', id])
      expect(JSON.parse(got.stdout)).toMatchObject({ org_id: id, scopes: ['openid', 'name'], environment: 'production', client_secret_ref: `vault://orgs/${id}/s` })
      const human = await cli(source.base, ['get', id])
      expect(human.stdout).toMatch(/^org_id: +\S+$/m)
      const etag = /^etag: +(\S+)$/m.exec(human.stdout)?.[1]
      expect(etag).toBe('"1"')

      expect((await cli(source.base, ['disable', id])).stdout.trim()).toBe(`${id}: vipps_enabled false`)
      expect(JSON.parse((await cli(source.base, ['--json', 'status', id])).stdout)).toEqual({ org_id: id, vipps_enabled: false, client_id: 'vipps-client-1', environment: 'production' })
      expect((await cli(source.base, ['enable', id])).code).toBe(0)

      // A stale ETag is refused: one line, exit 1.
      const stale = await cli(source.base, ['update', id, '--client-id', 'vipps-client-2', '--if-match', etag!])
      expect(stale.code).toBe(1)
      expect(stale.stderr).toMatch(/^error: 412 precondition_failed: /)
      const updated = await cli(source.base, ['--json', 'update', id, '--client-id', 'vipps-client-2'])
      expect(JSON.parse(updated.stdout)).toMatchObject({ org_id: id, client_id: 'vipps-client-2' })

      const history = await cli(source.base, ['history', id])
      expect(history.stdout.split('\n')[0]).toMatch(/^VERSION +ACTION +AT +ACTOR +CHANGES$/)
      expect(history.stdout.split('\n')[1]).toMatch(/ ops \(token\) /)
      expect(history.stdout).toContain('vipps_enabled: true → false')
      const listed = JSON.parse((await cli(source.base, ['--json', 'list', '--all', '--environment', 'production'])).stdout) as { org_id: string }[]
      expect(listed.map((o) => o.org_id)).toContain(id)
      expect((await cli(source.base, ['list', '--limit', '1'])).stdout).toMatch(/^ORG_ID +CLIENT_ID +VIPPS_ENABLED +ENVIRONMENT +CREATED_AT\n.*\npage 1 of \d+ \(\d+ org\(s\)\)\n$/)

      const notConfirmed = await cli(source.base, ['delete', id])
      expect(notConfirmed.code).toBe(2)
      expect(notConfirmed.stderr).toContain('pass --yes')
      expect((await cli(source.base, ['delete', id, '--yes'])).stdout).toMatch(new RegExp(`^deleted ${id} at `))
      const gone = await cli(source.base, ['get', id])
      expect(gone.code).toBe(4)
      expect(gone.stderr).toBe(`error: 404 not_found: No Vipps configuration for ${id}\n`)
    })

    it('create from --file, problems on one line with the field errors under it', async () => {
      const id = uniqueOrgId('file')
      const path = file('create.json', JSON.stringify({ org_id: id, client_id: 'c', client_secret_ref: 'oops', redirect_uri: 'myapp://cb' }))
      const bad = await cli(source.base, ['create', '--file', path])
      expect(bad.code).toBe(1)
      expect(bad.stderr).toBe(
        'error: 400 validation_failed: The request has invalid fields: client_secret_ref\n' +
          '  client_secret_ref: must be a vault reference such as vault://orgs/<org_id>/vipps_secret, never the secret itself\n'
      )
      const ok = await cli(source.base, ['--json', 'create', '--file', path, '--client-secret-ref', `vault://orgs/${id}/s`])
      expect(ok.code).toBe(0)
      expect(JSON.parse(ok.stdout)).toMatchObject({ org_id: id, environment: 'test', vipps_enabled: true })
    })

    it('needs the token for writes: 401 without it', async () => {
      const run = await cli(source.base, ['disable', 'whatever'], { token: null })
      expect(run.code).toBe(1)
      expect(run.stderr).toMatch(/^error: 401 unauthorized: /)
    })

    it('exit 3 when the service cannot be reached, 2 on bad usage', async () => {
      const nobody = `http://127.0.0.1:${await freePort()}`
      const down = await cli(nobody, ['status', 'org_x'])
      expect(down.code).toBe(3)
      expect(down.stderr).toBe(`error: cannot reach the service at ${nobody} (ECONNREFUSED)\n`)
      expect((await cli(source.base, ['list', '--bogus'])).code).toBe(2)
      expect((await cli(source.base, ['frobnicate'])).code).toBe(2)
      expect((await cli(source.base, ['list', '--environment', 'staging'])).code).toBe(2)
    })

    it('has --help on every command', async () => {
      const commands = ['list', 'get', 'status', 'create', 'update', 'enable', 'disable', 'delete', 'history', 'events', 'export', 'import', 'webhooks', 'webhooks list', 'webhooks get', 'webhooks create', 'webhooks update', 'webhooks delete', 'webhooks rotate-secret', 'webhooks test', 'webhooks deliveries', 'keys', 'keys create', 'keys list', 'keys revoke']
      const runs: Run[] = []
      for (let i = 0; i < commands.length; i += 4) {
        runs.push(...(await Promise.all(commands.slice(i, i + 4).map((c) => cli(source.base, [...c.split(' '), '--help'])))))
      }
      runs.forEach((run, i) => {
        expect(run.code, commands[i]).toBe(0)
        expect(run.stdout, commands[i]).toContain(`Usage: vipps-orgs ${commands[i]}`)
      })
      const top = await cli(source.base, ['--help'])
      expect(top.stdout).toContain('Exit codes: 0 ok')
    }, 120_000)
  })

  describe('events and webhooks', () => {
    it('events prints a page and the next cursor; --follow prints changes as they commit until Ctrl-C', async () => {
      const page = await cli(source.base, ['--json', 'events', '--limit', '2'])
      expect(JSON.parse(page.stdout)).toMatchObject({ data: expect.any(Array), next_cursor: expect.any(String) })
      expect((await cli(source.base, ['events', '--limit', '1'])).stdout).toMatch(/next cursor: \S+\n$/)

      const id = uniqueOrgId('follow')
      // Follow from the current end, pinned before the follower starts (however slow its start).
      const { next_cursor: now } = await api.listEvents({ after: 'now' })
      const child = spawn(process.execPath, [CLI_BIN, '--url', source.base, '--json', 'events', '--follow', '--after', now], { stdio: ['ignore', 'pipe', 'pipe'] })
      let out = ''
      child.stdout.on('data', (c: Buffer) => (out += c.toString()))
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
      try {
        await api.createOrg(orgLine(id) as never)
        await api.updateOrg(id, { vipps_enabled: false })
        const deadline = Date.now() + 15_000
        while (out.trim().split('\n').filter(Boolean).length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50))
        const events = out.trim().split('\n').map((l) => JSON.parse(l) as { type: string; org_id: string })
        expect(events.map((e) => [e.type, e.org_id])).toEqual([
          ['vipps_org.created', id],
          ['vipps_org.updated', id]
        ])
      } finally {
        child.kill('SIGINT')
      }
      expect(await exited).toBe(0)
    })

    it('keys create prints the key once, clearly; the key works as --token within its role; list shows no key; revoke --yes', async () => {
      const made = await cli(source.base, ['keys', 'create', '--name', 'cli-editor', '--role', 'editor', '--org-ids', 'cli_key_org,cli_other'])
      expect(made.code).toBe(0)
      const key = /^key: (vok_[A-Za-z0-9_-]{43})$/m.exec(made.stdout)?.[1]
      expect(key).toBeDefined()
      expect(made.stdout.split(key!)).toHaveLength(2)
      expect(made.stdout).toContain('This is the only time the key is shown')
      expect(made.stdout).toMatch(/^created_by: +ops \(token\)$/m)
      const id = /^id: +(key_\S+)$/m.exec(made.stdout)?.[1]

      const created = await cli(source.base, ['create', '--org-id', 'cli_key_org', '--client-id', 'c', '--client-secret-ref', 'vault://x/y', '--redirect-uri', 'myapp://cb'], { token: key! })
      expect(created.code).toBe(0)
      const history = await cli(source.base, ['history', 'cli_key_org'], { token: key! })
      expect(history.stdout).toContain('cli-editor (API key)')
      const outside = await cli(source.base, ['create', '--org-id', 'cli_not_mine', '--client-id', 'c', '--client-secret-ref', 'vault://x/y', '--redirect-uri', 'myapp://cb'], { token: key! })
      expect([outside.code, outside.stderr]).toEqual([1, expect.stringMatching(/^error: 403 forbidden: /)])
      expect((await cli(source.base, ['keys', 'list'], { token: key! })).stderr).toMatch(/^error: 403 forbidden: .*api_keys:read/)

      const listed = await cli(source.base, ['keys', 'list'])
      expect(listed.stdout.split('\n')[0]).toMatch(/^ID +NAME +ROLE +ORG_IDS +PREFIX +CREATED_AT +CREATED_BY +EXPIRES_AT +LAST_USED_AT +REVOKED_AT$/)
      expect(listed.stdout).toContain(id!)
      expect(listed.stdout).not.toContain(key!.slice(4))
      expect((await cli(source.base, ['keys', 'revoke', id!])).code).toBe(2)
      const revoked = await cli(source.base, ['keys', 'revoke', id!, '--yes'])
      expect(revoked.stdout).toMatch(new RegExp(`^revoked API key ${id} \\(cli-editor\\) at `))
      const refused = await cli(source.base, ['disable', 'cli_key_org'], { token: key! })
      expect(refused.stderr).toMatch(/^error: 401 unauthorized: /)
      const json = JSON.parse((await cli(source.base, ['--json', 'keys', 'create', '--name', 'j', '--role', 'viewer', '--expires-at', '2999-01-01T00:00:00Z'])).stdout)
      expect(json).toMatchObject({ name: 'j', role: 'viewer', expires_at: '2999-01-01T00:00:00Z', key: expect.stringMatching(/^vok_/) })
      expect((await cli(source.base, ['keys', 'create', '--name', 'x', '--role', 'root'])).code).toBe(2)
    })

    it('webhooks create (secret shown once), list, test, deliveries, rotate-secret, delete --yes', async () => {
      const created = JSON.parse((await cli(source.base, ['--json', 'webhooks', 'create', 'http://127.0.0.1:9/hook', '--description', 'cli', '--event-types', 'vipps_org.created'])).stdout) as { id: string; secret: string; event_types: string[] }
      expect(created.secret).toMatch(/^whsec_/)
      expect(created.event_types).toEqual(['vipps_org.created'])
      expect((await cli(source.base, ['webhooks', 'list'])).stdout).toContain(created.id)
      expect((await cli(source.base, ['webhooks', 'test', created.id])).stdout).toMatch(/^queued webhook\.test /)
      expect((await cli(source.base, ['webhooks', 'deliveries', created.id])).code).toBe(0)
      expect(JSON.parse((await cli(source.base, ['--json', 'webhooks', 'update', created.id, '--disabled', '--endpoint', 'http://127.0.0.1:10/hook'])).stdout)).toMatchObject({ enabled: false, url: 'http://127.0.0.1:10/hook' })
      expect(JSON.parse((await cli(source.base, ['--json', 'webhooks', 'rotate-secret', created.id])).stdout).secret).not.toBe(created.secret)
      expect((await cli(source.base, ['webhooks', 'delete', created.id])).code).toBe(2)
      expect((await cli(source.base, ['webhooks', 'delete', created.id, '--yes'])).code).toBe(0)
      expect((await cli(source.base, ['webhooks', 'get', created.id])).code).toBe(4)
    })
  })
})
