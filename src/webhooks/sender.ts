import { Agent as HttpAgent, type IncomingMessage, request as httpRequest } from 'node:http'
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https'
import ipaddr from 'ipaddr.js'
import { parseRetryAfter } from './retry-schedule.js'
import { blockedAddress, guardedLookup } from './url-guard.js'

/** What one attempt came to. */
export interface SendResult {
  ok: boolean
  responseStatus?: number
  error?: string
  retryAfterMs?: number
  durationMs: number
}

const MAX_RESPONSE_BYTES = 4 * 1024

/**
 * POSTs a signed delivery. No redirects are followed (node:http never does), at most 4 KiB of
 * the response is read, the whole attempt is bounded by the timeout, and addresses that may not
 * receive webhooks are refused when the connection is made (see url-guard.ts).
 */
export class WebhookSender {
  private readonly http: HttpAgent
  private readonly https: HttpsAgent

  constructor(
    private readonly timeoutMs: number,
    private readonly allowPrivate: boolean
  ) {
    const lookup = guardedLookup(allowPrivate)
    this.http = new HttpAgent({ keepAlive: true, maxSockets: 16, lookup })
    this.https = new HttpsAgent({ keepAlive: true, maxSockets: 16, lookup })
  }

  send(url: string, headers: Record<string, string>, body: string): Promise<SendResult> {
    const started = performance.now()
    const finish = (result: Omit<SendResult, 'durationMs'>): SendResult => ({
      ...result,
      durationMs: Math.round(performance.now() - started)
    })
    const target = new URL(url)
    const host = target.hostname.replace(/^\[|\]$/g, '')
    // An IP address in the URL is connected to without a lookup: check it here.
    const blocked = !this.allowPrivate && ipaddr.isValid(host) ? blockedAddress(host) : undefined
    if (blocked) return Promise.resolve(finish({ ok: false, error: `refused: ${host} is a ${blocked} address` }))

    return new Promise((resolve) => {
      let settled = false
      const settle = (result: Omit<SendResult, 'durationMs'>) => {
        if (settled) return
        settled = true
        clearTimeout(timer)
        resolve(finish(result))
      }
      const secure = target.protocol === 'https:'
      const request = (secure ? httpsRequest : httpRequest)(target, {
        method: 'POST',
        agent: secure ? this.https : this.http,
        headers: { ...headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) }
      })
      const timer = setTimeout(() => {
        request.destroy()
        settle({ ok: false, error: `no answer within ${this.timeoutMs} ms` })
      }, this.timeoutMs)
      request.on('response', (response: IncomingMessage) => {
        const status = response.statusCode ?? 0
        let read = 0
        response.on('data', (chunk: Buffer) => {
          read += chunk.length
          if (read > MAX_RESPONSE_BYTES) response.destroy()
        })
        const done = () => {
          const ok = status >= 200 && status < 300
          const retryAfterMs = parseRetryAfter(response.headers['retry-after'], Date.now())
          settle({
            ok,
            responseStatus: status,
            ...(ok ? {} : { error: `HTTP ${status}` }),
            ...(retryAfterMs === undefined ? {} : { retryAfterMs })
          })
        }
        response.on('end', done)
        response.on('close', done)
        response.on('error', done)
      })
      request.on('error', (err: NodeJS.ErrnoException) => settle({ ok: false, error: describe(err) }))
      request.end(body)
    })
  }

  close(): void {
    this.http.destroy()
    this.https.destroy()
  }
}

function describe(err: NodeJS.ErrnoException): string {
  if (err.name === 'BlockedAddressError') return `refused: ${err.message}`
  const code = err.code ? ` (${err.code})` : ''
  return `${err.message}${code}`.slice(0, 300)
}
