import type { Selectable } from 'kysely'

export interface EventReplicaTable {
  id: string
  starts_at: Date
  status: 'scheduled' | 'postponed' | 'cancelled'
  version: number
}

export type EventReplicaRow = Selectable<EventReplicaTable>
