import type { Workload } from '../src/workload.js'
import { authWorkload } from './auth/auth.workload.js'
import { busWorkload } from './bus/bus.workload.js'
import { catalogueWorkload } from './catalogue/catalogue.workload.js'
import { frameworkWorkload } from './framework/framework.workload.js'
import { ordersWorkload } from './orders/orders.workload.js'
import { siteWorkload } from './site/site.workload.js'
import { stackWorkload } from './stack/stack.workload.js'

/** Every workload `npm run bench` runs, in order. `npm run bench -- bus` runs one. */
export const workloads: Workload[] = [
  frameworkWorkload,
  busWorkload,
  authWorkload,
  ordersWorkload,
  siteWorkload,
  stackWorkload,
  catalogueWorkload,
]
