import { eventTablesV1 } from '../../src/index.js'

export const { up, down } = eventTablesV1
