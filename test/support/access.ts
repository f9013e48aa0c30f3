import { expect } from 'vitest'
import type { TestApp } from './app.js'

/** Credentials and API keys for the access tests. */
export const ADMIN_TOKEN = 'admin-token-0123456789abcdef'
export const OPS_TOKEN = 'ops-token-0123456789abcdef'

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` })

export const API_KEYS = '/api/v1/api-keys'

export interface CreatedKey {
  id: string
  key: string
  name: string
  role: string
  org_ids: string[] | null
  prefix: string
  expires_at: string | null
  created_by: { type: string; id: string; name: string }
}

/** Creates an API key through the API (as the bootstrap admin token unless told otherwise). */
export async function createKey(t: TestApp, body: Record<string, unknown>, token = ADMIN_TOKEN): Promise<CreatedKey> {
  const res = await t.request({ method: 'POST', url: API_KEYS, payload: body, headers: bearer(token) })
  if (res.statusCode !== 201) throw new Error(`creating a key failed: ${res.statusCode} ${res.body}`)
  return res.json() as CreatedKey
}

/** Asserts a 403 forbidden naming the right. */
export function expectForbidden(res: { statusCode: number; body: string; headers: Record<string, unknown> }, right: string): void {
  expect(res.statusCode, res.body).toBe(403)
  const problem = JSON.parse(res.body) as { code: string; right: string; detail: string }
  expect(problem.code).toBe('forbidden')
  expect(problem.right).toBe(right)
  expect(problem.detail).toContain(right)
}

/** The same key with one character changed (still of the key's format). */
export function oneCharChanged(key: string, at = key.length - 5): string {
  const c = key[at] === 'A' ? 'B' : 'A'
  return key.slice(0, at) + c + key.slice(at + 1)
}
