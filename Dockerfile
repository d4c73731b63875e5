# syntax=docker/dockerfile:1
# Build stage: compile TypeScript with the dev dependencies, then drop them.
FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json nest-cli.json ./
COPY src ./src
COPY migrations ./migrations
# The ops console, built into dist/console and served at /admin.
COPY console ./console
RUN npm run build && npm prune --omit=dev

# Runtime stage: compiled code and production dependencies only, as an unprivileged user.
FROM node:22-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The ops CLI: `commerce <command>` on the PATH, the same as `node dist/src/cli/main.js <command>`.
RUN chmod +x dist/src/cli/main.js && ln -s /app/dist/src/cli/main.js /usr/local/bin/commerce
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:3000/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
# Migrations are not applied at start in production (MIGRATIONS_RUN=false by default): run
# `node dist/src/cli/main.js migrate:run` first (it creates the database when missing), as
# docker-compose.yml's one-shot `migrate` service does.
# The heap limit keeps the resident set near 150-200 MB under load (see README, Benchmarks):
# left to itself V8 grows the heap far beyond what the service keeps alive.
CMD ["node", "--max-old-space-size=192", "dist/src/main.js"]
