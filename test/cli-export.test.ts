import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createClient, type VippsOrgsClient } from '@vipps-orgs/client'
import { exportOrgs, ListKeptChanging } from '../packages/cli/src/sync.js'
import { type ListeningApp, listenApp } from './support/client-server.js'

/**
 * `vipps-orgs export` against a list that changes while its pages are read (the list pages by
 * offset): a delete before the page being read moves an org back into a page already read.
 */

const N = 230
const orgId = (i: number) => `exp_${String(i).padStart(4, '0')}`

describe('export while the orgs change', () => {
  let server: ListeningApp
  let admin: VippsOrgsClient
  beforeAll(async () => {
    server = await listenApp('sqlite')
    admin = createClient({ baseUrl: server.base })
    for (let i = 0; i < N; i++) {
      await admin.createOrg({
        org_id: orgId(i),
        client_id: `vipps-client-${i}`,
        client_secret_ref: `vault://orgs/${orgId(i)}/vipps_secret`,
        redirect_uri: 'https://app.example.com/vipps/callback',
        scopes: ['openid'],
        environment: 'production'
      })
    }
  })
  afterAll(async () => {
    await server?.close()
  })

  /** A client that, the first `times` times page 2 of the list is asked for, first deletes an org of page 1. */
  function clientDeletingDuringPaging(times: number) {
    let deleted = 0
    const fetch = async (request: Request) => {
      const url = new URL(request.url)
      if (url.pathname === '/api/v1/vipps-orgs' && url.searchParams.get('page') === '2' && deleted < times) {
        await admin.deleteOrg(orgId(deleted++))
      }
      return globalThis.fetch(request)
    }
    return { client: createClient({ baseUrl: server.base, fetch }), deleted: () => deleted }
  }

  it('reads the list again when it changed during a pass, and misses no org that stayed', async () => {
    const { client, deleted } = clientDeletingDuringPaging(1)
    const exported = (await exportOrgs(client, false)).map((c) => c.org_id)
    expect(deleted()).toBe(1)
    const expected = Array.from({ length: N }, (_, i) => orgId(i)).filter((id) => id !== orgId(0))
    expect(exported).toEqual(expected)
  })

  it('refuses, exporting nothing, when every pass saw a change', async () => {
    const { client } = clientDeletingDuringPaging(Number.POSITIVE_INFINITY)
    await expect(exportOrgs(client, false)).rejects.toBeInstanceOf(ListKeptChanging)
  })
})
