import { createHmac } from 'node:crypto'
import { signingKey } from './secrets.js'

/**
 * The Standard Webhooks signature header: `v1,<base64 HMAC-SHA256>` of `id.timestamp.body`,
 * one per secret that signs (space-separated), so a receiver holding either secret verifies.
 */
export function signatureHeader(secrets: string[], id: string, timestampSeconds: number, body: string): string {
  const content = `${id}.${timestampSeconds}.${body}`
  return secrets.map((secret) => `v1,${createHmac('sha256', signingKey(secret)).update(content).digest('base64')}`).join(' ')
}
