import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { freePort } from './support/postgres.js'
import { rawRequest, waitReady } from './support/server-process.js'

const ROOT = join(import.meta.dirname, '..')
const GRACE_MS = 2_000

/** True once nothing accepts connections on the port any more. */
async function portFreeWithin(base: string, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms
  while (Date.now() < deadline) {
    try {
      await rawRequest(base, 'GET', '/healthz')
    } catch {
      return true
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return false
}

describe('npm start, as the README says to run it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vipps-orgs-start-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('stops when the process a supervisor started (npm) gets SIGTERM: the port is free within the grace period', async () => {
    const port = await freePort()
    const npm = spawn('npm', ['start'], {
      cwd: ROOT,
      env: { ...process.env, NODE_ENV: '', HOST: '127.0.0.1', PORT: String(port), DATABASE_URL: `sqlite:${join(dir, 'start.db')}`, SHUTDOWN_GRACE_MS: String(GRACE_MS), LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
      // its own process group, so that whatever happens the test leaves nothing behind
      detached: true
    })
    let out = ''
    npm.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()))
    npm.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()))
    const exited = new Promise<void>((resolve) => npm.on('exit', () => resolve()))
    const base = `http://127.0.0.1:${port}`
    try {
      expect(await waitReady(base, '/readyz', exited), out).toBe(true)
      expect((await rawRequest(base, 'GET', '/healthz')).status).toBe(200)

      // Exactly what a supervisor does: signal the process it started, not its children.
      npm.kill('SIGTERM')
      await exited
      expect(await portFreeWithin(base, GRACE_MS + 3_000), `still answering after npm exited:\n${out}`).toBe(true)
      expect(out).toMatch(/SIGTERM/)
    } finally {
      try {
        process.kill(-npm.pid!, 'SIGKILL')
      } catch {
        // the group is gone: nothing left behind
      }
    }
  }, 90_000)
})
