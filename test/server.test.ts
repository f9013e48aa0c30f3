import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { BASE, validBody } from './support/app.js'
import { rawRequest, spawnServer } from './support/server-process.js'

const dir = mkdtempSync(join(tmpdir(), 'vipps-orgs-server-'))

describe('the server process', () => {
  it('creates its SQLite file and schema by itself, and keeps data across a restart', async () => {
    const databaseUrl = `sqlite:${join(dir, 'nested', 'dir', 'orgs.db')}`
    const first = await spawnServer({ DATABASE_URL: databaseUrl })
    const created = await rawRequest(first.base, 'POST', BASE, validBody('org_persisted'))
    expect(created.status).toBe(201)
    first.child.kill('SIGTERM')
    expect((await first.exited).code).toBe(0)

    const second = await spawnServer({ DATABASE_URL: databaseUrl })
    const res = await rawRequest(second.base, 'GET', `${BASE}/org_persisted/status`)
    expect(res.status).toBe(200)
    expect(JSON.parse(res.body).org_id).toBe('org_persisted')
    second.child.kill('SIGINT')
    expect((await second.exited).code).toBe(0)
  })

  it('warns at start when no way to sign in is configured (the open mode)', async () => {
    const server = await spawnServer({ DATABASE_URL: `sqlite:${join(dir, 'warn.db')}` })
    server.child.kill('SIGTERM')
    await server.exited
    expect(server.output()).toContain('requests without a credential act as anonymous with every right')
  })

  it('refuses to start in production with no way to sign in (ADMIN_TOKENS, OIDC_ISSUER) and without AUTH_DISABLED', async () => {
    const server = await spawnServer({ NODE_ENV: 'production', DATABASE_URL: `sqlite:${join(dir, 'prod.db')}` }, false)
    const { code } = await server.exited
    expect(code).not.toBe(0)
    expect(server.output()).toContain('ADMIN_TOKENS')
    expect(server.output()).toContain('OIDC_ISSUER')
  })

  it('starts in production with ADMIN_TOKENS, or with AUTH_DISABLED=true', async () => {
    const envs: Record<string, string>[] = [{ ADMIN_TOKENS: 'ops:0123456789abcdef' }, { AUTH_DISABLED: 'true' }]
    for (const env of envs) {
      const server = await spawnServer({ NODE_ENV: 'production', DATABASE_URL: `sqlite:${join(dir, 'prod2.db')}`, ...env })
      server.child.kill('SIGTERM')
      expect((await server.exited).code).toBe(0)
    }
  })

  /** 300 requests (one in ten a write), SIGTERM 30 ms in: every accepted request answered, exit 0. */
  async function sigtermUnderLoad(env: Record<string, string>) {
    const server = await spawnServer({ DATABASE_URL: `sqlite:${join(dir, `sigterm-${env.LOG_LEVEL}.db`)}`, ...env })
    await rawRequest(server.base, 'POST', BASE, validBody('org_load'))
    await rawRequest(server.base, 'GET', `${BASE}/org_load/status`)
    const statuses: number[] = []
    const errors: string[] = []
    const requests = Array.from({ length: 300 }, (_, i) => {
      const write = i % 10 === 0
      return rawRequest(
        server.base,
        write ? 'PUT' : 'GET',
        write ? `${BASE}/org_load` : `${BASE}/org_load/status`,
        write ? { client_id: `client-${i}` } : undefined
      ).then(
        (res) => statuses.push(res.status),
        // Refused or reset before the server took the connection: never accepted.
        (err: NodeJS.ErrnoException) => errors.push(err.code ?? 'unknown')
      )
    })
    await new Promise((resolve) => setTimeout(resolve, 30))
    server.child.kill('SIGTERM')
    await Promise.all(requests)
    expect((await server.exited).code).toBe(0)

    expect(statuses.length).toBeGreaterThan(0)
    expect(statuses.filter((s) => s !== 200)).toEqual([])
    expect(errors.filter((code) => code !== 'ECONNREFUSED' && code !== 'ECONNRESET')).toEqual([])
    return { server, statuses }
  }

  it('on SIGTERM under load, reads answered before routing (LOG_LEVEL=warn), finishes every request it accepted and exits 0', async () => {
    await sigtermUnderLoad({ LOG_LEVEL: 'warn' })
  })

  it('on SIGTERM under load finishes every request it accepted and exits 0', async () => {
    const { server, statuses } = await sigtermUnderLoad({ LOG_LEVEL: 'info' })
    // Every request the server logged as received, it logged as completed.
    const lines = server
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { reqId?: string; msg: string })
    const received = new Set(lines.filter((l) => l.msg === 'incoming request').map((l) => l.reqId))
    const completed = new Set(lines.filter((l) => l.msg === 'request completed').map((l) => l.reqId))
    expect([...received].filter((id) => !completed.has(id))).toEqual([])
    expect(completed.size).toBe(statuses.length + 3) // + the create, the first read and the readiness probe
  })
})
