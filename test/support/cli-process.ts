import { spawn } from 'node:child_process'
import { join } from 'node:path'

/** The built `vipps-orgs` command (npm run build:packages, run by pretest). */
export const CLI_BIN = join(import.meta.dirname, '..', '..', 'packages', 'cli', 'bin', 'vipps-orgs.js')

export interface Run {
  code: number | null
  stdout: string
  stderr: string
}

/**
 * Runs `vipps-orgs <args>` against `base` as a user would, in a process of its own, with `input`
 * on its standard input and `token` as VIPPS_ORGS_TOKEN (null: none at all, not even inherited).
 */
export function runCli(base: string, args: string[], options: { input?: string; token: string | null }): Promise<Run> {
  const env: Record<string, string> = { ...(process.env as Record<string, string>), VIPPS_ORGS_URL: base, NO_COLOR: '1' }
  if (options.token === null) delete env.VIPPS_ORGS_TOKEN
  else env.VIPPS_ORGS_TOKEN = options.token
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_BIN, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()))
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
    child.on('error', reject)
    child.on('exit', (code) => resolve({ code, stdout, stderr }))
    child.stdin.end(options.input ?? '')
  })
}

/** Rows as newline-delimited JSON, as `import` reads them. */
export const ndjson = (rows: Record<string, unknown>[]) => rows.map((r) => `${JSON.stringify(r)}\n`).join('')

/** An org as a line of an import file: every field, with `overrides` on top. */
export function orgLine(orgId: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    org_id: orgId,
    client_id: `vipps-client-${orgId}`,
    client_secret_ref: `vault://orgs/${orgId}/vipps_secret`,
    redirect_uri: 'myapp://vipps-callback',
    scopes: ['openid', 'phoneNumber'],
    environment: 'test',
    vipps_enabled: true,
    ...overrides
  }
}
