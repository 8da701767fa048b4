# syntax=docker/dockerfile:1
# The Next.js client. Built from the repository root: docker build -f deploy/docker/client.Dockerfile .
# apps/client/next.config.ts has no `output: 'standalone'` yet, so this image runs `next start` over the
# production dependencies of the client workspace; with standalone output the last stage would copy
# .next/standalone and .next/static and run `node apps/client/server.js` instead.

FROM node:22-slim AS build
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1
COPY . .
RUN npm ci --ignore-scripts --no-audit --no-fund \
 && npm run build --workspace apps/client \
 && mkdir -p apps/client/public

FROM node:22-slim AS dependencies
WORKDIR /app
COPY . .
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund --workspace apps/client \
 && mkdir -p apps/client/node_modules apps/client/public

FROM node:22-slim
ENV NODE_ENV=production NEXT_TELEMETRY_DISABLED=1
WORKDIR /app
COPY --from=dependencies /app/package.json ./
COPY --from=dependencies /app/node_modules ./node_modules
COPY --from=dependencies /app/apps/client/node_modules apps/client/node_modules
COPY --from=build /app/apps/client/package.json /app/apps/client/next.config.ts apps/client/
COPY --from=build /app/apps/client/.next apps/client/.next
COPY --from=build /app/apps/client/public apps/client/public
# .next/cache is the one place Next.js writes at run time: an emptyDir in Kubernetes.
USER 1000:1000
WORKDIR /app/apps/client
EXPOSE 4000
# What `npm start` runs for the client (tools/stack/src/stack.ts): next start on its port.
CMD ["node", "/app/node_modules/next/dist/bin/next", "start", "-p", "4000", "-H", "0.0.0.0"]
