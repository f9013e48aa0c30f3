import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createClient, type FeedEvent, ProblemError, type VippsOrgsClient } from '@vipps-orgs/client'
import { uniqueOrgId, within } from './support/app.js'
import { type ListeningApp, listenApp } from './support/client-server.js'

/**
 * The client's feed follower and watcher never stop without telling their caller and never skip
 * a change after their start: against the real service over HTTP (SQLite).
 */

const orgBody = (orgId: string) => ({
  org_id: orgId,
  client_id: 'vipps-client-watch',
  client_secret_ref: `vault://orgs/${orgId}/vipps_secret`,
  redirect_uri: 'myapp://vipps-callback'
})

const isEvents = (request: Request) => new URL(request.url).pathname === '/api/v1/events'

describe('following the change feed', () => {
  let server: ListeningApp
  let client: VippsOrgsClient
  beforeAll(async () => {
    server = await listenApp('sqlite')
    client = createClient({ baseUrl: server.base })
  })
  afterAll(async () => {
    await server?.close()
  })

  describe('followEvents from now', () => {
    it('throws when it cannot pin "now" at once, and never sends "now" again', async () => {
      const sent: string[] = []
      const down = async (request: Request) => {
        if (isEvents(request)) {
          sent.push(new URL(request.url).searchParams.get('after') ?? '')
          throw new TypeError('fetch failed: connection refused')
        }
        return globalThis.fetch(request)
      }
      const errors: unknown[] = []
      const app = createClient({ baseUrl: server.base, fetch: down, retry: { baseDelayMs: 1 } })
      const events = app.followEvents({ waitSeconds: 1, onError: (err) => errors.push(err) })
      await expect(events.next()).rejects.toThrow('connection refused')
      expect(sent).toEqual(['now'])
      expect(errors).toEqual([]) // thrown to the caller, not reported as something it got past
    })

    it('once pinned, resumes from its cursor after a failed poll: a change made meanwhile is seen', async () => {
      const id = uniqueOrgId('fpin')
      await client.createOrg(orgBody(id))
      let failNext = false
      const flaky = async (request: Request) => {
        if (isEvents(request) && failNext) {
          failNext = false
          await client.updateOrg(id, { client_id: 'vipps-client-while-down' })
          throw new TypeError('fetch failed: connection reset')
        }
        return globalThis.fetch(request)
      }
      const app = createClient({ baseUrl: server.base, fetch: flaky, retry: { attempts: 1 } })
      const controller = new AbortController()
      const cursors: string[] = []
      const seen: FeedEvent[] = []
      try {
        for await (const event of app.followEvents({
          waitSeconds: 1,
          signal: controller.signal,
          onError: () => undefined,
          onCursor: (c) => {
            cursors.push(c)
            if (cursors.length === 1) failNext = true // the poll after the pin fails
          }
        })) {
          seen.push(event)
          if (event.org_id === id) break
        }
      } finally {
        controller.abort()
      }
      expect(seen.filter((e) => e.org_id === id).map((e) => e.changes)).toEqual([{ client_id: { from: 'vipps-client-watch', to: 'vipps-client-while-down' } }])
    })
  })

  describe('watch()', () => {
    it('a change made while the start is not yet pinned does not leave a stale status behind', async () => {
      const id = uniqueOrgId('wpin')
      await client.createOrg(orgBody(id))
      let feedDown = true
      const fetch = async (request: Request) => {
        if (isEvents(request) && feedDown) throw new TypeError('fetch failed: connection refused')
        return globalThis.fetch(request)
      }
      const app = createClient({ baseUrl: server.base, fetch, statusMaxAgeMs: 3_600_000, retry: { attempts: 1 } })
      const errors: unknown[] = []
      const watcher = app.watch({ waitSeconds: 1, onError: (err) => errors.push(err) })
      try {
        expect((await app.getStatus(id)).vipps_enabled).toBe(true) // cached before the watcher knows where it starts
        await within(3_000, async () => errors.length > 0, 20)
        await client.updateOrg(id, { vipps_enabled: false }) // before the start is pinned: no event will name it
        feedDown = false
        await watcher.ready
        expect((await app.getStatus(id)).vipps_enabled).toBe(false)
      } finally {
        await watcher.stop()
      }
    })

    it('an onCursor that throws is reported, and the watcher goes on from its cursor, skipping nothing', async () => {
      const id = uniqueOrgId('wcur')
      await client.createOrg(orgBody(id))
      const errors: unknown[] = []
      const seen: FeedEvent[] = []
      const app = createClient({ baseUrl: server.base })
      const watcher = app.watch({
        waitSeconds: 1,
        onEvent: (e) => seen.push(e),
        onError: (err) => errors.push(err),
        onCursor: () => {
          throw new Error('the caller could not save its cursor')
        }
      })
      try {
        await watcher.ready
        const start = watcher.cursor()
        await client.updateOrg(id, { client_id: 'vipps-client-after-throw' })
        await within(3_000, async () => seen.some((e) => e.org_id === id), 20)
        expect((errors[0] as Error).message).toBe('the caller could not save its cursor')
        expect(watcher.cursor()).not.toBe(start)
      } finally {
        await watcher.stop()
      }
    })

    it('keeps the last error on its handle, for a caller without onError', async () => {
      let feedDown = false
      const fetch = async (request: Request) => {
        if (isEvents(request) && feedDown) throw new TypeError('fetch failed: network down')
        return globalThis.fetch(request)
      }
      const app = createClient({ baseUrl: server.base, fetch, retry: { attempts: 1 } })
      const watcher = app.watch({ waitSeconds: 1 })
      try {
        await watcher.ready
        expect(watcher.lastError()).toBeUndefined()
        feedDown = true
        await within(3_000, async () => watcher.lastError() !== undefined, 20)
        expect((watcher.lastError() as Error).message).toBe('fetch failed: network down')
        feedDown = false
        await within(5_000, async () => watcher.lastError() === undefined, 20)
      } finally {
        await watcher.stop()
      }
    })

    it('stops on a request the feed will never accept, and tells: done and ready reject, onError hears it', async () => {
      const errors: unknown[] = []
      const app = createClient({ baseUrl: server.base })
      const watcher = app.watch({ orgId: 'NOT AN ORG ID', waitSeconds: 1, onError: (err) => errors.push(err) })
      const ended = await watcher.done.then(
        () => undefined,
        (err: unknown) => err
      )
      expect(ended).toBeInstanceOf(ProblemError)
      expect((ended as ProblemError).code).toBe('validation_failed')
      await expect(watcher.ready).rejects.toBe(ended)
      expect(errors).toEqual([ended])
      await watcher.stop() // harmless after the end
    })

    it('done resolves when stopped', async () => {
      const watcher = createClient({ baseUrl: server.base }).watch({ waitSeconds: 1 })
      await watcher.ready
      await watcher.stop()
      await expect(watcher.done).resolves.toBeUndefined()
    })
  })
})
