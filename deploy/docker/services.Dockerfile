# syntax=docker/dockerfile:1
# One image for the five services (decision 0016): the part is the command, `node services/<name>/dist/main.js`,
# as `npm start` runs it. Built from the repository root: docker build -f deploy/docker/services.Dockerfile .

# Every workspace's dependencies, the TypeScript build of packages/common and the five services.
FROM node:22-slim AS build
WORKDIR /app
COPY . .
RUN npm ci --ignore-scripts --no-audit --no-fund \
 && npx tsc -p packages/common/tsconfig.build.json \
 && for service in auth tickets orders expiration payments; do npx tsc -p services/$service/tsconfig.build.json; done

# Production dependencies of packages/common and the services only (no tsx, no test kit, no client).
FROM node:22-slim AS dependencies
WORKDIR /app
COPY . .
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
      --workspace packages/common \
      --workspace services/auth --workspace services/tickets --workspace services/orders \
      --workspace services/expiration --workspace services/payments \
 && mkdir -p packages/common/node_modules services/auth/node_modules services/tickets/node_modules \
      services/orders/node_modules services/expiration/node_modules services/payments/node_modules

FROM node:22-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=dependencies /app/package.json ./
COPY --from=dependencies /app/node_modules ./node_modules
COPY --from=build /app/packages/common/package.json packages/common/
COPY --from=build /app/packages/common/dist packages/common/dist
COPY --from=dependencies /app/packages/common/node_modules packages/common/node_modules
COPY --from=build /app/services/auth/package.json services/auth/
COPY --from=build /app/services/auth/dist services/auth/dist
COPY --from=dependencies /app/services/auth/node_modules services/auth/node_modules
COPY --from=build /app/services/tickets/package.json services/tickets/
COPY --from=build /app/services/tickets/dist services/tickets/dist
COPY --from=dependencies /app/services/tickets/node_modules services/tickets/node_modules
COPY --from=build /app/services/orders/package.json services/orders/
COPY --from=build /app/services/orders/dist services/orders/dist
COPY --from=dependencies /app/services/orders/node_modules services/orders/node_modules
COPY --from=build /app/services/expiration/package.json services/expiration/
COPY --from=build /app/services/expiration/dist services/expiration/dist
COPY --from=dependencies /app/services/expiration/node_modules services/expiration/node_modules
COPY --from=build /app/services/payments/package.json services/payments/
COPY --from=build /app/services/payments/dist services/payments/dist
COPY --from=dependencies /app/services/payments/node_modules services/payments/node_modules
# The image's own `node` user (uid 1000); nothing is written outside /tmp (an emptyDir in Kubernetes).
USER 1000:1000
EXPOSE 4001 4002 4003 4004 4005 9464
# Kubernetes names the service in `command`; this default only makes `docker run` say what to do.
CMD ["node", "-e", "console.error('name a service: node services/<auth|tickets|orders|expiration|payments>/dist/main.js'); process.exit(64)"]
