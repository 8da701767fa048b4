import { connectBus, ensureTopology, removeTopology, type Bus, type ServiceName } from '@ticketing/common'
import { infrastructure } from './infrastructure.js'
import { testNamespace } from './names.js'

export interface TestBuses {
  namespace: string
  /** A bus connection for one service, with the namespace's topology in place. */
  connect(service: ServiceName, url?: string): Promise<Bus>
  /** Closes every connection and deletes the namespace's streams. */
  cleanup(): Promise<void>
}

/** Bus connections in a namespace of the test's own, so parallel tests never see each other's events. */
export function testBuses(namespace = testNamespace()): TestBuses {
  const buses: Bus[] = []
  return {
    namespace,
    async connect(service, url = infrastructure.natsUrl) {
      const bus = await connectBus({ url, namespace, service })
      buses.push(bus)
      await ensureTopology(bus)
      return bus
    },
    async cleanup() {
      const open = buses.splice(0).filter((bus) => !bus.connection.isClosed())
      await Promise.all(open.map((bus) => bus.close()))
      // A connection of its own: the services' may already be closed by their apps.
      const admin = await connectBus({ url: infrastructure.natsUrl, namespace, service: 'auth' }).catch(
        () => undefined,
      )
      if (admin) {
        await removeTopology(admin).catch(() => {})
        await admin.close()
      }
    },
  }
}
