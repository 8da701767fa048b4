import swaggerUi from '@fastify/swagger-ui'
import { openApiDocuments, type ServiceInstance } from '@ticketing/common'

/**
 * `/api/docs`: every service's OpenAPI document shown to a person (swagger-ui, its assets served from the
 * package, nothing fetched from elsewhere). auth serves it because it is always deployed and routed; each
 * document still comes from its own service (decision 0014).
 */
export async function docsRoutes(app: ServiceInstance): Promise<void> {
  await app.register(swaggerUi, {
    routePrefix: '/api/docs',
    // One document per service, picked from the top bar; the first (auth's) is shown first.
    uiConfig: { urls: openApiDocuments().map(({ service, path }) => ({ name: service, url: path })) },
    // validatorUrl stays unset: no badge fetched from validator.swagger.io, the viewer works offline.
  })
}
