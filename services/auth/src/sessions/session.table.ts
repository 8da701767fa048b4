import type { ColumnType, Selectable } from 'kysely'

export interface SessionTable {
  id: string
  user_id: string
  created_at: ColumnType<Date, never, never>
  expires_at: Date
  revoked_at: Date | null
}

export interface RefreshTokenTable {
  token_hash: Buffer
  session_id: string
  created_at: ColumnType<Date, never, never>
  rotated_at: Date | null
}

export type SessionRow = Selectable<SessionTable>
