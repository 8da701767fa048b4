import type { EventTables } from '@ticketing/common'
import type { RefreshTokenTable, SessionTable, SigninFailureTable } from '../sessions/session.table.js'
import type { UserTable } from '../users/user.table.js'

export interface Database extends EventTables {
  users: UserTable
  sessions: SessionTable
  refresh_tokens: RefreshTokenTable
  signin_failures: SigninFailureTable
}
