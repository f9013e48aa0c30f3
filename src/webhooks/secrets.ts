import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'

const PREFIX = 'whsec_'
const SECRET_BYTES = 32

/** A new endpoint secret as Standard Webhooks writes them: `whsec_` + base64 of random bytes. */
export function newSecret(): string {
  return PREFIX + randomBytes(SECRET_BYTES).toString('base64')
}

/** The HMAC key of a secret: the base64-decoded part after the prefix. */
export function signingKey(secret: string): Buffer {
  return Buffer.from(secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : secret, 'base64')
}

export class SecretsKeyMissingError extends Error {
  override name = 'SecretsKeyMissingError'
}

/**
 * Webhook secrets at rest: sealed with AES-256-GCM under SECRETS_KEY when one is set
 * (`gcm:<iv>:<tag>:<ciphertext>`), otherwise kept as they are (`plain:<secret>`; development).
 */
export class SecretBox {
  constructor(private readonly key: Buffer | undefined) {}

  get encrypts(): boolean {
    return this.key !== undefined
  }

  seal(secret: string): string {
    if (!this.key) return `plain:${secret}`
    const iv = randomBytes(12)
    const cipher = createCipheriv('aes-256-gcm', this.key, iv)
    const sealed = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()])
    return `gcm:${iv.toString('base64')}:${cipher.getAuthTag().toString('base64')}:${sealed.toString('base64')}`
  }

  open(stored: string): string {
    if (stored.startsWith('plain:')) return stored.slice('plain:'.length)
    const [kind, iv, tag, sealed] = stored.split(':')
    if (kind !== 'gcm' || !iv || !tag || !sealed) throw new Error('a webhook secret is stored in an unknown form')
    if (!this.key) throw new SecretsKeyMissingError('a webhook secret is encrypted and SECRETS_KEY is not set')
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64'))
    decipher.setAuthTag(Buffer.from(tag, 'base64'))
    return Buffer.concat([decipher.update(Buffer.from(sealed, 'base64')), decipher.final()]).toString('utf8')
  }
}
