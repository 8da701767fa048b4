import type { ColumnType, Insertable, Selectable } from 'kysely'
import type { Role } from '@ticketing/common'

export interface UserTable {
  id: string
  email: string
  password_hash: string
  role: Role
  created_at: ColumnType<Date, never, never>
  banned_at: Date | null
  ban_reason: string | null
  /** What others see: never the email. */
  display_name: string
  /** Up by one with every change another service keeps a copy of (the display name). */
  version: ColumnType<number, number | undefined, number>
}

export type UserRow = Selectable<UserTable>
export type NewUserRow = Insertable<UserTable>
