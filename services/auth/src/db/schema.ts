import type { EventTables } from '@ticketing/common'
import type { RefreshTokenTable, SessionTable } from '../sessions/session.table.js'
import type { UserTable } from '../users/user.table.js'

export interface Database extends EventTables {
  users: UserTable
  sessions: SessionTable
  refresh_tokens: RefreshTokenTable
}
