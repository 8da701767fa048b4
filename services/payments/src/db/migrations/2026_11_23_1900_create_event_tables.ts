import { eventTablesV1 } from '@ticketing/common'

export const { up, down } = eventTablesV1
