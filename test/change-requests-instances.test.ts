import { afterAll, describe, expect, it } from 'vitest'
import { bearer } from './support/access.js'
import { BASE, dropDatabase, newDatabaseUrl, startApp, storeNames, type TestApp, uniqueOrgId, validBody } from './support/app.js'
import { APPROVAL_ENV, CR, TOKENS } from './support/approvals.js'

const as = (who: keyof typeof TOKENS) => bearer(TOKENS[who])

async function askedProductionOrg(t: TestApp, approver: TestApp = t): Promise<string> {
  const orgId = uniqueOrgId('cri')
  const asked = await t.request({ method: 'POST', url: BASE, payload: validBody(orgId), headers: as('alice') })
  expect(asked.statusCode, asked.body).toBe(202)
  const approved = await approver.request({ method: 'POST', url: `${CR}/${asked.json().id}/approve`, payload: {}, headers: as('bob') })
  expect(approved.statusCode, approved.body).toBe(200)
  return orgId
}

for (const store of storeNames()) {
  describe(`four eyes across restarts and instances [${store}]`, () => {
    const urls: string[] = []
    afterAll(async () => {
      for (const url of urls) await dropDatabase(url)
    })

    it('a restart loses no request: asked before, approved after, applied once', async () => {
      const url = await newDatabaseUrl(store)
      urls.push(url)
      const first = await startApp(store, APPROVAL_ENV, url)
      let requestId: string
      let orgId: string
      try {
        orgId = await askedProductionOrg(first)
        const asked = await first.request({ method: 'PUT', url: `${BASE}/${orgId}`, payload: { client_id: 'after-restart' }, headers: as('alice') })
        expect(asked.statusCode).toBe(202)
        requestId = asked.json().id
      } finally {
        await first.close()
      }
      const second = await startApp(store, APPROVAL_ENV, url)
      try {
        expect((await second.request({ method: 'GET', url: `${CR}/${requestId}`, headers: as('carol') })).json().state).toBe('pending')
        const approved = await second.request({ method: 'POST', url: `${CR}/${requestId}/approve`, payload: {}, headers: as('bob') })
        expect(approved.statusCode, approved.body).toBe(200)
        expect((await second.request({ method: 'GET', url: `${BASE}/${orgId}`, headers: as('carol') })).json().client_id).toBe('after-restart')
        const history = (await second.request({ method: 'GET', url: `${BASE}/${orgId}/history`, headers: as('carol') })).json().data
        expect(history.filter((e: { action: string }) => e.action === 'update')).toHaveLength(1)
      } finally {
        await second.close()
      }
    })

    it('APPROVALS=off holds nothing; a request kept from when it was on can still be read and decided, and is stale once the org moved', async () => {
      const url = await newDatabaseUrl(store)
      urls.push(url)
      const on = await startApp(store, APPROVAL_ENV, url)
      let orgId: string
      let kept: string
      let stale: string
      try {
        orgId = await askedProductionOrg(on)
        kept = (await on.request({ method: 'PUT', url: `${BASE}/${orgId}`, payload: { scopes: ['openid'] }, headers: as('alice') })).json().id
        stale = (await on.request({ method: 'PUT', url: `${BASE}/${orgId}`, payload: { client_id: 'never' }, headers: as('alice') })).json().id
      } finally {
        await on.close()
      }
      const off = await startApp(store, { ...APPROVAL_ENV, APPROVALS: 'off' }, url)
      try {
        expect((await off.request({ method: 'GET', url: `${CR}?org_id=${orgId}`, headers: as('carol') })).json().data).toHaveLength(2)
        const approved = await off.request({ method: 'POST', url: `${CR}/${kept}/approve`, payload: {}, headers: as('bob') })
        expect(approved.statusCode, approved.body).toBe(200)
        // Its approval moved the org: the other request is stale.
        const late = await off.request({ method: 'POST', url: `${CR}/${stale}/approve`, payload: {}, headers: as('bob') })
        expect([late.statusCode, late.json().code]).toEqual([409, 'change_request_stale'])
        // Writes apply at once, held fields included.
        const direct = await off.request({ method: 'PUT', url: `${BASE}/${orgId}`, payload: { redirect_uri: 'https://direct.example/cb' }, headers: as('alice') })
        expect(direct.statusCode, direct.body).toBe(200)
        const created = await off.request({ method: 'POST', url: BASE, payload: validBody(uniqueOrgId('cri')), headers: as('alice') })
        expect(created.statusCode).toBe(201)
        expect((await off.request({ method: 'GET', url: `${BASE}/${orgId}`, headers: as('carol') })).json()).toMatchObject({
          scopes: ['openid'],
          client_id: 'vipps-client-new001',
          redirect_uri: 'https://direct.example/cb'
        })
      } finally {
        await off.close()
      }
    })

    // Two instances on one database: PostgreSQL only (a server holds the SQLite file's lock).
    if (store === 'postgres') {
      it('a second instance approves what the first was asked; the first serves the change at once', async () => {
        const url = await newDatabaseUrl(store)
        urls.push(url)
        const [a, b] = [await startApp(store, APPROVAL_ENV, url), await startApp(store, APPROVAL_ENV, url)]
        try {
          const orgId = await askedProductionOrg(a, b)
          // a caches the org, b approves a change: a must not serve the old one for long.
          expect((await a.request({ method: 'GET', url: `${BASE}/${orgId}`, headers: as('carol') })).json().client_id).toBe('vipps-client-new001')
          const asked = (await a.request({ method: 'PUT', url: `${BASE}/${orgId}`, payload: { client_id: 'from-b' }, headers: as('alice') })).json()
          expect((await b.request({ method: 'POST', url: `${CR}/${asked.id}/approve`, payload: {}, headers: as('bob') })).statusCode).toBe(200)
          const deadline = Date.now() + 5_000
          let seen = ''
          while (Date.now() < deadline) {
            seen = (await a.request({ method: 'GET', url: `${BASE}/${orgId}`, headers: as('carol') })).json().client_id
            if (seen === 'from-b') break
            await new Promise((resolve) => setTimeout(resolve, 20))
          }
          expect(seen).toBe('from-b')
        } finally {
          await a.close()
          await b.close()
        }
      })

      it('racing approvals on two instances: exactly one applies, the other is refused with a 409', async () => {
        const url = await newDatabaseUrl(store)
        urls.push(url)
        const [a, b] = [await startApp(store, APPROVAL_ENV, url), await startApp(store, APPROVAL_ENV, url)]
        try {
          for (let round = 0; round < 5; round++) {
            const orgId = await askedProductionOrg(a)
            // The same request, approved by two people at once on two instances.
            const same = (await a.request({ method: 'PUT', url: `${BASE}/${orgId}`, payload: { client_id: `same-${round}` }, headers: as('alice') })).json()
            const both = await Promise.all([
              a.request({ method: 'POST', url: `${CR}/${same.id}/approve`, payload: {}, headers: as('bob') }),
              b.request({ method: 'POST', url: `${CR}/${same.id}/approve`, payload: {}, headers: as('carol') })
            ])
            expect(both.map((r) => r.statusCode).sort()).toEqual([200, 409])
            expect(both.find((r) => r.statusCode === 409)!.json().code).toBe('change_request_closed')
            // Two requests on the same version of one org, approved at once: one applies, the other is stale.
            const first = (await a.request({ method: 'PUT', url: `${BASE}/${orgId}`, payload: { client_id: `one-${round}` }, headers: as('alice') })).json()
            const second = (await b.request({ method: 'PUT', url: `${BASE}/${orgId}`, payload: { client_id: `two-${round}` }, headers: as('alice') })).json()
            const raced = await Promise.all([
              a.request({ method: 'POST', url: `${CR}/${first.id}/approve`, payload: {}, headers: as('bob') }),
              b.request({ method: 'POST', url: `${CR}/${second.id}/approve`, payload: {}, headers: as('carol') })
            ])
            expect(raced.map((r) => r.statusCode).sort()).toEqual([200, 409])
            expect(raced.find((r) => r.statusCode === 409)!.json().code).toBe('change_request_stale')
            const winner = raced[0]!.statusCode === 200 ? `one-${round}` : `two-${round}`
            const history = (await b.request({ method: 'GET', url: `${BASE}/${orgId}/history`, headers: as('carol') })).json().data
            expect(history.map((e: { version: number }) => e.version)).toEqual([1, 2, 3])
            expect(history.at(-1).changes.client_id.to).toBe(winner)
          }
        } finally {
          await a.close()
          await b.close()
        }
      })
    }
  })
}
