import { type Kysely, type Selectable, sql } from 'kysely'
import { PreparedQuery } from '../db/prepared-query.js'
import { CONFIG_FIELDS, type ConfigField } from './fields.js'
import type { OrgConfigTable, OrgTables } from './tables.js'

type Db = Kysely<OrgTables>

/** The values of a create: the org_id, every config column, and the moment. */
export type CreateSlot = 'org_id' | ConfigField | 'at'
/** The values of an update: where (org_id, the version read) and what (the changed columns, the new version, the moment). */
export type UpdateSlot = 'org_id' | 'version' | 'new_version' | 'at' | ConfigField
export type DeleteSlot = 'org_id' | 'version' | 'new_version' | 'at'
/** An event's values (the approver's only in `approvedEvent`). */
export type EventSlot =
  | 'org_id'
  | 'version'
  | 'action'
  | 'at'
  | 'actor'
  | 'actor_type'
  | 'actor_id'
  | 'changes'
  | 'trace_context'
  | 'approved_by'
  | 'approved_by_type'
  | 'approved_by_id'

export type ConfigRow = Selectable<OrgConfigTable>

/**
 * The statements of the orgs' write path, each built by Kysely once and then only given its
 * values (PreparedQuery): the same SQL as the query builder would make every time, for both
 * databases. An update's statement depends on which fields change: one per set of fields, made
 * the first time that set is written.
 */
export class OrgWriteStatements {
  readonly create: PreparedQuery<CreateSlot>
  readonly event: PreparedQuery<EventSlot>
  readonly approvedEvent: PreparedQuery<EventSlot>
  readonly softDelete: PreparedQuery<DeleteSlot>
  /** PostgreSQL: the config and its event in one statement (itself a transaction). */
  readonly createWithEvent: PreparedQuery<CreateSlot | EventSlot> | undefined
  private readonly updates = new Map<string, PreparedQuery<UpdateSlot>>()
  private readonly updatesWithEvent = new Map<string, PreparedQuery<UpdateSlot | EventSlot>>()

  constructor(
    private readonly db: Db,
    private readonly postgres: boolean
  ) {
    this.create = PreparedQuery.of<CreateSlot>((slot) =>
      db.insertInto('vipps_org_configs').values(createdColumns(slot) as never).returningAll()
    )
    this.event = PreparedQuery.of<EventSlot>((slot) => db.insertInto('vipps_org_events').values(eventColumns(slot, false) as never))
    this.approvedEvent = PreparedQuery.of<EventSlot>((slot) => db.insertInto('vipps_org_events').values(eventColumns(slot, true) as never))
    this.softDelete = PreparedQuery.of<DeleteSlot>((slot) =>
      db
        .updateTable('vipps_org_configs')
        .set({ deleted_at: slot('at') as string, version: slot('new_version') as number })
        .where('org_id', '=', slot('org_id') as string)
        .where('deleted_at', 'is', null)
        .where('version', '=', slot('version') as number)
    )
    this.createWithEvent = postgres
      ? PreparedQuery.of<CreateSlot | EventSlot>((slot) => {
          const columns = createdColumns(slot)
          const names = Object.keys(columns)
          return compilable(db, sql`
            with created as (
              insert into vipps_org_configs (${sql.join(names.map((name) => sql.ref(name)))})
              values (${sql.join(Object.values(columns))})
              returning *
            ), event as (
              insert into vipps_org_events (org_id, version, action, at, actor, actor_type, actor_id, changes, trace_context)
              select org_id, version, 'create', ${slot('at')}, ${slot('actor')}, ${slot('actor_type')}, ${slot('actor_id')}, ${slot('changes')}, ${slot('trace_context')}
              from created
            )
            select * from created`)
        })
      : undefined
  }

  /** The update of these fields (those of `changed` that are config fields, in the fields' order). */
  update(changed: readonly string[]): PreparedQuery<UpdateSlot> {
    return madeOnce(this.updates, changedFields(changed), (fields) =>
      PreparedQuery.of<UpdateSlot>((slot) =>
        this.db
          .updateTable('vipps_org_configs')
          .set(updatedColumns(slot, fields) as never)
          .where('org_id', '=', slot('org_id') as string)
          .where('deleted_at', 'is', null)
          .where('version', '=', slot('version') as number)
          .returningAll()
      )
    )
  }

  /** PostgreSQL: the version check, the update of these fields and its event in one statement. */
  updateWithEvent(changed: readonly string[]): PreparedQuery<UpdateSlot | EventSlot> {
    if (!this.postgres) throw new Error('one-statement writes are for PostgreSQL')
    return madeOnce(this.updatesWithEvent, changedFields(changed), (fields) =>
      PreparedQuery.of<UpdateSlot | EventSlot>((slot) =>
        compilable(this.db, sql`
          with updated as (
            update vipps_org_configs
            set ${sql.join(Object.entries(updatedColumns(slot, fields)).map(([name, value]) => sql`${sql.ref(name)} = ${value}`))}
            where org_id = ${slot('org_id')} and deleted_at is null and version = ${slot('version')}
            returning *
          ), event as (
            insert into vipps_org_events (org_id, version, action, at, actor, actor_type, actor_id, changes, trace_context)
            select org_id, version, 'update', ${slot('at')}, ${slot('actor')}, ${slot('actor_type')}, ${slot('actor_id')}, ${slot('changes')}, ${slot('trace_context')}
            from updated
          )
          select * from updated`)
      )
    )
  }
}

/** The statement for this set of fields, made the first time the set is asked for. */
function madeOnce<S>(made: Map<string, S>, fields: ConfigField[], make: (fields: ConfigField[]) => S): S {
  const key = fields.join(',')
  let statement = made.get(key)
  if (!statement) {
    statement = make(fields)
    made.set(key, statement)
  }
  return statement
}

function changedFields(changed: readonly string[]): ConfigField[] {
  return CONFIG_FIELDS.filter((field) => changed.includes(field))
}

function createdColumns(slot: (name: CreateSlot) => unknown): Record<string, unknown> {
  return {
    org_id: slot('org_id'),
    ...Object.fromEntries(CONFIG_FIELDS.map((field) => [field, slot(field)])),
    // Versions go on from the org_id's last event, across deletes and re-creates.
    version: sql`(select coalesce(max(version), 0) + 1 from vipps_org_events where org_id = ${slot('org_id')})`,
    created_at: slot('at'),
    updated_at: slot('at'),
    deleted_at: null
  }
}

function updatedColumns(slot: (name: UpdateSlot) => unknown, fields: readonly ConfigField[]): Record<string, unknown> {
  return { ...Object.fromEntries(fields.map((field) => [field, slot(field)])), version: slot('new_version'), updated_at: slot('at') }
}

function eventColumns(slot: (name: EventSlot) => unknown, approved: boolean): Record<string, unknown> {
  const names: EventSlot[] = ['org_id', 'version', 'action', 'at', 'actor', 'actor_type', 'actor_id', 'changes', 'trace_context']
  if (approved) names.push('approved_by', 'approved_by_type', 'approved_by_id')
  return Object.fromEntries(names.map((name) => [name, slot(name)]))
}

/** A raw SQL statement as something PreparedQuery can compile. */
function compilable(db: Db, statement: ReturnType<typeof sql>) {
  return { compile: () => statement.compile(db) }
}
