# One parametrised image per service: docker build --build-arg SERVICE=ingress -t hookway-ingress .
# The services run from TypeScript through tsx with the "development" export condition off only once
# a compiled build exists; until then the image runs the sources, which is what docker-compose uses.
FROM node:20.19-bookworm-slim AS deps
WORKDIR /app
RUN npm install -g pnpm@10
COPY pnpm-workspace.yaml package.json pnpm-lock.yaml ./
COPY libs libs
COPY services services
COPY scripts scripts
COPY tsconfig.base.json tsconfig.json ./
RUN pnpm install --frozen-lockfile

FROM node:20.19-bookworm-slim
ARG SERVICE=ingress
ENV NODE_ENV=production SERVICE=${SERVICE}
WORKDIR /app
COPY --from=deps --chown=node:node /app /app
USER node
CMD ["sh", "-c", "exec node --conditions=development --import tsx services/${SERVICE}/src/main.ts"]
