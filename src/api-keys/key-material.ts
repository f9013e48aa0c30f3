import { hash, randomBytes } from 'node:crypto'

/** `vok_` + 43 base64url characters: 32 random bytes. */
export const KEY_PREFIX = 'vok_'
export const KEY_LENGTH = KEY_PREFIX.length + 43
const KEY_FORMAT = /^vok_[A-Za-z0-9_-]{43}$/

export interface NewKeyMaterial {
  /** Shown once, to the admin who creates it; never stored. */
  key: string
  digest: string
  /** The first 8 characters after `vok_`: tells keys apart without revealing them. */
  prefix: string
}

/**
 * SHA-256 of the key, base64url: what is stored and looked up. A key carries 256 random bits, so
 * a fast digest is enough (no password hash: nothing to guess). The one-shot `hash` costs a tenth
 * of a Hash object's update and digest on a key this short (it runs on every keyed read).
 */
export function keyDigest(key: string): string {
  return hash('sha256', key, 'base64url')
}

export function isKeyFormat(token: string): boolean {
  return KEY_FORMAT.test(token)
}

export function newKeyMaterial(): NewKeyMaterial {
  const key = KEY_PREFIX + randomBytes(32).toString('base64url')
  return { key, digest: keyDigest(key), prefix: key.slice(KEY_PREFIX.length, KEY_PREFIX.length + 8) }
}

export function newKeyId(): string {
  return `key_${randomBytes(12).toString('base64url')}`
}
