import { Writable } from 'node:stream'
import type { FastifyBaseLogger } from 'fastify'
import pino from 'pino'
import { describe, expect, it } from 'vitest'
import { lazyChildLogger } from '../../src/http/lazy-logger.js'

function capture(level: string) {
  const lines: Record<string, unknown>[] = []
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(JSON.parse(String(chunk)))
      done()
    }
  })
  return { logger: pino({ level }, stream) as unknown as FastifyBaseLogger, lines }
}

describe('the per-request logger', () => {
  it('logs at enabled levels with the request id bound, and nothing at the others', () => {
    const { logger, lines } = capture('warn')
    const child = lazyChildLogger(logger, { reqId: 'r-1' }, {})
    child.info({ a: 1 }, 'not logged')
    child.debug('not logged')
    child.error({ code: 'x' }, 'failed')
    child.warn('careful')
    expect(lines.map((l) => [l.reqId, l.msg, l.level])).toEqual([
      ['r-1', 'failed', 50],
      ['r-1', 'careful', 40]
    ])
    expect(child.level).toBe('warn')
    expect(lines[0]!.code).toBe('x')
  })

  it('makes children that keep the request id', () => {
    const { logger, lines } = capture('info')
    lazyChildLogger(logger, { reqId: 'r-2' }, {}).child({ part: 'db' }).info('hello')
    expect(lines[0]).toMatchObject({ reqId: 'r-2', part: 'db', msg: 'hello' })
  })
})
