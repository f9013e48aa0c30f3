import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CHANGES_CHANNEL, startChangeListener } from '../src/orgs/cache-invalidation.js'
import { dropDatabase, newDatabaseUrl, storeNames, within } from './support/app.js'

const quiet = { info: () => undefined, warn: () => undefined }

// The change listener is PostgreSQL's (SQLite has one writer: the process itself).
describe.runIf(storeNames().includes('postgres'))('change listener (PostgreSQL)', () => {
  let url: string
  const clients: pg.Client[] = []
  const connected = async () => {
    const client = new pg.Client({ connectionString: url })
    await client.connect()
    clients.push(client)
    return client
  }

  beforeAll(async () => {
    url = await newDatabaseUrl('postgres')
  })
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.end()))
    await dropDatabase(url)
  })

  it("invalidates on the others' announcements; this instance's own (sent by one of its connections) only come back as heard", async () => {
    const own = await connected()
    const other = await connected()
    const ownProcessId = (own as pg.Client & { processID: number }).processID
    const invalidated: string[] = []
    const changed: string[] = []
    const heard: string[] = []
    const listener = await startChangeListener(
      url,
      { invalidate: (orgId) => invalidated.push(orgId), suspend: () => undefined, resume: () => undefined },
      quiet,
      (orgId) => changed.push(orgId),
      { isOwnBackend: (processId) => processId === ownProcessId, heard: (orgId) => heard.push(orgId) }
    )
    try {
      await own.query('select pg_notify($1, $2)', [CHANGES_CHANNEL, 'org_written_here'])
      await other.query('select pg_notify($1, $2)', [CHANGES_CHANNEL, 'org_written_elsewhere'])
      // Notifications reach a listener in commit order: once the second is in, the first was handled.
      await within(2_000, async () => invalidated.length > 0)
      expect(invalidated).toEqual(['org_written_elsewhere'])
      expect(changed).toEqual(['org_written_elsewhere'])
      expect(heard).toEqual(['org_written_here'])
    } finally {
      await listener.stop()
    }
  })
})
