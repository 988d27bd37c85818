# syntax=docker/dockerfile:1
# The production image (docs/operations.md). Node.js 22: Node.js 20 left support in April 2026.

# Build stage: compile TypeScript (src/ and the static migration list) to dist/.
FROM node:22-trixie-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# No install scripts: compiling needs none, and they would run as root.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY migrations ./migrations
RUN npm run build

# Runtime stage: production dependencies, the compiled code and the files it reads, as a
# non-root user. The files belong to root, so the app cannot change its own code.
FROM node:22-trixie-slim AS runtime
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000
WORKDIR /app
COPY package.json package-lock.json ./
# Without install scripts: the only ones here prepare the embedded PostgreSQL, which a container
# never starts (it is given DATABASE_URL), and tsx's esbuild, unused by compiled code.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY views ./views
COPY locales ./locales
COPY public ./public
COPY questionnaires ./questionnaires
USER node
EXPOSE 3000
# Ready: the process answers and so does the database.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:${PORT}/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
CMD ["node", "dist/src/server.js"]
