// Generated from openapi/management.yaml by `pnpm run openapi:types` (openapi-typescript). Do not edit: change the
// spec and run the script again; services/management/test/openapi-types.test.ts fails while this file is stale.

export interface paths {
    "/stream": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Job and attempt updates as Server-Sent Events
         * @description An endless `text/event-stream` of the job facts the audit log records. Each message has `id` (the
         *     fact's position in the audit log: a decimal integer that only grows, across replicas and restarts),
         *     `event` (`job.delivered`, `job.retry_scheduled`, `job.dead_lettered`, `job.retry_requested`, ...) and
         *     `data`, a JSON `JobUpdate` (`type`, `id`, `factId`, `jobId`, `eventId`, `integrationId`, `workspaceId`, `attempt`,
         *     `statusCode`, `latencyMs`, `errorCode`, `occurredAt`). A caller narrowed to a workspace is sent only the updates
         *     of that workspace's jobs (a job's workspace is its integration's; `workspaceId` is null once that integration is
         *     deleted, and such updates reach operators only). Facts appear once the audit service has
         *     appended them (it reads them from RabbitMQ), within `STREAM_POLL_INTERVAL` (default 250 ms) of that.
         *     A comment line (`: heartbeat`) is sent every `STREAM_HEARTBEAT` (default 15 s). Filter with
         *     `integrationId` or `eventId`. EventSource cannot send headers, so the API key may be passed as `?key=`.
         *
         *     **Resume.** A client that sends `Last-Event-ID` (EventSource does on every reconnect) or, on a first
         *     connect, `?lastEventId=` (the header wins) is first sent the matching facts recorded after that id
         *     that it missed, oldest first, then the live ones: each fact once, in order, on whichever replica
         *     answers. At most `STREAM_RESUME_WINDOW` (default 1000) missed facts are replayed: when more were
         *     missed, the stream first sends an event `stream.missed` (no `id`) whose data is
         *     `{"lastEventId": "<the client's id>", "replayedFrom": "<id of the first fact replayed, or null>", "window": <n>}`,
         *     then the newest `window` facts; the client should reload the state it shows from the REST API.
         *     An id that is not a position (from before positions existed) is ignored: the stream starts live.
         *     Without an id the stream is live only: every fact recorded after the stream opened reaches it.
         *
         *     **Reconnecting.** The stream starts with `retry: <STREAM_RETRY>` (default 3000 ms). When it cannot be
         *     served (the service is stopping, or the audit log cannot be read), a client that accepts
         *     `text/event-stream` (EventSource does) gets 200 with `retry: <ms>`, an event `unavailable`
         *     (`{"code": "UNAVAILABLE", "message": ...}`) and the end of the stream, so EventSource reconnects
         *     after `retry` ms (to another replica); EventSource, in browsers and the `eventsource` package alike,
         *     gives up for good on any non-200 answer, so a 503 would never bring it back. Other clients get 503
         *     `UNAVAILABLE` with `retry-after`. A stream the service ends when it stops brings EventSource back
         *     the same way.
         */
        get: operations["streamJobUpdates"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/openapi.json": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * This document, as JSON
         * @description The contract the service validates every request against. Public, like /health.
         */
        get: operations["getOpenApi"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Readiness of the service and its dependencies
         * @description Public. 200 when PostgreSQL and RabbitMQ are reachable, 503 when either is not; `checks` names each.
         */
        get: operations["getHealth"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/integrations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List integrations (secrets are never listed) */
        get: operations["listIntegrations"];
        put?: never;
        /**
         * Create an integration; the signing secret is returned this once
         * @description The URL is checked with the SSRF guard deliveries use (http/https only, no credentials in the URL, and every address
         *     the host resolves to must be public unicast unless `OUTBOUND_ALLOW_CIDRS` allows it); a refused URL answers 400
         *     `INVALID_URL` with `details.reason`. A new Standard Webhooks secret (`whsec_…`) is generated and stored encrypted
         *     (AES-256-GCM, key from `SECRET_ENCRYPTION_KEY`); it is shown in this answer and in rotate-secret answers only.
         *
         *     `Idempotency-Key` (1 to 255 characters) makes the call safe to retry for 24 hours: a retry with the same key and the
         *     same body (compared as canonical JSON) answers the first response again — same status, same body, same secret —
         *     with the header `idempotent-replayed: true`; the same key with a different body answers 409
         *     `IDEMPOTENCY_KEY_REUSED`. Concurrent requests with one key create one integration. The stored answer keeps the
         *     secret encrypted. Keys are kept per workspace for callers narrowed to one, so workspaces never share a key.
         *     After the 24 hours a key's stored answer is deleted (within ten minutes): a key used once does not stay forever.
         *     Audited as `integration.created`, with the integration's workspace.
         *
         *     The integration goes in the caller's workspace when the caller is narrowed to one, else in the body's
         *     `workspaceId`, else in the `default` workspace; an unknown workspace (or, for a narrowed caller, any other
         *     than its own) answers 404 `WORKSPACE_NOT_FOUND`.
         */
        post: operations["createIntegration"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/integrations/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Integration id. A value that is not a UUID answers 404 `INTEGRATION_NOT_FOUND`. */
                id: components["parameters"]["IntegrationId"];
            };
            cookie?: never;
        };
        /** One integration (never its secret) */
        get: operations["getIntegration"];
        put?: never;
        post?: never;
        /**
         * Delete an integration and its delivery history
         * @description Permanent. Its delivery jobs, their attempts and its scoped replay requests are deleted with it (ON DELETE
         *     CASCADE); the events stay, and the audit log keeps every fact about them. Audited as `integration.deleted`.
         */
        delete: operations["deleteIntegration"];
        options?: never;
        head?: never;
        /**
         * Partial update of name, url, eventTypes, headers, description, filter, rateLimit, ordering, orderingOnDead
         * @description At least one field; unknown fields answer 400. `description: null` clears the description, `filter: null`
         *     the filter, `rateLimit: null` the limit and `ordering: null` the ordering (jobs a subject holds `waiting` are
         *     then released by the dispatcher's sweeper, as they are when `orderingOnDead` becomes `skip`). A new `url` is checked
         *     with the SSRF guard (400 `INVALID_URL`) and clears `verifiedAt`. `headers` replaces the whole map. State changes go
         *     through pause/resume. Audited as `integration.updated` with the changed field names.
         */
        patch: operations["updateIntegration"];
        trace?: never;
    };
    "/integrations/{id}/pause": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Integration id. A value that is not a UUID answers 404 `INTEGRATION_NOT_FOUND`. */
                id: components["parameters"]["IntegrationId"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Stop deliveries to this integration
         * @description State becomes `paused`. New fan-outs skip it; a job that reaches delivery while paused is parked (not attempted)
         *     until resume. `waiting` jobs of an ordered integration are not parked: they stay `waiting` behind the job ahead
         *     of them in their subject. Pausing a paused integration changes nothing (200, not audited). Audited as `integration.paused`.
         */
        post: operations["pauseIntegration"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/integrations/{id}/resume": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Integration id. A value that is not a UUID answers 404 `INTEGRATION_NOT_FOUND`. */
                id: components["parameters"]["IntegrationId"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Restart deliveries (also re-enables an integration the circuit breaker disabled)
         * @description State becomes `active`, `consecutiveFailures` 0 and `disabledReason` null, and every parked job of the integration
         *     is released: `pending` if it never made an attempt, else `retrying`, each with a job message for its next attempt
         *     published to the jobs exchange once the change is committed. `meta.releasedJobs` counts them. If RabbitMQ refuses
         *     those messages the jobs are parked again and the call answers 503; calling resume again releases them. Resuming
         *     an active integration leaves its state alone and is not audited, unless a job was parked by a delivery that
         *     raced an earlier resume: such jobs are released too. `waiting` jobs are left as they are: the dispatcher releases
         *     each one when the job ahead of it in its subject ends. Audited as `integration.resumed`.
         */
        post: operations["resumeIntegration"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/integrations/{id}/rotate-secret": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Integration id. A value that is not a UUID answers 404 `INTEGRATION_NOT_FOUND`. */
                id: components["parameters"]["IntegrationId"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * New signing secret, returned once; the old one keeps signing during a grace window
         * @description Deliveries carry two space-separated signatures (new and old secret) until `previousSecretExpiresAt`
         *     (now + `SECRET_ROTATION_GRACE`, default 24 h), so receivers can switch without rejecting anything. Rotating again
         *     inside the window drops the oldest secret. Audited as `integration.secret_rotated` (without any secret).
         */
        post: operations["rotateIntegrationSecret"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/integrations/{id}/test": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Integration id. A value that is not a UUID answers 404 `INTEGRATION_NOT_FOUND`. */
                id: components["parameters"]["IntegrationId"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Send a signed synthetic event now and return the attempt
         * @description POSTs `{id, type: "hookway.test", provider, occurredAt, subject: null, data: {message: "Test webhook from Hookway"}}`
         *     signed exactly like a delivery (Standard Webhooks headers with the current and any in-grace secret, the
         *     integration's headers), through the same SSRF guard, with the delivery timeout. Works in any state. It is not a
         *     delivery job and is not recorded as an attempt; it is audited as `integration.tested`. Failures of the endpoint are
         *     reported in the answer (200), not as an error status.
         */
        post: operations["testIntegration"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/integrations/{id}/verify": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Integration id. A value that is not a UUID answers 404 `INTEGRATION_NOT_FOUND`. */
                id: components["parameters"]["IntegrationId"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * URL-ownership handshake
         * @description POSTs `{"type": "hookway.verification", "challenge": "<32 hex>"}`, signed like a delivery (`webhook-id` is a fresh
         *     id). The endpoint passes only if it answers 2xx within the delivery timeout with a JSON body whose `challenge`
         *     equals the one sent. A pass sets `verifiedAt` and is audited as `integration.verified`; a failure leaves
         *     `verifiedAt` alone and is audited as `integration.verification_failed` with the reason.
         */
        post: operations["verifyIntegration"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/integrations/{id}/filter-test": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Integration id. A value that is not a UUID answers 404 `INTEGRATION_NOT_FOUND`. */
                id: components["parameters"]["IntegrationId"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Whether an event would pass the integration's payload filter
         * @description Evaluates the stored filter (or `filter` from the body, which is not stored) against `event` exactly as
         *     fan-out does. Changes nothing and is not audited.
         */
        post: operations["testIntegrationFilter"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/integrations/{id}/stats": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Integration id. A value that is not a UUID answers 404 `INTEGRATION_NOT_FOUND`. */
                id: components["parameters"]["IntegrationId"];
            };
            cookie?: never;
        };
        /** Delivery statistics from the recorded attempts and jobs */
        get: operations["getIntegrationStats"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/integrations/{id}/deliveries": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Integration id. A value that is not a UUID answers 404 `INTEGRATION_NOT_FOUND`. */
                id: components["parameters"]["IntegrationId"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Purge the integration's delivery history
         * @description Deletes every recorded delivery attempt of the integration and returns how many. Its delivery jobs (and their
         *     final status, last error and status code) are kept, so dead letters stay replayable. Audited as
         *     `integration.deliveries_purged`.
         */
        delete: operations["purgeIntegrationDeliveries"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/sources": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List inbound sources (secrets are never listed) */
        get: operations["listSources"];
        put?: never;
        /**
         * Create an inbound source; its secret is returned this once
         * @description A source is served at `POST /api/v1/webhooks/{key}` on ingress. Every ingress replica keeps the sources in memory
         *     and reloads them when PostgreSQL notifies a change at commit (normally within milliseconds); if a notification is
         *     missed, within `SOURCE_REFRESH_INTERVAL` (30 s by default) at the latest.
         *
         *     `secret` is optional: without it a secret is generated (`whsec_…` for `standard-webhooks`, 32 random bytes as
         *     base64url otherwise) — give the provider's own secret for Stripe, Slack, Shopify or a Standard Webhooks sender
         *     that generated one. It is stored sealed (AES-256-GCM under `SECRET_ENCRYPTION_KEY`, column `sources.secret_sealed`),
         *     shown in this answer and the rotate answer only, and never logged or audited. A `none` source takes no secret.
         *     `mapping` defaults to the preset's (see `SourceMapping`). Audited as `source.created`, with its workspace.
         *
         *     The source goes in the caller's workspace when the caller is narrowed to one, else in the body's `workspaceId`,
         *     else in the `default` workspace; its events belong to that workspace. An unknown workspace (or, for a narrowed
         *     caller, any other than its own) answers 404 `WORKSPACE_NOT_FOUND`. Keys are global, because the key is the URL
         *     senders post to: a key another workspace's source has answers 409 `SOURCE_KEY_TAKEN` too (that tells nothing
         *     the public webhook URL does not). The key `api` is reserved for published events (POST /api/v1/events on
         *     ingress) and answers 409 `SOURCE_KEY_RESERVED`.
         */
        post: operations["createSource"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/sources/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Source id. A value that is not a UUID answers 404 `SOURCE_NOT_FOUND`. */
                id: components["parameters"]["SourceId"];
            };
            cookie?: never;
        };
        /** One source (never its secret) */
        get: operations["getSource"];
        put?: never;
        post?: never;
        /**
         * Delete a source
         * @description Its webhooks answer 404 `UNKNOWN_PROVIDER` from then on; its events stay. Audited as `source.deleted`.
         */
        delete: operations["deleteSource"];
        options?: never;
        head?: never;
        /**
         * Partial update of name, verifier, mapping, rateLimit
         * @description At least one field; the key cannot change (it is the provider of the source's events). `verifier` and `mapping`
         *     replace the whole object; `rateLimit: null` removes the limit. The secret changes only through rotate-secret.
         *     Audited as `source.updated` with the changed field names.
         */
        patch: operations["updateSource"];
        trace?: never;
    };
    "/sources/{id}/pause": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Source id. A value that is not a UUID answers 404 `SOURCE_NOT_FOUND`. */
                id: components["parameters"]["SourceId"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Refuse the source's webhooks for now
         * @description State becomes `paused`: ingress answers its webhooks 503 `SOURCE_PAUSED` with `retry-after: 60` before reading
         *     the body and stores nothing, so providers retry later. Pausing a paused source changes nothing (not audited).
         *     Audited as `source.paused`.
         */
        post: operations["pauseSource"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/sources/{id}/resume": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Source id. A value that is not a UUID answers 404 `SOURCE_NOT_FOUND`. */
                id: components["parameters"]["SourceId"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Accept the source's webhooks again
         * @description State becomes `active`. Resuming an active source changes nothing (not audited). Audited as `source.resumed`.
         */
        post: operations["resumeSource"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/sources/{id}/rotate-secret": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Source id. A value that is not a UUID answers 404 `SOURCE_NOT_FOUND`. */
                id: components["parameters"]["SourceId"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * New secret (given or generated), returned once; the previous one keeps verifying for a grace window
         * @description The previous secret (for the built-in `acme`/`globex`, the configured `ACME_WEBHOOK_SECRET`/`GLOBEX_WEBHOOK_TOKEN`
         *     while the row held none) is kept sealed in `sources.previous_secret_sealed` and keeps verifying until
         *     `previousSecretExpiresAt`: `graceSeconds` from now, `SECRET_ROTATION_GRACE` (24 h) by default; `graceSeconds: 0`
         *     retires it at once. 400 for a `none` source. Audited as `source.secret_rotated` (without either secret).
         */
        post: operations["rotateSourceSecret"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/event-types": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The event types received so far, per source
         * @description `provider` is the source key (`acme`, `globex`, a source created with POST /sources, or `api` for published events); the query parameter restricts to one source.
         */
        get: operations["listEventTypes"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Search normalized events
         * @description The raw snapshot is not part of the listing; read it with `GET /events/{id}`.
         */
        get: operations["listEvents"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/events/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One event with its raw webhook snapshot, delivery jobs and attempts */
        get: operations["getEvent"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/events/{id}/status": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Processing status of an event */
        get: operations["getEventStatus"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/processing-status/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Alias of `GET /events/{id}/status` for polling clients */
        get: operations["getProcessingStatus"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/events/{id}/replay": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Replay an event to its subscribers
         * @description The replay request is persisted (committed) before it is queued. Its event message
         *     (`{kind: "replay", eventId, replayRequestId, provider, type}`, routing key `<provider>.<type>`) and the audit fact
         *     `replay.requested` are then published. If RabbitMQ is unreachable the request is still accepted: an outbox relay
         *     publishes it once the broker is back. The dispatcher fans the event out again as new delivery jobs and audits
         *     `replay.dispatched`. The `x-request-id` of the call becomes the correlation id of the replay.
         */
        post: operations["replayEvent"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/jobs/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Delivery job id. A value that is not a UUID answers 404 `JOB_NOT_FOUND`. */
                id: components["parameters"]["JobId"];
            };
            cookie?: never;
        };
        /** One delivery job with its attempt timeline */
        get: operations["getJob"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/jobs/{id}/retry": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Delivery job id. A value that is not a UUID answers 404 `JOB_NOT_FOUND`. */
                id: components["parameters"]["JobId"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Retry a delivery job now
         * @description - A finished job (`succeeded`, `failed`, `dead`) is not revived: a replay request scoped to the job's integration
         *       (`integrationId`, `sourceJobId`) is persisted, then its event message `{kind: "replay", …}` published (the outbox
         *       relay publishes it later if RabbitMQ is down); the dispatcher creates a fresh job for that integration only. The
         *       old job and its attempts stay as history. The answer carries `replayRequestId`.
         *     - A `retrying` job (waiting in a delay tier) gets its next attempt's job message published now; the copy that
         *       later leaves the delay tier is skipped by the dispatcher's claim.
         *     - `pending`, `delivering`, `parked` and `waiting` jobs answer 409 `JOB_NOT_RETRYABLE` with `details.status`
         *       (parked jobs are released by resuming their integration; a waiting job goes when the job ahead of it in its
         *       subject ends, and sending it earlier would break the subject's order).
         *
         *     `requestedBy` defaults to the caller (API key or JWT subject). Audited as `job.retry_requested`.
         */
        post: operations["retryJob"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/dead-letters": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Dead jobs, most recently dead first */
        get: operations["listDeadLetters"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/dead-letters/{jobId}/replay": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The dead job. A value that is not a UUID answers 404 `JOB_NOT_FOUND`. */
                jobId: string;
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Replay one dead letter to its integration
         * @description Like retrying a finished job: a replay request scoped to the job's integration is persisted, then published; the
         *     dispatcher creates a fresh job. The dead job stays (history is kept). Audited as `dead_letter.replay_requested`.
         */
        post: operations["replayDeadLetter"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/dead-letters/replay": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Replay every dead letter matching a filter, in the background
         * @description Needs at least one filter, or `all: true` to mean every dead job. The run is recorded and the call answers 202 at
         *     once; a background run then counts the matching dead jobs that existed at the request (`matched`) and walks them
         *     in batches of 100, filing one scoped replay request per job (`requeued` grows as it goes), and ends `completed`,
         *     or `failed` with `error` (also when the service stops mid-run). Jobs created by these replays are never picked up
         *     by the same run. Audited once as `dead_letter.bulk_replay_requested`; each replay request publishes its own
         *     `replay.requested`. Follow it with `GET /dead-letter-replays/{id}`. A caller narrowed to a workspace replays only
         *     the dead jobs of its workspace's integrations (the run's `filter` then shows its `workspaceId`), and only it
         *     (and operators) can follow that run.
         */
        post: operations["bulkReplayDeadLetters"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/dead-letter-replays/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A bulk replay id. A value that is not a UUID answers 404 `BULK_REPLAY_NOT_FOUND`. */
                id: string;
            };
            cookie?: never;
        };
        /** Progress and outcome of a bulk dead-letter replay */
        get: operations["getBulkReplay"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/deliveries": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Delivery attempts, newest first */
        get: operations["listDeliveries"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/audit-entries": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Audit log entries, newest (highest id) first
         * @description A caller narrowed to a workspace (a workspace API key, a JWT with a `workspace` claim) sees only the entries of
         *     its workspace; a `workspaceId` naming another workspace then lists nothing. Operators see every entry and may
         *     filter by `workspaceId`.
         */
        get: operations["listAuditEntries"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/audit-entries/verify": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Verify the whole audit hash chain
         * @description Walks every entry in id order and checks that its `prevHash` equals the previous entry's `hash` (64 zeros for the
         *     first) and that `hash = sha256(prevHash || canonical entry)`, where the canonical entry is the JSON (keys sorted at
         *     every depth) of `{factId, entityType, entityId, action, actor, correlationId, occurredAt, details, workspaceId}`,
         *     `workspaceId` left out when it is null (so entries from before workspaces keep their hash). An edited entry
         *     fails its own hash; a deleted entry breaks the link of the entry after it. The chain spans every workspace, so
         *     only an operator credential may verify it: a caller narrowed to a workspace gets 403 `OPERATOR_ONLY`.
         */
        get: operations["verifyAuditChain"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/stats/overview": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Per-minute traffic and the current backlog, for the console's overview
         * @description Events received and delivery attempts (succeeded, failed) per minute over the last `minutes` minutes, the
         *     current minute included (minutes cut in UTC, oldest first, empty minutes count 0); integrations by state; dead
         *     letters; the jobs still waiting for delivery (pending, delivering, retrying, parked or waiting) and the oldest of them.
         *     A caller narrowed to a workspace (or an operator naming one with `workspaceId`) gets that workspace's figures
         *     only: its events, its integrations, and their jobs and attempts.
         *     The audit chain's status is `GET /audit-entries/verify`, which walks the whole chain and is not repeated here.
         */
        get: operations["getOverviewStats"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/workspaces": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Workspaces, oldest first (the default workspace leads)
         * @description An operator credential (`x-internal-api-key`, a JWT without a `workspace` claim) lists every workspace, the
         *     `default` one included. A caller narrowed to a workspace (a workspace API key, a JWT with a `workspace` claim)
         *     sees only its own.
         */
        get: operations["listWorkspaces"];
        put?: never;
        /**
         * Create a workspace
         * @description A workspace holds its own integrations, sources, events, jobs, replays, API keys and audit entries. The `slug`
         *     is its stable name (lower-case letters, digits and dashes) and never changes afterwards. Only an operator
         *     credential may create workspaces: a caller narrowed to a workspace gets 403 `OPERATOR_ONLY`. Audited as
         *     `workspace.created`.
         */
        post: operations["createWorkspace"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/workspaces/{workspaceId}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description Workspace id. A value that is not a UUID, an unknown id, and (for a caller narrowed to a workspace) any other
                 *     workspace's id answer 404 `WORKSPACE_NOT_FOUND`.
                 */
                workspaceId: components["parameters"]["WorkspaceId"];
            };
            cookie?: never;
        };
        /**
         * One workspace
         * @description A caller narrowed to a workspace gets 404 `WORKSPACE_NOT_FOUND` for any other id, whether it exists or not.
         */
        get: operations["getWorkspace"];
        put?: never;
        post?: never;
        /**
         * Delete an empty workspace
         * @description Refused with 409 `WORKSPACE_NOT_EMPTY` while the workspace still has integrations or sources
         *     (`details.integrations`, `details.sources`: how many); delete or empty them first. The `default` workspace can
         *     never be deleted (409 `DEFAULT_WORKSPACE`). Its API keys (they stop working at once) and its events go with
         *     it; its audit entries stay. Only an operator credential may delete: a caller narrowed to this workspace gets
         *     403 `OPERATOR_ONLY`, and 404 for any other workspace. Audited as `workspace.deleted`.
         */
        delete: operations["deleteWorkspace"];
        options?: never;
        head?: never;
        /**
         * Rename a workspace or change its description
         * @description At least one of `name` and `description` (`null` clears it). The slug is immutable (scripts, dashboards and
         *     URLs name the workspace by it), so `slug` is refused like any unknown field (400 `VALIDATION_ERROR`); create a
         *     new workspace for a new slug. A caller narrowed to this workspace may change it too; any other workspace
         *     answers it 404. Audited as `workspace.updated` with the changed field names.
         */
        patch: operations["updateWorkspace"];
        trace?: never;
    };
    "/workspaces/{workspaceId}/api-keys": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description Workspace id. A value that is not a UUID, an unknown id, and (for a caller narrowed to a workspace) any other
                 *     workspace's id answer 404 `WORKSPACE_NOT_FOUND`.
                 */
                workspaceId: components["parameters"]["WorkspaceId"];
            };
            cookie?: never;
        };
        /**
         * The workspace's API keys, newest first (never the key itself)
         * @description Revoked keys are listed too, with `revokedAt`. Only the key's `prefix` (`hwk_` and 8 more characters) is shown:
         *     the key is stored as its SHA-256 and cannot be shown again.
         */
        get: operations["listApiKeys"];
        put?: never;
        /**
         * Create a workspace API key; the key is returned this once
         * @description The answer's `key` (`hwk_` followed by 43 base64url characters, 256 random bits) is shown only here: only its
         *     SHA-256 is stored, and it is never logged or audited. Send it as `Authorization: Bearer hwk_…`: on ingress
         *     (`events:publish`) and on this API (`webhooks:read` for GET, `webhooks:write` for the rest), where it sees and
         *     changes only its own workspace. `rateLimit` limits the key's publish requests on ingress.
         *
         *     A workspace key with `webhooks:write` may create keys for its own workspace, but only with scopes it holds
         *     itself (403 `SCOPE_NOT_HELD` naming the others in `details.scopes`): a key cannot mint a more powerful key. A
         *     JWT may grant only the scopes of its `scope` claim (`events:publish` included); only the operator's
         *     `x-internal-api-key` may grant any scope. Live keys of one workspace
         *     have distinct names (409 `API_KEY_NAME_TAKEN`), since the name is the actor of the key's audit entries.
         *     Audited as `api_key.created` (name, prefix, scopes, rate limit; never the key).
         */
        post: operations["createApiKey"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/workspaces/{workspaceId}/api-keys/{keyId}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description Workspace id. A value that is not a UUID, an unknown id, and (for a caller narrowed to a workspace) any other
                 *     workspace's id answer 404 `WORKSPACE_NOT_FOUND`.
                 */
                workspaceId: components["parameters"]["WorkspaceId"];
                /** @description API key id. A value that is not a UUID, or a key of another workspace, answers 404 `API_KEY_NOT_FOUND`. */
                keyId: string;
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Revoke an API key, at once
         * @description Sets `revokedAt`; every request made with the key from then on answers 401, on every replica (keys are looked
         *     up on each request). The row stays, listed with `revokedAt`. Revoking a revoked key answers 204 again and changes
         *     nothing. A workspace key with `webhooks:write` may revoke any key of its workspace, itself included. Audited as
         *     `api_key.revoked`.
         */
        delete: operations["revokeApiKey"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        SuccessEnvelope: {
            /** @constant */
            success: true;
            data: unknown;
            meta: Record<string, unknown>;
        };
        ErrorEnvelope: {
            /** @constant */
            success: false;
            error: {
                /**
                 * @description Machine-readable error code.
                 * @enum {string}
                 */
                code: "UNAUTHORIZED" | "INVALID_TOKEN" | "TOKEN_EXPIRED" | "INSUFFICIENT_SCOPE" | "INVALID_QUERY" | "VALIDATION_ERROR" | "INVALID_PAYLOAD" | "INVALID_URL" | "INVALID_IDEMPOTENCY_KEY" | "IDEMPOTENCY_KEY_REUSED" | "PAYLOAD_TOO_LARGE" | "UNSUPPORTED_MEDIA_TYPE" | "BAD_REQUEST" | "EVENT_NOT_FOUND" | "INTEGRATION_NOT_FOUND" | "JOB_NOT_FOUND" | "JOB_NOT_RETRYABLE" | "NOT_DEAD" | "BULK_REPLAY_NOT_FOUND" | "SOURCE_NOT_FOUND" | "SOURCE_KEY_TAKEN" | "SOURCE_KEY_RESERVED" | "WORKSPACE_NOT_FOUND" | "WORKSPACE_SLUG_TAKEN" | "WORKSPACE_NOT_EMPTY" | "DEFAULT_WORKSPACE" | "OPERATOR_ONLY" | "API_KEY_NOT_FOUND" | "API_KEY_NAME_TAKEN" | "SCOPE_NOT_HELD" | "NOT_FOUND" | "UNAVAILABLE" | "INTERNAL_ERROR";
                message: string;
                details: {
                    errors?: {
                        /** @description JSON pointer of the offending value */
                        path: string;
                        message: string;
                    }[];
                    /** @description For INTERNAL_ERROR, the id under which the error was logged. */
                    errorId?: string;
                    /** @description For INVALID_URL, why the SSRF guard refused the URL. */
                    reason?: string;
                    /** @description For JOB_NOT_RETRYABLE and NOT_DEAD, the job's current status. */
                    status?: string;
                };
            };
        };
        PageMeta: {
            page: number;
            pageSize: number;
            total: number;
            totalPages: number;
        };
        HealthEnvelope: {
            success: boolean;
            data: {
                /** @enum {string} */
                status: "ok" | "degraded";
                checks: {
                    postgres: components["schemas"]["CheckStatus"];
                    rabbitmq: components["schemas"]["CheckStatus"];
                };
            };
            meta: Record<string, unknown>;
        };
        CheckStatus: {
            /** @enum {string} */
            status: "up" | "down";
        };
        /** @enum {string} */
        IntegrationState: "active" | "paused" | "disabled";
        Integration: {
            /** Format: uuid */
            id: string;
            /**
             * Format: uuid
             * @description The workspace it belongs to.
             */
            workspaceId: string;
            name: string;
            provider: string;
            /** Format: uri */
            url: string;
            /** @description Exact types or globs such as `order.*`. */
            eventTypes: string[];
            headers: {
                [key: string]: string;
            };
            description: string | null;
            /** @description The payload filter; null delivers every event of its types. */
            filter: components["schemas"]["PayloadFilter"] | null;
            /** @description The delivery rate limit; null for none. */
            rateLimit: components["schemas"]["RateLimit"] | null;
            ordering: components["schemas"]["IntegrationOrdering"];
            orderingOnDead: components["schemas"]["OrderingOnDead"];
            state: components["schemas"]["IntegrationState"];
            consecutiveFailures: number;
            /** @description Why the circuit breaker disabled it; cleared by resume. */
            disabledReason: string | null;
            /**
             * Format: date-time
             * @description When the URL last passed the ownership handshake; cleared when the URL changes.
             */
            verifiedAt: string | null;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
        };
        /** @description Exact types or globs: `order.created`, `order.*` (one segment), `order.**` (any depth), `*` (all). */
        EventTypePatterns: string[];
        /**
         * @description Extra headers sent with every delivery. Names are HTTP tokens, case-insensitively unique; reserved names
         *     (`webhook-*`, `content-type`, `content-length`, `host`, `user-agent`, `transfer-encoding`, `connection`) answer
         *     400. Values hold no CR, LF or NUL. Audit entries record the names only.
         */
        CustomHeaders: {
            [key: string]: string;
        };
        /**
         * @description Matched against the normalized event `{type, subject, data, provider}` at fan-out; an event it excludes
         *     creates no job for the integration. Every key must hold: a field path (`type`, `subject`, `provider`,
         *     or `data` followed by dot-separated keys and array indexes, e.g. `data.items.0.sku`) with a JSON value
         *     (equality) or an object of operators `$eq`, `$neq`, `$in`, `$nin`, `$gt`, `$gte`, `$lt`, `$lte`,
         *     `$exists`; or a logical operator `$and`/`$or` (non-empty array of filters) or `$not` (one filter).
         *     Equality compares JSON values (objects regardless of key order, arrays element by element); `$gt`…
         *     compare numbers with numbers and strings with strings (by code unit), anything else does not match;
         *     `$neq` and `$nin` hold for a missing field. Bounded: at most 4096 bytes of JSON, 8 levels of nesting,
         *     200 conditions, 16 path segments, 100 values per `$in`/`$nin`. A filter that breaks a rule answers 400
         *     `VALIDATION_ERROR` with `details.errors[]` naming each problem by JSON Pointer (`/filter/...`).
         * @example {
         *       "type": "order.created",
         *       "data.total": {
         *         "$gte": 1000
         *       },
         *       "$or": [
         *         {
         *           "data.currency": "EUR"
         *         },
         *         {
         *           "data.customer.tier": "gold"
         *         }
         *       ]
         *     }
         */
        PayloadFilter: {
            [key: string]: unknown;
        };
        /**
         * @description At most `perSecond` deliveries a second on average and `burst` back to back, across every dispatcher
         *     replica (the budget is shared through PostgreSQL). Jobs over the limit wait in the retry tiers without
         *     using an attempt. A receiver's 429 with `retry-after` pauses every delivery of the integration that long.
         */
        RateLimit: {
            perSecond: number;
            /**
             * @description Read back as set (1 when left out).
             * @default 1
             */
            burst?: number;
        };
        /**
         * @description `subject`: the integration's events of one subject are delivered one at a time, in the order ingress accepted
         *     them (`events.seq`), each after the previous one succeeded or went dead (see `orderingOnDead`). Only one job of
         *     a subject is open at a time; its later jobs are `waiting`. Other subjects flow in parallel, and events without a
         *     subject are not ordered. A replay to an ordered integration (event, job or dead-letter replay) takes its place
         *     in the subject's order by the original event's position, not at the end. The cost: a subject's throughput is
         *     bounded by the receiver's latency, and a slow or failing receiver delays that subject's later events.
         *     `null` (the default): no order, every job goes as soon as it can. Anything else answers 400
         *     `VALIDATION_ERROR` naming `/ordering`.
         * @default null
         * @enum {string|null}
         */
        IntegrationOrdering: "subject" | null;
        /**
         * @description What a dead job of an ordered integration does to its subject. `skip` (the default): the subject's next event
         *     goes as if the dead one had succeeded. `block`: the subject is held (its later jobs stay `waiting`) until the
         *     dead event is replayed for this integration and that replay ends (a replay that dies too keeps the subject
         *     held), or the integration is switched to `skip` or to `ordering: null`; the dispatcher's sweeper then releases
         *     the held jobs within its sweep interval. Other subjects are not held. Stored, and read back, whatever `ordering`
         *     is; it matters only while `ordering` is `subject`. Anything else answers 400 `VALIDATION_ERROR` naming
         *     `/orderingOnDead`.
         * @default skip
         * @enum {string}
         */
        OrderingOnDead: "skip" | "block";
        FilterTest: {
            event: {
                type: string;
                subject?: string | null;
                data?: Record<string, unknown> | null;
                /** @description The integration's provider when left out. */
                provider?: string | null;
            };
            /** @description A filter to try instead of the stored one (nothing is stored). */
            filter?: components["schemas"]["PayloadFilter"] | null;
        };
        FilterTestResult: {
            /** @description The filter lets the event through (true when there is no filter). Event types are not consulted. */
            matches: boolean;
            /** @description The filter that was evaluated. */
            filter: components["schemas"]["PayloadFilter"] | null;
        };
        /**
         * @example {
         *       "name": "orders to billing",
         *       "provider": "acme",
         *       "url": "https://billing.example.com/hooks/hookway",
         *       "eventTypes": [
         *         "order.*"
         *       ],
         *       "headers": {
         *         "x-team": "billing"
         *       },
         *       "description": "Order events for the billing service"
         *     }
         */
        IntegrationCreate: {
            /**
             * Format: uuid
             * @description The workspace it goes in. A caller narrowed to a workspace may leave it out (its own is used) or name its
             *     own; an operator may name any, and leaving it out means the `default` workspace. A workspace that does not
             *     exist, or is not the narrowed caller's, answers 404 `WORKSPACE_NOT_FOUND`.
             */
            workspaceId?: string;
            name: string;
            /**
             * @description Whose events it receives: the key of a source of the same workspace (`acme`, `globex`, or any created with
             *     POST /sources), or `api` for the events the workspace's applications publish (POST /api/v1/events on
             *     ingress). A key no source of the workspace has answers 400 `VALIDATION_ERROR`: events reach only the
             *     integrations of their own workspace.
             */
            provider: string;
            /** @description http(s) endpoint; checked with the SSRF guard (400 `INVALID_URL` when refused). */
            url: string;
            eventTypes: components["schemas"]["EventTypePatterns"];
            headers?: components["schemas"]["CustomHeaders"];
            description?: string | null;
            filter?: components["schemas"]["PayloadFilter"] | null;
            rateLimit?: components["schemas"]["RateLimit"] | null;
            ordering?: components["schemas"]["IntegrationOrdering"];
            orderingOnDead?: components["schemas"]["OrderingOnDead"];
        };
        IntegrationPatch: {
            name?: string;
            url?: string;
            eventTypes?: components["schemas"]["EventTypePatterns"];
            headers?: components["schemas"]["CustomHeaders"];
            description?: string | null;
            /** @description null removes the filter. */
            filter?: components["schemas"]["PayloadFilter"] | null;
            /** @description null removes the limit. */
            rateLimit?: components["schemas"]["RateLimit"] | null;
            /** @description null stops ordering; the subjects' `waiting` jobs are released by the dispatcher's sweeper. */
            ordering?: components["schemas"]["IntegrationOrdering"];
            /** @description Switching from `block` to `skip` lets held subjects go (the dispatcher's sweeper releases them). */
            orderingOnDead?: components["schemas"]["OrderingOnDead"];
        };
        IntegrationWithSecret: components["schemas"]["Integration"] & {
            /** @description The Standard Webhooks signing secret. Shown only on create and rotate; store it now. */
            secret: string;
        };
        RotatedIntegration: components["schemas"]["IntegrationWithSecret"] & {
            /**
             * Format: date-time
             * @description Until then deliveries are signed with both the new and the previous secret.
             */
            previousSecretExpiresAt: string;
        };
        /** @description The path segment of `POST /api/v1/webhooks/{key}` and the `provider` of the source's events and integrations. */
        SourceKey: string;
        /**
         * @description How ingress checks a webhook, over the raw body before parsing, in constant time. A signature or token that is
         *     missing or wrong answers 401 (`INVALID_SIGNATURE`, `INVALID_TOKEN` for `token`, `INVALID_CREDENTIALS` for
         *     `basic`); an authentic signature whose timestamp is more than `toleranceSeconds` (default 300) from ingress's
         *     clock answers 401 `TIMESTAMP_OUT_OF_TOLERANCE`.
         *
         *     * `github`: `x-hub-signature-256: sha256=<hex HMAC-SHA256(secret, body)>`.
         *     * `stripe`: `stripe-signature: t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>` (several `v1` allowed), tolerance.
         *     * `standard-webhooks`: `webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64>` (space-separated list),
         *       key = base64 of the `whsec_` secret, tolerance.
         *     * `shopify`: `x-shopify-hmac-sha256: <base64 HMAC-SHA256(secret, body)>`.
         *     * `slack`: `x-slack-signature: v0=<hex HMAC-SHA256(secret, "v0:<x-slack-request-timestamp>:<body>")>`, tolerance.
         *     * `hmac`: `header`, `algorithm` (sha256, sha1, sha512), `encoding` (hex, base64), optional `prefix` (stripped when
         *       present, e.g. `sha256=`), optional `timestampHeader` (the MAC then covers `<timestamp>.<body>`) and `toleranceSeconds`.
         *     * `token`: the secret in `header`, compared in constant time (redacted from stored snapshots).
         *     * `basic`: `Authorization: Basic` with `username` and the secret as password.
         *     * `none`: no check at all; only when configured so explicitly.
         * @example {
         *       "type": "github"
         *     }
         */
        Verifier: {
            /** @enum {string} */
            type: "github" | "stripe" | "standard-webhooks" | "shopify" | "slack" | "hmac" | "token" | "basic" | "none";
            toleranceSeconds?: number;
            header?: string;
            /** @enum {string} */
            algorithm?: "sha256" | "sha1" | "sha512";
            /** @enum {string} */
            encoding?: "hex" | "base64";
            prefix?: string;
            timestampHeader?: string;
            username?: string;
        };
        /**
         * @description Where a normalized field comes from: the JSON `pointer`'s value (RFC 6901) if present, else the `header`'s, else
         *     (with `fallback: bodyHash`) the SHA-256 of the body. `suffix` appends another value after `separator` (default
         *     `.`) when it is present: GitHub's type is `{header: x-github-event, suffix: {pointer: /action}}` → `issues.opened`.
         */
        FieldMapping: {
            pointer?: string;
            header?: string;
            /** @enum {string} */
            fallback?: "bodyHash";
            suffix?: {
                pointer?: string;
                header?: string;
                separator?: string;
            };
        };
        /**
         * @description From payload to normalized event. `eventId` (the deduplication key, at most 200 characters) and `eventType`
         *     must be found, else 400 `INVALID_PAYLOAD` with `details.field` naming the field and nothing is stored;
         *     `occurredAt` (RFC 3339 or unix seconds) defaults to the received time; `subject` is null unless a string of at
         *     most 1,000 characters; `data` is the JSON pointer of the event data (an object; the whole payload by default);
         *     `schema` is an optional JSON Schema the payload must satisfy first. Presets' defaults: github — id
         *     `x-github-delivery`, type `x-github-event` + `.action`, subject `/repository/full_name`; stripe — `/id`, `/type`,
         *     `/created`, `/data/object/id`; standard-webhooks — `webhook-id`, `/type`, `/timestamp`; shopify —
         *     `x-shopify-webhook-id`, `x-shopify-topic`, `x-shopify-triggered-at`, `x-shopify-shop-domain`; slack —
         *     `/event_id`, `/type` + `.event.type`, `/event_time`, `/team_id`; the others — `/id` (else a body hash), `/type`.
         */
        SourceMapping: {
            eventId: components["schemas"]["FieldMapping"];
            eventType: components["schemas"]["FieldMapping"];
            occurredAt?: components["schemas"]["FieldMapping"];
            subject?: components["schemas"]["FieldMapping"];
            data?: string;
            schema?: Record<string, unknown>;
        };
        /**
         * @description Ingest limit across all replicas: beyond it ingress answers 429 `RATE_LIMITED` with `retry-after`, `RateLimit`
         *     and `RateLimit-Policy` and stores nothing. Each replica enforces `perSecond / INGRESS_REPLICAS` with a token
         *     bucket of `burst / INGRESS_REPLICAS`.
         */
        SourceRateLimit: {
            perSecond: number;
            burst: number;
        } | null;
        /** @enum {string} */
        SourceState: "active" | "paused";
        Source: {
            /** Format: uuid */
            id: string;
            /**
             * Format: uuid
             * @description The workspace it belongs to: its events go there.
             */
            workspaceId: string;
            key: components["schemas"]["SourceKey"];
            name: string;
            verifier: components["schemas"]["Verifier"];
            mapping: components["schemas"]["SourceMapping"];
            state: components["schemas"]["SourceState"];
            rateLimit: components["schemas"]["SourceRateLimit"];
            /**
             * Format: date-time
             * @description While a rotation's grace window is open, when the previous secret stops verifying.
             */
            previousSecretExpiresAt: string | null;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
        };
        /**
         * @example {
         *       "key": "github",
         *       "name": "GitHub repository webhooks",
         *       "verifier": {
         *         "type": "github"
         *       }
         *     }
         */
        SourceCreate: {
            /**
             * Format: uuid
             * @description The workspace it goes in (its events go there too). A caller narrowed to a workspace may leave it out (its
             *     own is used) or name its own; an operator may name any, and leaving it out means the `default` workspace.
             *     A workspace that does not exist, or is not the narrowed caller's, answers 404 `WORKSPACE_NOT_FOUND`.
             */
            workspaceId?: string;
            key: components["schemas"]["SourceKey"];
            name: string;
            verifier: components["schemas"]["Verifier"];
            mapping?: components["schemas"]["SourceMapping"];
            rateLimit?: components["schemas"]["SourceRateLimit"];
            /** @description The provider's secret (no whitespace at either end); generated when absent. */
            secret?: string;
        };
        SourcePatch: {
            name?: string;
            verifier?: components["schemas"]["Verifier"];
            mapping?: components["schemas"]["SourceMapping"];
            rateLimit?: components["schemas"]["SourceRateLimit"];
        };
        SourceWithSecret: components["schemas"]["Source"] & {
            /** @description The source's secret (null for `none`). Shown only on create and rotate; configure it at the provider now. */
            secret: string | null;
        };
        TestPingResult: {
            /** @description The endpoint answered 2xx. */
            success: boolean;
            /** @description null when no HTTP answer arrived. */
            statusCode: number | null;
            latencyMs: number;
            /** @description First 4 KiB of the response body. */
            responseBody: string | null;
            /** @description `HTTP_<status>` for a non-2xx answer, else TIMEOUT, CONNECTION_REFUSED, SSRF_BLOCKED, DNS_LOOKUP_FAILED, … */
            errorCode: string | null;
            /** @description The `webhook-signature` header sent. */
            signature: string;
            /** @description The `webhook-id` header sent (the synthetic event's id). */
            webhookId: string;
        };
        VerificationResult: {
            verified: boolean;
            /** @description Why it failed: `challenge not echoed`, `response is not JSON`, `HTTP <status>`, or the transport error code (TIMEOUT, SSRF_BLOCKED, CONNECTION_REFUSED, …). */
            reason?: string;
        };
        Overview: {
            windowMinutes: number;
            /** @description One entry per minute of the window, oldest first. */
            perMinute: {
                /**
                 * Format: date-time
                 * @description Start of the minute.
                 */
                minute: string;
                /** @description Events received. */
                received: number;
                /** @description Delivery attempts that succeeded. */
                delivered: number;
                /** @description Delivery attempts that failed (retries included). */
                failed: number;
            }[];
            integrationsByState: {
                active: number;
                paused: number;
                disabled: number;
            };
            deadLetters: number;
            /** @description Jobs pending, delivering, retrying, parked or waiting. */
            pendingJobs: number;
            /** @description The oldest of those jobs, or null when none waits. */
            oldestPendingJob: null | {
                /** Format: uuid */
                id: string;
                /** Format: uuid */
                eventId: string;
                /** Format: uuid */
                integrationId: string;
                /** @enum {string} */
                status: "pending" | "delivering" | "retrying" | "parked" | "waiting";
                attemptCount: number;
                /** Format: date-time */
                createdAt: string;
            };
        };
        IntegrationStats: {
            totalAttempts: number;
            successfulAttempts: number;
            failedAttempts: number;
            /** @description null when there are no attempts. */
            successRate: number | null;
            averageLatencyMs: number | null;
            /** @description Continuous 95th percentile (percentile_cont). */
            p95LatencyMs: number | null;
            /** Format: date-time */
            lastSuccessAt: string | null;
            /** Format: date-time */
            lastFailureAt: string | null;
            /** @description Jobs pending, delivering, retrying, parked or waiting. */
            pendingJobs: number;
            deadJobs: number;
        };
        EventTypeSeen: {
            provider: string;
            eventType: string;
            count: number;
            /** Format: date-time */
            lastSeenAt: string;
        };
        /** @enum {string} */
        EventStatus: "pending" | "processing" | "processed" | "retrying" | "failed";
        Event: {
            /** Format: uuid */
            id: string;
            /**
             * Format: uuid
             * @description The workspace of the source that sent it, or of the key that published it.
             */
            workspaceId: string;
            provider: string;
            /** @description The provider's own event id (deduplication key). */
            externalId: string;
            type: string;
            /** Format: date-time */
            occurredAt: string;
            subject: string | null;
            /** @description The normalized payload. */
            data: unknown;
            status: components["schemas"]["EventStatus"];
            /** Format: date-time */
            receivedAt: string;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
        };
        EventDetail: components["schemas"]["Event"] & {
            /** @description The webhook as received (headers without credentials, body as bytes-as-text). */
            snapshot: {
                headers: Record<string, unknown>;
                body: string;
            };
            /** @description Delivery jobs, oldest first. */
            jobs: components["schemas"]["DeliveryJob"][];
            /** @description Delivery attempts, in the order they were made. */
            attempts: components["schemas"]["DeliveryAttempt"][];
        };
        /**
         * @description `pending` (its job message is on its way to a dispatcher), `delivering` (an attempt is being made),
         *     `retrying` (waiting in a delay tier for its next attempt), `parked` (its integration is paused or disabled;
         *     resume releases it), `waiting` (a job of an integration with `ordering: subject`, held behind the earlier
         *     open job of the same subject: it has no job message, cannot be claimed or retried, and is neither parked by a
         *     pause nor released by a resume; the dispatcher makes it `pending` when the job ahead of it succeeds, or dies
         *     under `orderingOnDead: skip`; under `block` a dead one holds it until that event's replay ends or the
         *     integration stops blocking), and the final `succeeded`, `failed` and `dead`. Stats and the overview count
         *     `waiting` jobs among the pending ones.
         * @enum {string}
         */
        JobStatus: "pending" | "delivering" | "retrying" | "succeeded" | "failed" | "dead" | "parked" | "waiting";
        DeliveryJob: {
            /** Format: uuid */
            id: string;
            /** Format: uuid */
            eventId: string;
            /** Format: uuid */
            integrationId: string;
            /**
             * Format: uuid
             * @description Set when the job was created by a replay.
             */
            replayRequestId: string | null;
            status: components["schemas"]["JobStatus"];
            attemptCount: number;
            maxAttempts: number;
            /** Format: date-time */
            nextAttemptAt: string | null;
            lastError: string | null;
            lastStatusCode: number | null;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
            /** Format: date-time */
            completedAt: string | null;
        };
        DeliveryAttempt: {
            /** Format: uuid */
            id: string;
            /** Format: uuid */
            jobId: string;
            /** Format: uuid */
            eventId: string;
            /** Format: uuid */
            integrationId: string;
            attemptNumber: number;
            /** @enum {string} */
            status: "success" | "failed";
            /** @description null when no HTTP answer arrived (timeout, refused). */
            statusCode: number | null;
            latencyMs: number;
            requestUrl: string;
            /** @description Headers sent, including webhook-id, webhook-timestamp and webhook-signature. */
            requestHeaders: Record<string, unknown>;
            responseHeaders: Record<string, unknown> | null;
            /** @description First 4 KiB of the response body. */
            responseBody: string | null;
            errorCode: string | null;
            errorMessage: string | null;
            /** Format: date-time */
            createdAt: string;
        };
        Delivery: components["schemas"]["DeliveryAttempt"];
        ProcessingStatus: {
            /** Format: uuid */
            eventId: string;
            status: components["schemas"]["EventStatus"];
            /** @description Delivery attempts made for this event across all its jobs. */
            attemptCount: number;
            /** @description The error of the latest failed attempt, else the latest job error, else null. */
            lastError: string | null;
            /** @description The ten most recent jobs, newest first. */
            recentJobs: components["schemas"]["DeliveryJob"][];
        };
        /**
         * @example {
         *       "requestedBy": "ops-user",
         *       "reason": "Replay after downstream outage"
         *     }
         */
        ReplayRequestBody: {
            /** @description Who asks (recorded as the audit actor). */
            requestedBy: string;
            reason: string;
        };
        ReplayAccepted: {
            /** Format: uuid */
            replayRequestId: string;
            /** Format: uuid */
            eventId: string;
        };
        JobDetail: components["schemas"]["DeliveryJob"] & {
            /**
             * Format: uuid
             * @description The workspace it belongs to (its integration's).
             */
            workspaceId: string;
            /** @description The job's attempts in attempt order (request headers include the signature sent). */
            attempts: components["schemas"]["DeliveryAttempt"][];
        };
        JobActionBody: {
            /** @description Defaults to the caller. */
            requestedBy?: string;
            reason?: string;
        };
        JobActionAccepted: {
            /** Format: uuid */
            jobId: string;
            /**
             * Format: uuid
             * @description Present when a replay request was filed.
             */
            replayRequestId?: string;
        };
        DeadLetter: {
            /** Format: uuid */
            jobId: string;
            /** Format: uuid */
            eventId: string;
            /** Format: uuid */
            integrationId: string;
            provider: string;
            eventType: string;
            attemptCount: number;
            lastError: string | null;
            lastStatusCode: number | null;
            /** Format: date-time */
            deadAt: string | null;
        };
        /**
         * @description At least one of integrationId, provider, eventType, since — or all true.
         * @example {
         *       "integrationId": "5b1f0c9e-8a51-4d55-9d0a-0d3f3c1a2b7e",
         *       "reason": "Receiver fixed after the outage"
         *     }
         */
        BulkReplayRequest: {
            /** Format: uuid */
            integrationId?: string;
            provider?: string;
            eventType?: string;
            /**
             * Format: date-time
             * @description Dead at or after.
             */
            since?: string;
            /** @description `true` replays every dead job (combined with any filter given). */
            all?: boolean;
            /** @description Defaults to the caller. */
            requestedBy?: string;
            reason?: string;
        };
        BulkReplay: {
            /** Format: uuid */
            id: string;
            /** @enum {string} */
            status: "running" | "completed" | "failed";
            /** @description Dead jobs matching when the run started; null until counted. */
            matched: number | null;
            /** @description Replay requests filed so far. */
            requeued: number;
            /** @description The filter as given. */
            filter: Record<string, unknown>;
            requestedBy: string;
            reason: string;
            error: string | null;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            completedAt: string | null;
        };
        AuditEntry: {
            /** @description Position in the chain. */
            id: number;
            /** @example replay.requested:5b1f0c9e-8a51-4d55-9d0a-0d3f3c1a2b7e */
            factId: string;
            /** @example replay */
            entityType: string;
            entityId: string;
            /** @example requested */
            action: string;
            /** @example ops-user */
            actor: string;
            correlationId: string | null;
            details: Record<string, unknown>;
            /** Format: date-time */
            occurredAt: string;
            /** Format: date-time */
            recordedAt: string;
            prevHash: string;
            hash: string;
            /**
             * Format: uuid
             * @description The workspace of the entity acted on (protected by the hash chain); null for a fact about no one workspace and for entries from before workspaces.
             */
            workspaceId: string | null;
        };
        ChainVerdict: {
            valid: boolean;
            /** @description Entries examined, including the first invalid one. */
            checked: number;
            firstInvalidId: number | null;
        };
        /**
         * @example {
         *       "id": "00000000-0000-0000-0000-000000000001",
         *       "slug": "default",
         *       "name": "Default",
         *       "description": "Everything created without naming a workspace",
         *       "createdAt": "2026-12-06T00:00:00.000Z",
         *       "updatedAt": "2026-12-06T00:00:00.000Z"
         *     }
         */
        Workspace: {
            /** Format: uuid */
            id: string;
            slug: components["schemas"]["WorkspaceSlug"];
            name: string;
            description: string | null;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
        };
        /**
         * @description The workspace's stable name; set at creation, never changed.
         * @example billing-team
         */
        WorkspaceSlug: string;
        WorkspaceCreate: {
            slug: components["schemas"]["WorkspaceSlug"];
            name: string;
            description?: string | null;
        };
        /** @description The slug is immutable and refused here. */
        WorkspacePatch: {
            name?: string;
            /** @description `null` clears the description. */
            description?: string | null;
        };
        /**
         * @description `events:publish`: publish events on ingress (`POST /api/v1/events`) and list them there; `webhooks:read`: GET
         *     routes of this API within the key's workspace; `webhooks:write`: every other route of this API within it.
         * @enum {string}
         */
        ApiKeyScope: "events:publish" | "webhooks:read" | "webhooks:write";
        /** @description At most `perSecond` publish requests a second on average, `burst` back to back (ingress answers 429 beyond). */
        ApiKeyRateLimit: {
            perSecond: number;
            burst: number;
        };
        /**
         * @example {
         *       "name": "checkout-service",
         *       "scopes": [
         *         "events:publish"
         *       ],
         *       "rateLimit": {
         *         "perSecond": 50,
         *         "burst": 100
         *       }
         *     }
         */
        ApiKeyCreate: {
            /** @description The actor of the key's audit entries. */
            name: string;
            scopes: components["schemas"]["ApiKeyScope"][];
            rateLimit?: components["schemas"]["ApiKeyRateLimit"];
        };
        ApiKey: {
            /** Format: uuid */
            id: string;
            /** Format: uuid */
            workspaceId: string;
            name: string;
            /**
             * @description The first characters of the key (`hwk_` and 8 more), to tell keys apart.
             * @example hwk_Q2xZ9bT1
             */
            prefix: string;
            scopes: components["schemas"]["ApiKeyScope"][];
            rateLimit: components["schemas"]["ApiKeyRateLimit"] | null;
            /** @description The actor who created the key. */
            createdBy: string;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            lastUsedAt: string | null;
            /**
             * Format: date-time
             * @description When the key was revoked; null while it is live.
             */
            revokedAt: string | null;
        };
        ApiKeyWithSecret: components["schemas"]["ApiKey"] & {
            /** @description The key. Shown only in this answer; store it now. */
            key: string;
        };
    };
    responses: {
        /** @description `UNAUTHORIZED` (no or a wrong API key, no bearer token), `INVALID_TOKEN` or `TOKEN_EXPIRED` */
        Unauthorized: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorEnvelope"];
            };
        };
        /** @description `INSUFFICIENT_SCOPE`: the bearer token lacks `webhooks:write` (or `webhooks:read` for a GET) */
        Forbidden: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorEnvelope"];
            };
        };
        /** @description `VALIDATION_ERROR` (the body fails the schema; `details.errors` lists each problem) or `INVALID_PAYLOAD` (not JSON) */
        ValidationError: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorEnvelope"];
            };
        };
        /**
         * @description `SECRET_UNOPENABLE`: the integration's signing secret opens under no configured key (`SECRET_ENCRYPTION_KEY`,
         *     `SECRET_ENCRYPTION_KEY_PREVIOUS`), so nothing can be signed for it; the message names the key id that sealed it.
         *     `details.integrationId`.
         */
        SecretUnopenable: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorEnvelope"];
            };
        };
        /** @description `INTEGRATION_NOT_FOUND` */
        IntegrationNotFound: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorEnvelope"];
            };
        };
        /** @description `JOB_NOT_FOUND` */
        JobNotFound: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorEnvelope"];
            };
        };
        /** @description `SOURCE_NOT_FOUND` */
        SourceNotFound: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorEnvelope"];
            };
        };
        /** @description The source (never its secret) */
        SourceAnswer: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["SuccessEnvelope"] & {
                    data?: components["schemas"]["Source"];
                };
            };
        };
        /** @description The integration (never its secret) */
        IntegrationAnswer: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["SuccessEnvelope"] & {
                    data?: components["schemas"]["Integration"];
                };
            };
        };
        /** @description `WORKSPACE_NOT_FOUND`: no such workspace, or one the caller is not narrowed to */
        WorkspaceNotFound: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorEnvelope"];
            };
        };
        /** @description The workspace */
        WorkspaceAnswer: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["SuccessEnvelope"] & {
                    data?: components["schemas"]["Workspace"];
                };
            };
        };
        /**
         * @description `INSUFFICIENT_SCOPE` (no `webhooks:write`) or `OPERATOR_ONLY`: the caller is narrowed to a workspace (a
         *     workspace API key, a JWT with a `workspace` claim) and the action is over workspaces as a whole
         */
        OperatorOnly: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorEnvelope"];
            };
        };
        /** @description `INVALID_QUERY`: an unknown parameter or a bad value; `details.errors` lists each problem */
        InvalidQuery: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorEnvelope"];
            };
        };
        /** @description `EVENT_NOT_FOUND` */
        EventNotFound: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorEnvelope"];
            };
        };
        /** @description `UNAVAILABLE`: the database (or, for an integration change, the message broker) cannot be reached; nothing changed; retry after the `retry-after` seconds */
        Unavailable: {
            headers: {
                "retry-after"?: number;
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorEnvelope"];
            };
        };
        /** @description The processing status */
        ProcessingStatus: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["SuccessEnvelope"] & {
                    data?: components["schemas"]["ProcessingStatus"];
                };
            };
        };
    };
    parameters: {
        Page: number;
        PageSize: number;
        /** @description Event id. A value that is not a UUID cannot name an event and answers 404 `EVENT_NOT_FOUND`. */
        EventId: string;
        /** @description Integration id. A value that is not a UUID answers 404 `INTEGRATION_NOT_FOUND`. */
        IntegrationId: string;
        /** @description Source id. A value that is not a UUID answers 404 `SOURCE_NOT_FOUND`. */
        SourceId: string;
        /** @description Delivery job id. A value that is not a UUID answers 404 `JOB_NOT_FOUND`. */
        JobId: string;
        /**
         * @description Only this workspace's rows (for operators). A caller narrowed to a workspace sees only its own anyway; naming
         *     any other workspace lists nothing, whether or not it exists.
         */
        WorkspaceFilter: string;
        /**
         * @description Workspace id. A value that is not a UUID, an unknown id, and (for a caller narrowed to a workspace) any other
         *     workspace's id answer 404 `WORKSPACE_NOT_FOUND`.
         */
        WorkspaceId: string;
    };
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    streamJobUpdates: {
        parameters: {
            query?: {
                /**
                 * @description Only this workspace's rows (for operators). A caller narrowed to a workspace sees only its own anyway; naming
                 *     any other workspace lists nothing, whether or not it exists.
                 */
                workspaceId?: components["parameters"]["WorkspaceFilter"];
                /** @description Only updates of this integration's jobs. */
                integrationId?: string;
                /** @description Only updates of this event's jobs. */
                eventId?: string;
                /** @description Resume after this position (for a first connect; a Last-Event-ID header wins). */
                lastEventId?: string;
                /** @description The management API key (the `apiKeyQuery` scheme), for clients that cannot send headers. */
                key?: string;
            };
            header?: {
                /** @description Resume after this position (EventSource sends it on reconnect). Not a position, it is ignored. */
                "Last-Event-ID"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The stream. Messages carry a JobUpdate as data; `stream.missed` and `unavailable` as described above. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example retry: 3000
                     *     : connected
                     *
                     *     id: 4711
                     *     event: job.delivered
                     *     data: {"type":"job.delivered","id":"4711","factId":"job.delivered:6f1c...","jobId":"6f1c...","attempt":1,"statusCode":200}
                     */
                    "text/event-stream": string;
                };
            };
            400: components["responses"]["InvalidQuery"];
            401: components["responses"]["Unauthorized"];
            503: components["responses"]["Unavailable"];
        };
    };
    getOpenApi: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The OpenAPI document. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        openapi: string;
                        paths: Record<string, unknown>;
                    };
                };
            };
            /** @description Never in practice; listed so every operation documents a client error. */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
        };
    };
    getHealth: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description All dependencies reachable */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HealthEnvelope"];
                };
            };
            /** @description At least one dependency is down (the body has the same shape) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HealthEnvelope"];
                };
            };
        };
    };
    listIntegrations: {
        parameters: {
            query?: {
                /**
                 * @description Only this workspace's rows (for operators). A caller narrowed to a workspace sees only its own anyway; naming
                 *     any other workspace lists nothing, whether or not it exists.
                 */
                workspaceId?: components["parameters"]["WorkspaceFilter"];
                /** @description Only integrations of this provider. */
                provider?: string;
                /** @description `true` restricts to integrations whose state is `active`; `false` (the default) lists every state. */
                activeOnly?: boolean;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Integrations, oldest first; `meta.total` is the count. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SuccessEnvelope"] & {
                        data?: components["schemas"]["Integration"][];
                        meta?: {
                            total?: number;
                        };
                    };
                };
            };
            400: components["responses"]["InvalidQuery"];
            401: components["responses"]["Unauthorized"];
            503: components["responses"]["Unavailable"];
        };
    };
    createIntegration: {
        parameters: {
            query?: never;
            header?: {
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["IntegrationCreate"];
            };
        };
        responses: {
            /** @description Created (or, under a reused Idempotency-Key, the first answer again) */
            201: {
                headers: {
                    /** @description `true` when this is the stored answer of an earlier request with the same Idempotency-Key. */
                    "idempotent-replayed"?: "true";
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SuccessEnvelope"] & {
                        data?: components["schemas"]["IntegrationWithSecret"];
                    };
                };
            };
            /** @description `VALIDATION_ERROR` (schema, reserved or duplicate header), `INVALID_PAYLOAD`, `INVALID_URL` (with `details.reason`) or `INVALID_IDEMPOTENCY_KEY` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["WorkspaceNotFound"];
            /** @description `IDEMPOTENCY_KEY_REUSED`: the key was used with a different body within 24 hours */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            503: components["responses"]["Unavailable"];
        };
    };
    getIntegration: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Integration id. A value that is not a UUID answers 404 `INTEGRATION_NOT_FOUND`. */
                id: components["parameters"]["IntegrationId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: components["responses"]["IntegrationAnswer"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["IntegrationNotFound"];
            503: components["responses"]["Unavailable"];
        };
    };
    deleteIntegration: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Integration id. A value that is not a UUID answers 404 `INTEGRATION_NOT_FOUND`. */
                id: components["parameters"]["IntegrationId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["IntegrationNotFound"];
            503: components["responses"]["Unavailable"];
        };
    };
    updateIntegration: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Integration id. A value that is not a UUID answers 404 `INTEGRATION_NOT_FOUND`. */
                id: components["parameters"]["IntegrationId"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["IntegrationPatch"];
            };
        };
        responses: {
            200: components["responses"]["IntegrationAnswer"];
            /** @description `VALIDATION_ERROR` (empty patch, unknown field, reserved header, …), `INVALID_PAYLOAD` or `INVALID_URL` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["IntegrationNotFound"];
            503: components["responses"]["Unavailable"];
        };
    };
    pauseIntegration: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Integration id. A value that is not a UUID answers 404 `INTEGRATION_NOT_FOUND`. */
                id: components["parameters"]["IntegrationId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: components["responses"]["IntegrationAnswer"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["IntegrationNotFound"];
            503: components["responses"]["Unavailable"];
        };
    };
    resumeIntegration: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Integration id. A value that is not a UUID answers 404 `INTEGRATION_NOT_FOUND`. */
                id: components["parameters"]["IntegrationId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The integration; `meta.releasedJobs` is the number of parked jobs handed back to delivery */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SuccessEnvelope"] & {
                        data?: components["schemas"]["Integration"];
                        meta?: {
                            releasedJobs?: number;
                        };
                    };
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["IntegrationNotFound"];
            503: components["responses"]["Unavailable"];
        };
    };
    rotateIntegrationSecret: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Integration id. A value that is not a UUID answers 404 `INTEGRATION_NOT_FOUND`. */
                id: components["parameters"]["IntegrationId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The integration with its new secret */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SuccessEnvelope"] & {
                        data?: components["schemas"]["RotatedIntegration"];
                    };
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["IntegrationNotFound"];
            503: components["responses"]["Unavailable"];
        };
    };
    testIntegration: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Integration id. A value that is not a UUID answers 404 `INTEGRATION_NOT_FOUND`. */
                id: components["parameters"]["IntegrationId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description What the endpoint answered */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SuccessEnvelope"] & {
                        data?: components["schemas"]["TestPingResult"];
                    };
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["IntegrationNotFound"];
            409: components["responses"]["SecretUnopenable"];
            503: components["responses"]["Unavailable"];
        };
    };
    verifyIntegration: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Integration id. A value that is not a UUID answers 404 `INTEGRATION_NOT_FOUND`. */
                id: components["parameters"]["IntegrationId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The verdict (200 whether or not the endpoint passed) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SuccessEnvelope"] & {
                        data?: components["schemas"]["VerificationResult"];
                    };
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["IntegrationNotFound"];
            409: components["responses"]["SecretUnopenable"];
            503: components["responses"]["Unavailable"];
        };
    };
    testIntegrationFilter: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Integration id. A value that is not a UUID answers 404 `INTEGRATION_NOT_FOUND`. */
                id: components["parameters"]["IntegrationId"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["FilterTest"];
            };
        };
        responses: {
            /** @description The verdict */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SuccessEnvelope"] & {
                        data?: components["schemas"]["FilterTestResult"];
                    };
                };
            };
            /** @description `VALIDATION_ERROR` (no event, or a filter that breaks a rule) or `INVALID_PAYLOAD` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["IntegrationNotFound"];
            503: components["responses"]["Unavailable"];
        };
    };
    getIntegrationStats: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Integration id. A value that is not a UUID answers 404 `INTEGRATION_NOT_FOUND`. */
                id: components["parameters"]["IntegrationId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The statistics */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SuccessEnvelope"] & {
                        data?: components["schemas"]["IntegrationStats"];
                    };
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["IntegrationNotFound"];
            503: components["responses"]["Unavailable"];
        };
    };
    purgeIntegrationDeliveries: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Integration id. A value that is not a UUID answers 404 `INTEGRATION_NOT_FOUND`. */
                id: components["parameters"]["IntegrationId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The number of attempts deleted */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SuccessEnvelope"] & {
                        data?: {
                            deleted: number;
                        };
                    };
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["IntegrationNotFound"];
            503: components["responses"]["Unavailable"];
        };
    };
    listSources: {
        parameters: {
            query?: {
                /**
                 * @description Only this workspace's rows (for operators). A caller narrowed to a workspace sees only its own anyway; naming
                 *     any other workspace lists nothing, whether or not it exists.
                 */
                workspaceId?: components["parameters"]["WorkspaceFilter"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Every source, by key; `meta.total` is the count. The built-in `acme` and `globex` are among them. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SuccessEnvelope"] & {
                        data?: components["schemas"]["Source"][];
                        meta?: {
                            total?: number;
                        };
                    };
                };
            };
            401: components["responses"]["Unauthorized"];
            503: components["responses"]["Unavailable"];
        };
    };
    createSource: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["SourceCreate"];
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SuccessEnvelope"] & {
                        data?: components["schemas"]["SourceWithSecret"];
                    };
                };
            };
            400: components["responses"]["ValidationError"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["WorkspaceNotFound"];
            /** @description `SOURCE_KEY_TAKEN`: another source, in any workspace, has this key; `SOURCE_KEY_RESERVED`: the key is `api` */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            503: components["responses"]["Unavailable"];
        };
    };
    getSource: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Source id. A value that is not a UUID answers 404 `SOURCE_NOT_FOUND`. */
                id: components["parameters"]["SourceId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: components["responses"]["SourceAnswer"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["SourceNotFound"];
            503: components["responses"]["Unavailable"];
        };
    };
    deleteSource: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Source id. A value that is not a UUID answers 404 `SOURCE_NOT_FOUND`. */
                id: components["parameters"]["SourceId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["SourceNotFound"];
            503: components["responses"]["Unavailable"];
        };
    };
    updateSource: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Source id. A value that is not a UUID answers 404 `SOURCE_NOT_FOUND`. */
                id: components["parameters"]["SourceId"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["SourcePatch"];
            };
        };
        responses: {
            200: components["responses"]["SourceAnswer"];
            400: components["responses"]["ValidationError"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["SourceNotFound"];
            503: components["responses"]["Unavailable"];
        };
    };
    pauseSource: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Source id. A value that is not a UUID answers 404 `SOURCE_NOT_FOUND`. */
                id: components["parameters"]["SourceId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: components["responses"]["SourceAnswer"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["SourceNotFound"];
            503: components["responses"]["Unavailable"];
        };
    };
    resumeSource: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Source id. A value that is not a UUID answers 404 `SOURCE_NOT_FOUND`. */
                id: components["parameters"]["SourceId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: components["responses"]["SourceAnswer"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["SourceNotFound"];
            503: components["responses"]["Unavailable"];
        };
    };
    rotateSourceSecret: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Source id. A value that is not a UUID answers 404 `SOURCE_NOT_FOUND`. */
                id: components["parameters"]["SourceId"];
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    /** @description The new secret (no whitespace at either end); generated when absent. */
                    secret?: string;
                    graceSeconds?: number;
                };
            };
        };
        responses: {
            /** @description The source with its new secret */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SuccessEnvelope"] & {
                        data?: components["schemas"]["SourceWithSecret"];
                    };
                };
            };
            400: components["responses"]["ValidationError"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["SourceNotFound"];
            503: components["responses"]["Unavailable"];
        };
    };
    listEventTypes: {
        parameters: {
            query?: {
                /**
                 * @description Only this workspace's rows (for operators). A caller narrowed to a workspace sees only its own anyway; naming
                 *     any other workspace lists nothing, whether or not it exists.
                 */
                workspaceId?: components["parameters"]["WorkspaceFilter"];
                provider?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One row per (provider, event type), ordered by provider then type; `meta.total` is the count. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SuccessEnvelope"] & {
                        data?: components["schemas"]["EventTypeSeen"][];
                    };
                };
            };
            400: components["responses"]["InvalidQuery"];
            401: components["responses"]["Unauthorized"];
            503: components["responses"]["Unavailable"];
        };
    };
    listEvents: {
        parameters: {
            query?: {
                /**
                 * @description Only this workspace's rows (for operators). A caller narrowed to a workspace sees only its own anyway; naming
                 *     any other workspace lists nothing, whether or not it exists.
                 */
                workspaceId?: components["parameters"]["WorkspaceFilter"];
                page?: components["parameters"]["Page"];
                pageSize?: components["parameters"]["PageSize"];
                provider?: string;
                status?: components["schemas"]["EventStatus"];
                /** @description Exact normalized event type. */
                eventType?: string;
                /** @description Case-insensitive substring of the subject; `%` and `_` match themselves. */
                subject?: string;
                /** @description occurredAt at or after this instant (inclusive). Must not be later than `to`. */
                from?: string;
                /** @description occurredAt at or before this instant (inclusive). */
                to?: string;
                sortBy?: "createdAt" | "occurredAt" | "status" | "receivedAt";
                sortOrder?: "asc" | "desc";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One page of events */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SuccessEnvelope"] & {
                        data?: components["schemas"]["Event"][];
                        meta?: components["schemas"]["PageMeta"];
                    };
                };
            };
            400: components["responses"]["InvalidQuery"];
            401: components["responses"]["Unauthorized"];
            503: components["responses"]["Unavailable"];
        };
    };
    getEvent: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Event id. A value that is not a UUID cannot name an event and answers 404 `EVENT_NOT_FOUND`. */
                id: components["parameters"]["EventId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The event */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SuccessEnvelope"] & {
                        data?: components["schemas"]["EventDetail"];
                    };
                };
            };
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["EventNotFound"];
            503: components["responses"]["Unavailable"];
        };
    };
    getEventStatus: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Event id. A value that is not a UUID cannot name an event and answers 404 `EVENT_NOT_FOUND`. */
                id: components["parameters"]["EventId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: components["responses"]["ProcessingStatus"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["EventNotFound"];
            503: components["responses"]["Unavailable"];
        };
    };
    getProcessingStatus: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Event id. A value that is not a UUID cannot name an event and answers 404 `EVENT_NOT_FOUND`. */
                id: components["parameters"]["EventId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: components["responses"]["ProcessingStatus"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["EventNotFound"];
            503: components["responses"]["Unavailable"];
        };
    };
    replayEvent: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Event id. A value that is not a UUID cannot name an event and answers 404 `EVENT_NOT_FOUND`. */
                id: components["parameters"]["EventId"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ReplayRequestBody"];
            };
        };
        responses: {
            /** @description Replay accepted */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SuccessEnvelope"] & {
                        data?: components["schemas"]["ReplayAccepted"];
                    };
                };
            };
            /** @description `VALIDATION_ERROR` (body fails the schema) or `INVALID_PAYLOAD` (body is not JSON) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["EventNotFound"];
            /** @description `PAYLOAD_TOO_LARGE` */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            503: components["responses"]["Unavailable"];
        };
    };
    getJob: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Delivery job id. A value that is not a UUID answers 404 `JOB_NOT_FOUND`. */
                id: components["parameters"]["JobId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The job; `attempts` in attempt order */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SuccessEnvelope"] & {
                        data?: components["schemas"]["JobDetail"];
                    };
                };
            };
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["JobNotFound"];
            503: components["responses"]["Unavailable"];
        };
    };
    retryJob: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Delivery job id. A value that is not a UUID answers 404 `JOB_NOT_FOUND`. */
                id: components["parameters"]["JobId"];
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["JobActionBody"];
            };
        };
        responses: {
            /** @description Accepted */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SuccessEnvelope"] & {
                        data?: components["schemas"]["JobActionAccepted"];
                    };
                };
            };
            400: components["responses"]["ValidationError"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["JobNotFound"];
            /** @description `JOB_NOT_RETRYABLE`: the job is pending, delivering, parked or waiting; `details.status` says which */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            503: components["responses"]["Unavailable"];
        };
    };
    listDeadLetters: {
        parameters: {
            query?: {
                /**
                 * @description Only this workspace's rows (for operators). A caller narrowed to a workspace sees only its own anyway; naming
                 *     any other workspace lists nothing, whether or not it exists.
                 */
                workspaceId?: components["parameters"]["WorkspaceFilter"];
                page?: components["parameters"]["Page"];
                pageSize?: components["parameters"]["PageSize"];
                integrationId?: string;
                provider?: string;
                eventType?: string;
                /** @description Dead at or after this instant (the job's completion time). */
                since?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One page of dead letters */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SuccessEnvelope"] & {
                        data?: components["schemas"]["DeadLetter"][];
                        meta?: components["schemas"]["PageMeta"];
                    };
                };
            };
            400: components["responses"]["InvalidQuery"];
            401: components["responses"]["Unauthorized"];
            503: components["responses"]["Unavailable"];
        };
    };
    replayDeadLetter: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The dead job. A value that is not a UUID answers 404 `JOB_NOT_FOUND`. */
                jobId: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": components["schemas"]["JobActionBody"];
            };
        };
        responses: {
            /** @description Accepted */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SuccessEnvelope"] & {
                        data?: components["schemas"]["JobActionAccepted"] & unknown;
                    };
                };
            };
            400: components["responses"]["ValidationError"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["JobNotFound"];
            /** @description `NOT_DEAD`: the job is not dead; `details.status` is its status */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            503: components["responses"]["Unavailable"];
        };
    };
    bulkReplayDeadLetters: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["BulkReplayRequest"];
            };
        };
        responses: {
            /** @description Started */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SuccessEnvelope"] & {
                        data?: {
                            /** Format: uuid */
                            bulkReplayId: string;
                            /** @enum {string} */
                            status: "running";
                        };
                    };
                };
            };
            400: components["responses"]["ValidationError"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            503: components["responses"]["Unavailable"];
        };
    };
    getBulkReplay: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A bulk replay id. A value that is not a UUID answers 404 `BULK_REPLAY_NOT_FOUND`. */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The run */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SuccessEnvelope"] & {
                        data?: components["schemas"]["BulkReplay"];
                    };
                };
            };
            401: components["responses"]["Unauthorized"];
            /** @description `BULK_REPLAY_NOT_FOUND` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            503: components["responses"]["Unavailable"];
        };
    };
    listDeliveries: {
        parameters: {
            query?: {
                /**
                 * @description Only this workspace's rows (for operators). A caller narrowed to a workspace sees only its own anyway; naming
                 *     any other workspace lists nothing, whether or not it exists.
                 */
                workspaceId?: components["parameters"]["WorkspaceFilter"];
                page?: components["parameters"]["Page"];
                pageSize?: components["parameters"]["PageSize"];
                status?: "success" | "failed";
                eventId?: string;
                integrationId?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One page of attempts */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SuccessEnvelope"] & {
                        data?: components["schemas"]["Delivery"][];
                        meta?: components["schemas"]["PageMeta"];
                    };
                };
            };
            400: components["responses"]["InvalidQuery"];
            401: components["responses"]["Unauthorized"];
            503: components["responses"]["Unavailable"];
        };
    };
    listAuditEntries: {
        parameters: {
            query?: {
                page?: components["parameters"]["Page"];
                pageSize?: components["parameters"]["PageSize"];
                /** @example replay */
                entityType?: string;
                entityId?: string;
                /** @example requested */
                action?: string;
                /** @description Only entries about this workspace's entities. */
                workspaceId?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One page of entries */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SuccessEnvelope"] & {
                        data?: components["schemas"]["AuditEntry"][];
                        meta?: components["schemas"]["PageMeta"];
                    };
                };
            };
            400: components["responses"]["InvalidQuery"];
            401: components["responses"]["Unauthorized"];
            503: components["responses"]["Unavailable"];
        };
    };
    verifyAuditChain: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The verdict (200 whether or not the chain is valid) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SuccessEnvelope"] & {
                        data?: components["schemas"]["ChainVerdict"];
                    };
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["OperatorOnly"];
            503: components["responses"]["Unavailable"];
        };
    };
    getOverviewStats: {
        parameters: {
            query?: {
                /**
                 * @description Only this workspace's rows (for operators). A caller narrowed to a workspace sees only its own anyway; naming
                 *     any other workspace lists nothing, whether or not it exists.
                 */
                workspaceId?: components["parameters"]["WorkspaceFilter"];
                /** @description Length of the window in minutes. */
                minutes?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The overview */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SuccessEnvelope"] & {
                        data?: components["schemas"]["Overview"];
                    };
                };
            };
            400: components["responses"]["InvalidQuery"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            503: components["responses"]["Unavailable"];
        };
    };
    listWorkspaces: {
        parameters: {
            query?: {
                page?: components["parameters"]["Page"];
                pageSize?: components["parameters"]["PageSize"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One page of workspaces */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SuccessEnvelope"] & {
                        data?: components["schemas"]["Workspace"][];
                        meta?: components["schemas"]["PageMeta"];
                    };
                };
            };
            400: components["responses"]["InvalidQuery"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            503: components["responses"]["Unavailable"];
        };
    };
    createWorkspace: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["WorkspaceCreate"];
            };
        };
        responses: {
            201: components["responses"]["WorkspaceAnswer"];
            400: components["responses"]["ValidationError"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["OperatorOnly"];
            /** @description `WORKSPACE_SLUG_TAKEN`: another workspace has this slug (`details.slug`) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            503: components["responses"]["Unavailable"];
        };
    };
    getWorkspace: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description Workspace id. A value that is not a UUID, an unknown id, and (for a caller narrowed to a workspace) any other
                 *     workspace's id answer 404 `WORKSPACE_NOT_FOUND`.
                 */
                workspaceId: components["parameters"]["WorkspaceId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: components["responses"]["WorkspaceAnswer"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["WorkspaceNotFound"];
            503: components["responses"]["Unavailable"];
        };
    };
    deleteWorkspace: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description Workspace id. A value that is not a UUID, an unknown id, and (for a caller narrowed to a workspace) any other
                 *     workspace's id answer 404 `WORKSPACE_NOT_FOUND`.
                 */
                workspaceId: components["parameters"]["WorkspaceId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["OperatorOnly"];
            404: components["responses"]["WorkspaceNotFound"];
            /** @description `WORKSPACE_NOT_EMPTY` (with `details.integrations` and `details.sources`) or `DEFAULT_WORKSPACE` */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            503: components["responses"]["Unavailable"];
        };
    };
    updateWorkspace: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description Workspace id. A value that is not a UUID, an unknown id, and (for a caller narrowed to a workspace) any other
                 *     workspace's id answer 404 `WORKSPACE_NOT_FOUND`.
                 */
                workspaceId: components["parameters"]["WorkspaceId"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["WorkspacePatch"];
            };
        };
        responses: {
            200: components["responses"]["WorkspaceAnswer"];
            400: components["responses"]["ValidationError"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["WorkspaceNotFound"];
            503: components["responses"]["Unavailable"];
        };
    };
    listApiKeys: {
        parameters: {
            query?: {
                page?: components["parameters"]["Page"];
                pageSize?: components["parameters"]["PageSize"];
            };
            header?: never;
            path: {
                /**
                 * @description Workspace id. A value that is not a UUID, an unknown id, and (for a caller narrowed to a workspace) any other
                 *     workspace's id answer 404 `WORKSPACE_NOT_FOUND`.
                 */
                workspaceId: components["parameters"]["WorkspaceId"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One page of keys */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SuccessEnvelope"] & {
                        data?: components["schemas"]["ApiKey"][];
                        meta?: components["schemas"]["PageMeta"];
                    };
                };
            };
            400: components["responses"]["InvalidQuery"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["WorkspaceNotFound"];
            503: components["responses"]["Unavailable"];
        };
    };
    createApiKey: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description Workspace id. A value that is not a UUID, an unknown id, and (for a caller narrowed to a workspace) any other
                 *     workspace's id answer 404 `WORKSPACE_NOT_FOUND`.
                 */
                workspaceId: components["parameters"]["WorkspaceId"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ApiKeyCreate"];
            };
        };
        responses: {
            /** @description Created; `key` is shown this once */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SuccessEnvelope"] & {
                        data?: components["schemas"]["ApiKeyWithSecret"];
                    };
                };
            };
            400: components["responses"]["ValidationError"];
            401: components["responses"]["Unauthorized"];
            /** @description `INSUFFICIENT_SCOPE` (no `webhooks:write`) or `SCOPE_NOT_HELD` (a workspace key asked for a scope it lacks; `details.scopes`) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            404: components["responses"]["WorkspaceNotFound"];
            /** @description `API_KEY_NAME_TAKEN`: a live key of this workspace has this name (`details.name`) */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            503: components["responses"]["Unavailable"];
        };
    };
    revokeApiKey: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /**
                 * @description Workspace id. A value that is not a UUID, an unknown id, and (for a caller narrowed to a workspace) any other
                 *     workspace's id answer 404 `WORKSPACE_NOT_FOUND`.
                 */
                workspaceId: components["parameters"]["WorkspaceId"];
                /** @description API key id. A value that is not a UUID, or a key of another workspace, answers 404 `API_KEY_NOT_FOUND`. */
                keyId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Revoked (or already revoked) */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            /** @description `WORKSPACE_NOT_FOUND` or `API_KEY_NOT_FOUND` */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorEnvelope"];
                };
            };
            503: components["responses"]["Unavailable"];
        };
    };
}
