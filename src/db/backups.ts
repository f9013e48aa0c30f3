import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { Config } from '../config.js'
import { BackupSchedule, type BackupStats } from './backup-schedule.js'
import { sqliteFileOf } from './connect.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** The server's own backups (BACKUP_DIR set, SQLite); undefined when it makes none. */
    backupStats: (() => BackupStats) | undefined
  }
}

/** Periodic backups of the SQLite file when BACKUP_DIR is set (the config refuses it otherwise). */
export default fp(
  async (app: FastifyInstance, { config }: { config: Config }) => {
    const file = sqliteFileOf(config.databaseUrl)
    if (!config.backup || file === undefined) {
      app.decorate('backupStats', undefined)
      return
    }
    const schedule = new BackupSchedule(file, config.backup, app.log)
    app.decorate('backupStats', () => schedule.stats())
    app.addHook('onReady', async () => schedule.start())
    app.addHook('preClose', async () => schedule.stop())
  },
  { name: 'backups', dependencies: ['database'] }
)
