# syntax=docker/dockerfile:1
# The Next.js client as a standalone build: the server and only the files it traces (about 40 MB, no
# node_modules of the workspace). Built from the repository root: docker build -f deploy/docker/client.Dockerfile .

FROM node:22-slim AS build
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1
COPY . .
# NEXT_OUTPUT=standalone: apps/client/next.config.ts then writes .next/standalone, traced from the workspace
# root; the static assets and public/ are copied beside it, as Next.js leaves them to a CDN otherwise.
RUN npm ci --ignore-scripts --no-audit --no-fund \
 && NEXT_OUTPUT=standalone npm run build --workspace apps/client \
 && mkdir -p apps/client/public \
 && cp -r apps/client/.next/static apps/client/.next/standalone/apps/client/.next/static \
 && cp -r apps/client/public apps/client/.next/standalone/apps/client/public

FROM node:22-slim
ENV NODE_ENV=production NEXT_TELEMETRY_DISABLED=1 PORT=4000 HOSTNAME=0.0.0.0
WORKDIR /app
COPY --from=build /app/apps/client/.next/standalone ./
# .next/cache is the one place Next.js writes at run time: an emptyDir in Kubernetes.
USER 1000:1000
EXPOSE 4000
CMD ["node", "apps/client/server.js"]
