// A route built by our HTTP kit exactly as a service builds it: validation, error handler, request ids,
// security headers and request logging at info (to a discarded stdout).
import Type from 'typebox'
import { buildService } from '@ticketing/common'

const app = buildService({ name: 'bench' })
app.get(
  '/tickets/:id',
  {
    schema: {
      params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
      response: { 200: Type.Object({ id: Type.String(), title: Type.String(), price: Type.Number() }) },
    },
  },
  async (request) => ({ id: request.params.id, title: 'Concert', price: 19.99 }),
)
const address = await app.listen({ port: 0, host: '127.0.0.1' })
process.send!({ port: Number(new URL(address).port) })
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)))
