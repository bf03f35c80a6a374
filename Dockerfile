# One image per service, from one Dockerfile:
#   docker build --build-arg SERVICE=ingress -t hookway/ingress:0.1.0 .
#   (SERVICE: ingress, management, dispatcher, audit; or migrate, which runs the migrations and exits; or
#   reseal, which seals every stored secret again under SECRET_ENCRYPTION_KEY and exits)
# Stage 1 compiles the TypeScript once; stage 2 keeps only the service's production dependencies
# (pnpm deploy) and its built JavaScript, run by plain node as a non-root user; the management image also
# holds the operator console's built bundle (console/dist, served at /console).
FROM node:20.19-bookworm-slim AS build
WORKDIR /src
RUN npm install -g pnpm@10
COPY pnpm-workspace.yaml package.json pnpm-lock.yaml tsconfig.base.json tsconfig.json tsconfig.build.json ./
COPY libs libs
COPY services services
COPY scripts scripts
COPY openapi openapi
RUN pnpm install --frozen-lockfile
RUN pnpm run build
ARG SERVICE=ingress
RUN package=$(case "$SERVICE" in migrate|reseal) echo @hookway/runtime;; *) echo "@hookway/$SERVICE";; esac) \
 && pnpm --filter "$package" deploy --prod --legacy /deploy \
 && rm -rf /deploy/src /deploy/test /deploy/console \
 && if [ "$SERVICE" = management ]; then mkdir -p /deploy/console && cp -r services/management/console/dist /deploy/console/dist; fi

FROM node:20.19-bookworm-slim
ARG SERVICE=ingress
ENV NODE_ENV=production
# A young generation of 2 x 4 MB instead of V8's 2 x 16 MB lowers peak RSS under load at no measurable
# CPU cost; an old generation capped at 192 MB, below the pods' 256Mi limit, keeps V8 from sizing the heap
# for the machine's memory (figures: bench/README.md, "Memory flags"). The bench reads this line and runs
# the services with it.
ENV NODE_OPTIONS="--max-semi-space-size=4 --max-old-space-size=192"
# The services read openapi/*.yaml three levels above dist/main.js, as in the repository.
WORKDIR /srv/hookway/services/app
COPY --from=build --chown=root:root /deploy ./
COPY --from=build --chown=root:root /src/openapi /srv/hookway/openapi
RUN case "$SERVICE" in migrate|reseal) ln -s "dist/$SERVICE.js" entry.js;; *) ln -s dist/main.js entry.js;; esac
USER node
EXPOSE 3000 3001 9464
CMD ["node", "entry.js"]
