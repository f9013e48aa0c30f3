import { type LookupAddress, lookup as dnsLookup } from 'node:dns'
import type { LookupFunction } from 'node:net'
import ipaddr from 'ipaddr.js'

export interface UrlPolicy {
  /** Production: https only. */
  production: boolean
  /** Loopback, private, link-local and metadata addresses allowed (development). */
  allowPrivate: boolean
}

/**
 * Why an address may not receive webhooks, or undefined. Only global unicast addresses may:
 * not loopback, private, link-local (cloud metadata: 169.254.169.254), unique-local (fd00:ec2::254),
 * carrier-grade NAT (100.100.100.200), multicast, reserved, unspecified, nor IPv4 inside IPv6.
 */
export function blockedAddress(address: string): string | undefined {
  if (!ipaddr.isValid(address)) return 'not an IP address'
  let parsed = ipaddr.parse(address)
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) {
    parsed = (parsed as ipaddr.IPv6).toIPv4Address()
  }
  const range = parsed.range()
  return range === 'unicast' ? undefined : range
}

const MAX_URL_LENGTH = 2048

/** Why a webhook URL is refused when it is registered, or undefined. Host names are checked again at delivery. */
export function webhookUrlError(raw: string, policy: UrlPolicy): string | undefined {
  if (raw.length > MAX_URL_LENGTH) return `must be at most ${MAX_URL_LENGTH} characters`
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return 'must be an absolute URL such as https://example.com/webhooks'
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must be an https:// URL'
  if (policy.production && url.protocol !== 'https:') return 'must be an https:// URL in production'
  if (url.username !== '' || url.password !== '') return 'must not carry a user name or password'
  if (url.hash !== '' || raw.includes('#')) return 'must not have a fragment (#…)'
  if (!policy.allowPrivate) {
    const host = url.hostname.replace(/^\[|\]$/g, '')
    const blocked = ipaddr.isValid(host) ? blockedAddress(host) : undefined
    if (blocked) return `must not point at a ${blocked} address`
  }
  return undefined
}

export class BlockedAddressError extends Error {
  override name = 'BlockedAddressError'
  readonly code = 'EBLOCKEDADDRESS'
}

/**
 * A DNS lookup for outgoing deliveries that refuses names resolving to addresses that may not
 * receive webhooks. It runs when the connection is made, on the addresses connected to, so a
 * name that resolved to a public address when registered and to a private one now (DNS
 * rebinding) is refused too.
 */
export function guardedLookup(allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err, '', 4)
      if (!allowPrivate) {
        for (const { address } of addresses) {
          const blocked = blockedAddress(address)
          if (blocked) return callback(new BlockedAddressError(`${hostname} resolves to a ${blocked} address (${address})`), '', 4)
        }
      }
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses)
      const first = addresses[0]
      if (!first) return callback(new Error(`${hostname} has no address`), '', 4)
      callback(null, first.address, first.family)
    })
  }
}
