/**
 * Generated from the service's OpenAPI document (GET /openapi.json) by openapi-typescript.
 * Do not edit: run `npm run generate:client`. `npm test` fails when this file is stale.
 */

export interface paths {
    "/api/v1/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Who the request acts as: actor, role, the orgs it is limited to, when it ends */
        get: operations["getMe"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/healthz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Liveness: the process answers */
        get: operations["getHealth"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/readyz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Readiness: the database answers */
        get: operations["getReadiness"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/vipps-orgs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List active Vipps-enabled organizations
         * @description Live (not deleted) configs, by default only those with vipps_enabled=true; ordered by created_at, org_id, in pages. With after=<org_id> instead of page: the orgs after that org_id, ordered by org_id, so a reader walking every org while others write sees each org live throughout exactly once.
         */
        get: operations["listOrgs"];
        put?: never;
        /** Create the Vipps configuration of an organization */
        post: operations["createOrg"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/vipps-orgs/{org_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get the Vipps configuration of an organization */
        get: operations["getOrg"];
        /**
         * Change some fields of the Vipps configuration of an organization
         * @description Partial: send only the fields to change. The response holds org_id, the fields sent and updated_at.
         */
        put: operations["updateOrg"];
        post?: never;
        /** Remove the Vipps configuration of an organization (soft delete) */
        delete: operations["deleteOrg"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/vipps-orgs/{org_id}/status": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Is Vipps enabled for an organization */
        get: operations["getOrgStatus"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/vipps-orgs/{org_id}/history": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Every change of an organization’s configuration, oldest first
         * @description Kept after delete and across re-create.
         */
        get: operations["getOrgHistory"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/vipps-orgs:batchCreate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Create the Vipps configurations of many organizations in one request
         * @description 1–500 creates, each exactly as POST /api/v1/vipps-orgs would make it (checks, grants, four eyes, history, change feed, webhooks), each succeeding or failing alone: 200 with one result per item, in order (201 with the org and its ETag, 202 with the change request, or the 4xx problem a single create would answer). History and the change feed are as if the items had been created one after the other. The write rate limit counts each item; a batch over it is refused whole (429). Idempotency-Key covers the whole batch. Body up to 1 MiB.
         */
        post: operations["batchCreateOrgs"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/change-requests": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Change requests, newest first (default: the pending ones)
         * @description A grant limited to some orgs sees only theirs. state=pending never lists a stale or expired request.
         */
        get: operations["listChangeRequests"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/change-requests/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One change request */
        get: operations["getChangeRequest"];
        put?: never;
        post?: never;
        /**
         * Withdraw your own pending change request
         * @description Only the requester (403 for anyone else); a request no longer pending: 409 change_request_closed.
         */
        delete: operations["withdrawChangeRequest"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/change-requests/{id}/approve": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Approve a pending change request: its change is applied now
         * @description Applied in one transaction only if the org is still at base_version (a create: no live org); otherwise 409 change_request_stale and nothing changes. The requester cannot approve (403 self_approval); a request no longer pending: 409 change_request_closed.
         */
        post: operations["approveChangeRequest"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/change-requests/{id}/reject": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Reject a pending change request, with a reason
         * @description The requester cannot reject (403 self_approval: withdraw instead); a request no longer pending: 409 change_request_closed.
         */
        post: operations["rejectChangeRequest"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The change feed: every committed create, update and delete, in commit order
         * @description Follow it by passing `next_cursor` back as `after`: every change is seen exactly once, with no gaps, however many instances and writers. `wait` holds the request until an event commits on any instance.
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
    "/api/v1/webhooks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Every webhook endpoint (no secrets) */
        get: operations["listWebhooks"];
        put?: never;
        /** Register a webhook endpoint; its secret is in this response only */
        post: operations["createWebhook"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/webhooks/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One webhook endpoint (no secret) */
        get: operations["getWebhook"];
        /**
         * Change some of url, description, event_types, enabled
         * @description Re-enabling an endpoint starts from now: changes made meanwhile are in the change feed.
         */
        put: operations["updateWebhook"];
        post?: never;
        /** Stop and remove an endpoint (its delivery records are kept 30 days) */
        delete: operations["deleteWebhook"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/webhooks/{id}/rotate-secret": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** A new secret (shown once); the old one also signs for 24 hours */
        post: operations["rotateWebhookSecret"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/webhooks/{id}/test": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Queue a webhook.test event to this endpoint (also while it is disabled) */
        post: operations["sendWebhookTest"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/webhooks/{id}/deliveries": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Recent attempts, newest first, after the pending ones */
        get: operations["listWebhookDeliveries"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/api-keys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Every API key, revoked ones too (never a key) */
        get: operations["listApiKeys"];
        put?: never;
        /** Create an API key; the key is in this response only */
        post: operations["createApiKey"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/api-keys/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One API key (never the key) */
        get: operations["getApiKey"];
        put?: never;
        post?: never;
        /** Revoke an API key: refused by every instance within a second; it stays listed with revoked_at */
        delete: operations["revokeApiKey"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/logout": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * End this browser’s session, on every instance
         * @description A cookie write like any other: Origin and X-CSRF-Token are required while the session is live. The cookie is cleared; end_session_url, where the issuer offers one, ends the session there too.
         */
        post: operations["signOut"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /**
         * ActorType
         * @description What kind of credential made the change
         * @enum {string}
         */
        ActorType: "token" | "api_key" | "user" | "anonymous";
        /**
         * Actor
         * @description Who made a change
         */
        Actor: {
            type: components["schemas"]["ActorType"];
            /** @description The token’s name, the API key’s id, the person’s subject at the issuer, or anonymous */
            id: string;
            /** @description For people to read: the token’s name, the key’s name, the person’s email or name, or anonymous */
            name: string;
        };
        /**
         * Role
         * @description viewer reads; editor also changes orgs; admin also manages webhooks and API keys
         * @enum {string}
         */
        Role: "viewer" | "editor" | "admin";
        /**
         * Me
         * @description Who the request acts as, and its grant
         */
        Me: {
            actor: components["schemas"]["Actor"];
            role: components["schemas"]["Role"] | null;
            org_ids: string[] | null;
            expires_at: string | null;
            /** @description Sessions only: send it as X-CSRF-Token with every POST, PUT and DELETE */
            csrf_token?: string;
        };
        /**
         * ProblemCode
         * @description A stable machine word for the problem
         * @enum {string}
         */
        ProblemCode: "validation_failed" | "malformed_json" | "unsupported_media_type" | "payload_too_large" | "not_found" | "method_not_allowed" | "already_exists" | "precondition_failed" | "idempotency_key_reused" | "unauthorized" | "forbidden" | "csrf_failed" | "sign_in_failed" | "rate_limited" | "service_unavailable" | "bad_request" | "uri_too_long" | "invalid_cursor" | "secrets_key_required" | "self_approval" | "change_request_closed" | "change_request_stale" | "internal_error";
        /** FieldError */
        FieldError: {
            /** @description The field, query parameter or header (as `Idempotency-Key`) */
            field: string;
            /** @description What is wrong with it, for people */
            message: string;
        };
        /**
         * Problem
         * @description RFC 9457 problem details
         */
        Problem: {
            /** @description urn:vipps-orgs:problem:<code> */
            type: string;
            title: string;
            status: number;
            detail: string;
            code: components["schemas"]["ProblemCode"];
            /** @description The path the problem is about */
            instance?: string;
            /** @description Every bad field, once (validation_failed) */
            errors?: components["schemas"]["FieldError"][];
            /** @description The right the credential lacks (forbidden) */
            right?: string;
        };
        /** HealthStatus */
        HealthStatus: {
            status: string;
        };
        /**
         * Environment
         * @description test = apitest.vipps.no, production = api.vipps.no
         * @enum {string}
         */
        Environment: "production" | "test";
        /**
         * OrgSummary
         * @description An organization in a list, and what a create answers
         */
        OrgSummary: {
            /**
             * @description Organization id: 3–64 of a-z, 0-9, "_" and "-", starting and ending with a letter or digit
             * @example org_helseapp
             */
            org_id: string;
            /**
             * @description The Vipps client id of the organization’s sales unit (opaque, no whitespace)
             * @example vipps-client-abc123
             */
            client_id: string;
            /** @description Whether "Log in with Vipps" is on for the organization */
            vipps_enabled: boolean;
            environment: components["schemas"]["Environment"];
            /**
             * Format: date-time
             * @description RFC 3339 UTC
             * @example 2026-03-26T10:00:00Z
             */
            created_at: string;
        };
        /** Pagination */
        Pagination: {
            page: number;
            limit: number;
            /** @description All matches, on every page */
            total: number;
        };
        /** OrgList */
        OrgList: {
            data: components["schemas"]["OrgSummary"][];
            pagination: components["schemas"]["Pagination"];
        };
        /**
         * Scope
         * @description A Vipps Login scope
         * @enum {string}
         */
        Scope: "openid" | "name" | "email" | "address" | "phoneNumber" | "birthDate" | "nin" | "delegatedConsents";
        /** CreateOrgRequest */
        CreateOrgRequest: {
            /**
             * @description Organization id: 3–64 of a-z, 0-9, "_" and "-", starting and ending with a letter or digit
             * @example org_helseapp
             */
            org_id: string;
            /**
             * @description The Vipps client id of the organization’s sales unit (opaque, no whitespace)
             * @example vipps-client-abc123
             */
            client_id: string;
            /**
             * @description A vault reference to the client secret, never the secret itself
             * @example vault://orgs/org_helseapp/vipps_secret
             */
            client_secret_ref: string;
            /**
             * Format: redirect-uri
             * @description Registered redirect URI: https://…, or an app scheme (myapp://…); http:// only for localhost in test; no fragment
             * @example myapp://vipps-callback
             */
            redirect_uri: string;
            /**
             * @description Vipps Login scopes; must contain "openid"
             * @default [
             *       "openid"
             *     ]
             * @example [
             *       "openid",
             *       "phoneNumber",
             *       "name"
             *     ]
             */
            scopes?: components["schemas"]["Scope"][];
            /**
             * @description Whether "Log in with Vipps" is on for the organization
             * @default true
             */
            vipps_enabled?: boolean;
            /** @default test */
            environment?: components["schemas"]["Environment"];
        };
        /** FieldChange */
        FieldChange: {
            from: unknown;
            to: unknown;
        };
        /**
         * ChangeRequestState
         * @description pending until approved, rejected, withdrawn, stale (the org changed) or expired
         * @enum {string}
         */
        ChangeRequestState: "pending" | "approved" | "rejected" | "withdrawn" | "stale" | "expired";
        /**
         * ChangeRequest
         * @description change_request.* events: the request after the event
         */
        ChangeRequest: {
            /**
             * @description The change request’s id
             * @example cr_3kq9m2x7b4tz8w1n
             */
            id: string;
            /**
             * @description Organization id: 3–64 of a-z, 0-9, "_" and "-", starting and ending with a letter or digit
             * @example org_helseapp
             */
            org_id: string;
            /**
             * @description What the held write does
             * @enum {string}
             */
            operation: "create" | "update" | "delete";
            /** @description Each field the write changes, with its value before (null on create) and after (null on delete) */
            changes: {
                [key: string]: components["schemas"]["FieldChange"];
            };
            /** @description The org’s version the change was asked on (0 for a create): approval applies it only at this version */
            base_version: number;
            state: components["schemas"]["ChangeRequestState"];
            requested_by: components["schemas"]["Actor"];
            /**
             * Format: date-time
             * @description RFC 3339 UTC
             * @example 2026-03-26T10:00:00Z
             */
            requested_at: string;
            /**
             * Format: date-time
             * @description A pending request expires then (APPROVAL_TTL_HOURS after it was asked)
             * @example 2026-03-26T10:00:00Z
             */
            expires_at: string;
            decided_by?: components["schemas"]["Actor"];
            /**
             * Format: date-time
             * @description When it left pending
             * @example 2026-03-26T10:00:00Z
             */
            decided_at?: string;
            /** @description Why it was rejected */
            reason?: string;
            /** @description The approver’s comment, if any */
            comment?: string;
        };
        /**
         * OrgConfig
         * @description The full configuration of one organization
         */
        OrgConfig: {
            /**
             * @description Organization id: 3–64 of a-z, 0-9, "_" and "-", starting and ending with a letter or digit
             * @example org_helseapp
             */
            org_id: string;
            /**
             * @description The Vipps client id of the organization’s sales unit (opaque, no whitespace)
             * @example vipps-client-abc123
             */
            client_id: string;
            /**
             * @description A vault reference to the client secret, never the secret itself
             * @example vault://orgs/org_helseapp/vipps_secret
             */
            client_secret_ref: string;
            /**
             * Format: redirect-uri
             * @description Registered redirect URI: https://…, or an app scheme (myapp://…); http:// only for localhost in test; no fragment
             * @example myapp://vipps-callback
             */
            redirect_uri: string;
            /**
             * @description Vipps Login scopes; must contain "openid"
             * @example [
             *       "openid",
             *       "phoneNumber",
             *       "name"
             *     ]
             */
            scopes: components["schemas"]["Scope"][];
            /** @description Whether "Log in with Vipps" is on for the organization */
            vipps_enabled: boolean;
            environment: components["schemas"]["Environment"];
            /**
             * Format: date-time
             * @description RFC 3339 UTC
             * @example 2026-03-26T10:00:00Z
             */
            created_at: string;
            /**
             * Format: date-time
             * @description RFC 3339 UTC
             * @example 2026-03-26T10:00:00Z
             */
            updated_at: string;
        };
        /** UpdateOrgRequest */
        UpdateOrgRequest: {
            /**
             * @description The Vipps client id of the organization’s sales unit (opaque, no whitespace)
             * @example vipps-client-abc123
             */
            client_id?: string;
            /**
             * @description A vault reference to the client secret, never the secret itself
             * @example vault://orgs/org_helseapp/vipps_secret
             */
            client_secret_ref?: string;
            /**
             * Format: redirect-uri
             * @description Registered redirect URI: https://…, or an app scheme (myapp://…); http:// only for localhost in test; no fragment
             * @example myapp://vipps-callback
             */
            redirect_uri?: string;
            /**
             * @description Vipps Login scopes; must contain "openid"
             * @example [
             *       "openid",
             *       "phoneNumber",
             *       "name"
             *     ]
             */
            scopes?: components["schemas"]["Scope"][];
            /** @description Whether "Log in with Vipps" is on for the organization */
            vipps_enabled?: boolean;
            environment?: components["schemas"]["Environment"];
        };
        /**
         * UpdatedOrg
         * @description org_id, the fields sent with their new values, and updated_at
         */
        UpdatedOrg: {
            /**
             * @description Organization id: 3–64 of a-z, 0-9, "_" and "-", starting and ending with a letter or digit
             * @example org_helseapp
             */
            org_id: string;
            /**
             * @description The Vipps client id of the organization’s sales unit (opaque, no whitespace)
             * @example vipps-client-abc123
             */
            client_id?: string;
            /**
             * @description A vault reference to the client secret, never the secret itself
             * @example vault://orgs/org_helseapp/vipps_secret
             */
            client_secret_ref?: string;
            /**
             * Format: redirect-uri
             * @description Registered redirect URI: https://…, or an app scheme (myapp://…); http:// only for localhost in test; no fragment
             * @example myapp://vipps-callback
             */
            redirect_uri?: string;
            /**
             * @description Vipps Login scopes; must contain "openid"
             * @example [
             *       "openid",
             *       "phoneNumber",
             *       "name"
             *     ]
             */
            scopes?: components["schemas"]["Scope"][];
            /** @description Whether "Log in with Vipps" is on for the organization */
            vipps_enabled?: boolean;
            environment?: components["schemas"]["Environment"];
            /**
             * Format: date-time
             * @description RFC 3339 UTC
             * @example 2026-03-26T10:00:00Z
             */
            updated_at: string;
        };
        /** DeletedOrg */
        DeletedOrg: {
            /**
             * @description Organization id: 3–64 of a-z, 0-9, "_" and "-", starting and ending with a letter or digit
             * @example org_helseapp
             */
            org_id: string;
            deleted: boolean;
            /**
             * Format: date-time
             * @description RFC 3339 UTC
             * @example 2026-03-26T10:00:00Z
             */
            deleted_at: string;
        };
        /**
         * OrgStatus
         * @description Whether Vipps is enabled for an organization
         */
        OrgStatus: {
            /**
             * @description Organization id: 3–64 of a-z, 0-9, "_" and "-", starting and ending with a letter or digit
             * @example org_helseapp
             */
            org_id: string;
            /** @description Whether "Log in with Vipps" is on for the organization */
            vipps_enabled: boolean;
            /**
             * @description The Vipps client id of the organization’s sales unit (opaque, no whitespace)
             * @example vipps-client-abc123
             */
            client_id: string;
            environment: components["schemas"]["Environment"];
        };
        /** OrgEvent */
        OrgEvent: {
            /** @description The version this change made (the ETag after it) */
            version: number;
            /** @enum {string} */
            action: "create" | "update" | "delete";
            /**
             * Format: date-time
             * @description RFC 3339 UTC
             * @example 2026-03-26T10:00:00Z
             */
            at: string;
            actor: components["schemas"]["Actor"];
            approved_by?: components["schemas"]["Actor"];
            /** @description Each changed field with its old and new value */
            changes: {
                [key: string]: components["schemas"]["FieldChange"];
            };
        };
        /** OrgHistory */
        OrgHistory: {
            data: components["schemas"]["OrgEvent"][];
            pagination: components["schemas"]["Pagination"];
        };
        /** BatchCreateOrgsRequest */
        BatchCreateOrgsRequest: {
            /** @description 1–500 orgs, each exactly the body of a single create (POST /api/v1/vipps-orgs) */
            orgs: components["schemas"]["CreateOrgRequest"][];
        };
        /**
         * BatchCreateCreated
         * @description Created: org is exactly the 201 body of a single create
         */
        BatchCreateCreated: {
            /**
             * @description Organization id: 3–64 of a-z, 0-9, "_" and "-", starting and ending with a letter or digit
             * @example org_helseapp
             */
            org_id: string;
            /** @enum {number} */
            status: 201;
            org: components["schemas"]["OrgSummary"];
            /**
             * @description The new config’s ETag (its version)
             * @example "1"
             */
            etag: string;
        };
        /**
         * BatchCreateHeld
         * @description Held for approval (APPROVALS=production): change_request is exactly the 202 body of a single create
         */
        BatchCreateHeld: {
            /**
             * @description Organization id: 3–64 of a-z, 0-9, "_" and "-", starting and ending with a letter or digit
             * @example org_helseapp
             */
            org_id: string;
            /** @enum {number} */
            status: 202;
            change_request: components["schemas"]["ChangeRequest"];
        };
        /**
         * BatchCreateFailed
         * @description Not created: problem is exactly what a single create would have answered (errors[] naming the bad fields for a 400)
         */
        BatchCreateFailed: {
            /** @description The item’s org_id, when it has a string one */
            org_id?: string;
            /** @description The status a single create would have answered */
            status: number;
            problem: components["schemas"]["Problem"];
        };
        /** BatchCreateResult */
        BatchCreateResult: components["schemas"]["BatchCreateCreated"] | components["schemas"]["BatchCreateHeld"] | components["schemas"]["BatchCreateFailed"];
        /** BatchCreateOrgsResponse */
        BatchCreateOrgsResponse: {
            /** @description One result per item, in the items’ order */
            results: components["schemas"]["BatchCreateResult"][];
        };
        /** ChangeRequestList */
        ChangeRequestList: {
            /** @description Newest first */
            data: components["schemas"]["ChangeRequest"][];
        };
        /** ApproveChangeRequest */
        ApproveChangeRequest: {
            /** @description Why it is approved, for the record (at most 500 characters) */
            comment?: string;
        };
        /** RejectChangeRequest */
        RejectChangeRequest: {
            /** @description Why it is rejected (1–500 characters), shown to the requester */
            reason: string;
        };
        /**
         * EventType
         * @description What happened to an organization’s configuration (vipps_org.*) or to a change request of it (change_request.*)
         * @enum {string}
         */
        EventType: "vipps_org.created" | "vipps_org.updated" | "vipps_org.deleted" | "change_request.created" | "change_request.approved" | "change_request.rejected" | "change_request.withdrawn";
        /** FeedEvent */
        FeedEvent: {
            /** @description The cursor of this event: pass it as `after` to read what follows */
            id: string;
            type: components["schemas"]["EventType"];
            /**
             * @description Organization id: 3–64 of a-z, 0-9, "_" and "-", starting and ending with a letter or digit
             * @example org_helseapp
             */
            org_id: string;
            /** @description vipps_org.* events: the version this change made (the ETag after it) */
            version?: number;
            /**
             * Format: date-time
             * @description RFC 3339 UTC
             * @example 2026-03-26T10:00:00Z
             */
            occurred_at: string;
            actor: components["schemas"]["Actor"];
            /** @description Each changed field with its old and new value (change_request.*: the changes asked for) */
            changes: {
                [key: string]: components["schemas"]["FieldChange"];
            };
            change_request?: components["schemas"]["ChangeRequest"];
        };
        /** EventList */
        EventList: {
            data: components["schemas"]["FeedEvent"][];
            /** @description Pass it back as `after`; equal to `after` when data is empty */
            next_cursor: string;
        };
        /** CreateWebhookRequest */
        CreateWebhookRequest: {
            /**
             * Format: webhook-url
             * @description Where deliveries are POSTed: https:// (http:// outside production); no private addresses unless allowed
             * @example https://app.example.com/webhooks/vipps-orgs
             */
            url: string;
            /** @description What this endpoint is for, for people */
            description?: string;
            /** @description The event types delivered; default the three vipps_org.* types (change_request.* only when named) */
            event_types?: components["schemas"]["EventType"][];
            /** @description Deliveries are made while enabled */
            enabled?: boolean;
        };
        /** CreatedWebhook */
        CreatedWebhook: {
            /** @description wh_… */
            id: string;
            url: string;
            description: string;
            event_types: components["schemas"]["EventType"][];
            enabled: boolean;
            disabled_reason: string | null;
            /**
             * Format: date-time
             * @description RFC 3339 UTC
             */
            created_at: string;
            /**
             * Format: date-time
             * @description RFC 3339 UTC
             */
            updated_at: string;
            /** @description whsec_…: verify deliveries with it; shown only now */
            secret: string;
        };
        /**
         * Webhook
         * @description A webhook endpoint (its secret is never shown again)
         */
        Webhook: {
            /** @description wh_… */
            id: string;
            url: string;
            description: string;
            event_types: components["schemas"]["EventType"][];
            enabled: boolean;
            disabled_reason: string | null;
            /**
             * Format: date-time
             * @description RFC 3339 UTC
             */
            created_at: string;
            /**
             * Format: date-time
             * @description RFC 3339 UTC
             */
            updated_at: string;
        };
        /** WebhookList */
        WebhookList: {
            data: components["schemas"]["Webhook"][];
        };
        /** UpdateWebhookRequest */
        UpdateWebhookRequest: {
            /**
             * Format: webhook-url
             * @description Where deliveries are POSTed: https:// (http:// outside production); no private addresses unless allowed
             * @example https://app.example.com/webhooks/vipps-orgs
             */
            url?: string;
            /** @description What this endpoint is for, for people */
            description?: string;
            /** @description The event types delivered; default the three vipps_org.* types (change_request.* only when named) */
            event_types?: components["schemas"]["EventType"][];
            /** @description Deliveries are made while enabled */
            enabled?: boolean;
        };
        /**
         * RotatedSecret
         * @description Until previous_secret_expires_at the old secret signs too (two signatures)
         */
        RotatedSecret: {
            id: string;
            /** @description The new secret (whsec_…), shown only now */
            secret: string;
            /**
             * Format: date-time
             * @description RFC 3339 UTC
             */
            previous_secret_expires_at: string;
        };
        /** QueuedTestEvent */
        QueuedTestEvent: {
            event_id: string;
            /** @enum {string} */
            type: "webhook.test";
        };
        /** DeliveryAttempt */
        DeliveryAttempt: {
            /** @description The webhook-id header: the same on every attempt */
            event_id: string;
            event_type: string;
            /** @description Which attempt, from 1 */
            attempt: number;
            /** @enum {string} */
            status: "pending" | "succeeded" | "failed";
            response_status: number | null;
            error: string | null;
            attempted_at: string | null;
            next_attempt_at: string | null;
        };
        /** DeliveryList */
        DeliveryList: {
            data: components["schemas"]["DeliveryAttempt"][];
        };
        /** CreateApiKeyRequest */
        CreateApiKeyRequest: {
            /**
             * @description What the key is for, for people (shown in the history as its author)
             * @example billing-backend
             */
            name: string;
            role: components["schemas"]["Role"];
            org_ids?: string[] | null;
            expires_at?: string | null;
        };
        /**
         * CreatedApiKey
         * @description A new API key, with the key itself (shown once)
         */
        CreatedApiKey: {
            /** @description key_… */
            id: string;
            name: string;
            role: components["schemas"]["Role"];
            org_ids: string[] | null;
            expires_at: string | null;
            /**
             * Format: date-time
             * @description RFC 3339 UTC
             */
            created_at: string;
            created_by: components["schemas"]["Actor"];
            /** @description The first 8 characters after vok_: tells keys apart */
            prefix: string;
            /** @description vok_ and 43 characters: send it as Authorization: Bearer <key>. Shown only here */
            key: string;
        };
        /**
         * ApiKey
         * @description An API key, without its key
         */
        ApiKey: {
            /** @description key_… */
            id: string;
            name: string;
            role: components["schemas"]["Role"];
            org_ids: string[] | null;
            expires_at: string | null;
            /**
             * Format: date-time
             * @description RFC 3339 UTC
             */
            created_at: string;
            created_by: components["schemas"]["Actor"];
            /** @description The first 8 characters after vok_: tells keys apart */
            prefix: string;
            last_used_at: string | null;
            revoked_at: string | null;
        };
        /** ApiKeyList */
        ApiKeyList: {
            data: components["schemas"]["ApiKey"][];
        };
        /**
         * SignedOut
         * @description The session has ended on every instance
         */
        SignedOut: {
            /** @description Where to send the browser to end the session at the identity provider too; null when it offers no such thing (or no session was live) */
            end_session_url: string | null;
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    getMe: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The principal of this request */
            200: {
                headers: {
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Me"];
                };
            };
            /** @description No credential where one is needed, or one that is unknown, expired or revoked (WWW-Authenticate says which) */
            401: {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential lacks the right this needs (the problem names it) */
            403: {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found, or outside the orgs the credential is limited to (the same answer) */
            404: {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A problem with the request (RFC 9457) */
            "4XX": {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The service could not answer (RFC 9457) */
            "5XX": {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
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
            /** @description The process answers */
            200: {
                headers: {
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HealthStatus"];
                };
            };
            /** @description A problem with the request (RFC 9457) */
            "4XX": {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The service could not answer (RFC 9457) */
            "5XX": {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getReadiness: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The database answers */
            200: {
                headers: {
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HealthStatus"];
                };
            };
            /** @description The database does not answer, or the service is still starting (then `loading` lists what it is still loading) */
            503: {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A problem with the request (RFC 9457) */
            "4XX": {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The service could not answer (RFC 9457) */
            "5XX": {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listOrgs: {
        parameters: {
            query?: {
                /** @description Page number, from 1 (default 1); not with after */
                page?: number;
                /** @description Items per page, 1–100 */
                limit?: number;
                /**
                 * @description Export-safe paging by key: the orgs after this org_id (empty: from the first), ordered by org_id (byte order); pass the last org_id of a page to get the next. Not with page; pagination.total then counts the matches after the key
                 * @example org_helseapp
                 */
                after?: string;
                /** @description test = apitest.vipps.no, production = api.vipps.no */
                environment?: components["schemas"]["Environment"];
                /** @description Filter on the switch; default true */
                vipps_enabled?: "true" | "false" | "any";
                /**
                 * @description Search: org_id or client_id starts with this (A–Z match a–z; % and _ are plain characters)
                 * @example klin
                 */
                q?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One page of organizations, with the total of all matches */
            200: {
                headers: {
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OrgList"];
                };
            };
            /** @description No credential where one is needed, or one that is unknown, expired or revoked (WWW-Authenticate says which) */
            401: {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential lacks the right this needs (the problem names it) */
            403: {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found, or outside the orgs the credential is limited to (the same answer) */
            404: {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A problem with the request (RFC 9457) */
            "4XX": {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The service could not answer (RFC 9457) */
            "5XX": {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    createOrg: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes a retried write safe: the same key with the same method, path and body answers the first response again (kept 24 hours), without a second write */
                "idempotency-key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateOrgRequest"];
            };
        };
        responses: {
            /** @description Created (or, with Idempotent-Replayed, the first response again) */
            201: {
                headers: {
                    /** @description Where the created resource lives */
                    Location?: string;
                    /** @description The version of the resource as a strong entity tag ("3"); send it as If-Match or If-None-Match */
                    ETag?: string;
                    /** @description This is the first response again: a retry with the same Idempotency-Key */
                    "Idempotent-Replayed"?: "true";
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OrgSummary"];
                };
            };
            /** @description Held for approval (APPROVALS=production): the change request; the org is unchanged until a second person approves it (with Idempotent-Replayed: the first answer again) */
            202: {
                headers: {
                    /** @description Where the created resource lives */
                    Location?: string;
                    /** @description This is the first response again: a retry with the same Idempotency-Key */
                    "Idempotent-Replayed"?: "true";
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ChangeRequest"];
                };
            };
            /** @description No credential where one is needed, or one that is unknown, expired or revoked (WWW-Authenticate says which) */
            401: {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential lacks the right this needs (the problem names it) */
            403: {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found, or outside the orgs the credential is limited to (the same answer) */
            404: {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A problem with the request (RFC 9457) */
            "4XX": {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The service could not answer (RFC 9457) */
            "5XX": {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getOrg: {
        parameters: {
            query?: never;
            header?: {
                /** @description The ETag of the copy the client holds: 304 without a body while it is current */
                "if-none-match"?: string;
            };
            path: {
                /** @description Organization id */
                org_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The full configuration */
            200: {
                headers: {
                    /** @description The version of the resource as a strong entity tag ("3"); send it as If-Match or If-None-Match */
                    ETag?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OrgConfig"];
                };
            };
            /** @description Not modified: the copy the client holds is current */
            304: {
                headers: {
                    /** @description The version of the resource as a strong entity tag ("3"); send it as If-Match or If-None-Match */
                    ETag?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description No credential where one is needed, or one that is unknown, expired or revoked (WWW-Authenticate says which) */
            401: {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential lacks the right this needs (the problem names it) */
            403: {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found, or outside the orgs the credential is limited to (the same answer) */
            404: {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A problem with the request (RFC 9457) */
            "4XX": {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The service could not answer (RFC 9457) */
            "5XX": {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    updateOrg: {
        parameters: {
            query?: never;
            header?: {
                /** @description The ETag from a read: the write happens only if the config is still that version (else 412) */
                "if-match"?: string;
                /** @description Makes a retried write safe: the same key with the same method, path and body answers the first response again (kept 24 hours), without a second write */
                "idempotency-key"?: string;
            };
            path: {
                /** @description Organization id */
                org_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateOrgRequest"];
            };
        };
        responses: {
            /** @description Changed (or, with Idempotent-Replayed, the first response again) */
            200: {
                headers: {
                    /** @description The version of the resource as a strong entity tag ("3"); send it as If-Match or If-None-Match */
                    ETag?: string;
                    /** @description This is the first response again: a retry with the same Idempotency-Key */
                    "Idempotent-Replayed"?: "true";
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["UpdatedOrg"];
                };
            };
            /** @description Held for approval (APPROVALS=production): the change request; the org is unchanged until a second person approves it (with Idempotent-Replayed: the first answer again) */
            202: {
                headers: {
                    /** @description Where the created resource lives */
                    Location?: string;
                    /** @description This is the first response again: a retry with the same Idempotency-Key */
                    "Idempotent-Replayed"?: "true";
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ChangeRequest"];
                };
            };
            /** @description No credential where one is needed, or one that is unknown, expired or revoked (WWW-Authenticate says which) */
            401: {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential lacks the right this needs (the problem names it) */
            403: {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found, or outside the orgs the credential is limited to (the same answer) */
            404: {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A problem with the request (RFC 9457) */
            "4XX": {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The service could not answer (RFC 9457) */
            "5XX": {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    deleteOrg: {
        parameters: {
            query?: never;
            header?: {
                /** @description The ETag from a read: the write happens only if the config is still that version (else 412) */
                "if-match"?: string;
                /** @description Makes a retried write safe: the same key with the same method, path and body answers the first response again (kept 24 hours), without a second write */
                "idempotency-key"?: string;
            };
            path: {
                /** @description Organization id */
                org_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted (the row and its history are kept; with Idempotent-Replayed, the first response again) */
            200: {
                headers: {
                    /** @description This is the first response again: a retry with the same Idempotency-Key */
                    "Idempotent-Replayed"?: "true";
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeletedOrg"];
                };
            };
            /** @description Held for approval (APPROVALS=production): the change request; the org is unchanged until a second person approves it (with Idempotent-Replayed: the first answer again) */
            202: {
                headers: {
                    /** @description Where the created resource lives */
                    Location?: string;
                    /** @description This is the first response again: a retry with the same Idempotency-Key */
                    "Idempotent-Replayed"?: "true";
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ChangeRequest"];
                };
            };
            /** @description No credential where one is needed, or one that is unknown, expired or revoked (WWW-Authenticate says which) */
            401: {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential lacks the right this needs (the problem names it) */
            403: {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found, or outside the orgs the credential is limited to (the same answer) */
            404: {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A problem with the request (RFC 9457) */
            "4XX": {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The service could not answer (RFC 9457) */
            "5XX": {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getOrgStatus: {
        parameters: {
            query?: never;
            header?: {
                /** @description The ETag of the copy the client holds: 304 without a body while it is current */
                "if-none-match"?: string;
            };
            path: {
                /** @description Organization id */
                org_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The switch, the client id and the environment */
            200: {
                headers: {
                    /** @description The version of the resource as a strong entity tag ("3"); send it as If-Match or If-None-Match */
                    ETag?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OrgStatus"];
                };
            };
            /** @description Not modified: the copy the client holds is current */
            304: {
                headers: {
                    /** @description The version of the resource as a strong entity tag ("3"); send it as If-Match or If-None-Match */
                    ETag?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description No credential where one is needed, or one that is unknown, expired or revoked (WWW-Authenticate says which) */
            401: {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential lacks the right this needs (the problem names it) */
            403: {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found, or outside the orgs the credential is limited to (the same answer) */
            404: {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A problem with the request (RFC 9457) */
            "4XX": {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The service could not answer (RFC 9457) */
            "5XX": {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getOrgHistory: {
        parameters: {
            query?: {
                /** @description Page number, from 1 */
                page?: number;
                /** @description Items per page, 1–100 */
                limit?: number;
            };
            header?: never;
            path: {
                /** @description Organization id */
                org_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One page of the history, with the total */
            200: {
                headers: {
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OrgHistory"];
                };
            };
            /** @description No credential where one is needed, or one that is unknown, expired or revoked (WWW-Authenticate says which) */
            401: {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential lacks the right this needs (the problem names it) */
            403: {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found, or outside the orgs the credential is limited to (the same answer) */
            404: {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A problem with the request (RFC 9457) */
            "4XX": {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The service could not answer (RFC 9457) */
            "5XX": {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    batchCreateOrgs: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes a retried write safe: the same key with the same method, path and body answers the first response again (kept 24 hours), without a second write */
                "idempotency-key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["BatchCreateOrgsRequest"];
            };
        };
        responses: {
            /** @description One result per item, in the items’ order (with Idempotent-Replayed: the first answer again) */
            200: {
                headers: {
                    /** @description This is the first response again: a retry with the same Idempotency-Key */
                    "Idempotent-Replayed"?: "true";
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BatchCreateOrgsResponse"];
                };
            };
            /** @description No credential where one is needed, or one that is unknown, expired or revoked (WWW-Authenticate says which) */
            401: {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential lacks the right this needs (the problem names it) */
            403: {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found, or outside the orgs the credential is limited to (the same answer) */
            404: {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A problem with the request (RFC 9457) */
            "4XX": {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The service could not answer (RFC 9457) */
            "5XX": {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listChangeRequests: {
        parameters: {
            query?: {
                /** @description Only requests in this state (default pending; all: every state) */
                state?: "pending" | "approved" | "rejected" | "withdrawn" | "stale" | "expired" | "all";
                /**
                 * @description Organization id: 3–64 of a-z, 0-9, "_" and "-", starting and ending with a letter or digit
                 * @example org_helseapp
                 */
                org_id?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The requests, newest first (at most 500) */
            200: {
                headers: {
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ChangeRequestList"];
                };
            };
            /** @description No credential where one is needed, or one that is unknown, expired or revoked (WWW-Authenticate says which) */
            401: {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential lacks the right this needs (the problem names it) */
            403: {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found, or outside the orgs the credential is limited to (the same answer) */
            404: {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A problem with the request (RFC 9457) */
            "4XX": {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The service could not answer (RFC 9457) */
            "5XX": {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getChangeRequest: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The change request’s id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The request as it now stands */
            200: {
                headers: {
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ChangeRequest"];
                };
            };
            /** @description No credential where one is needed, or one that is unknown, expired or revoked (WWW-Authenticate says which) */
            401: {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential lacks the right this needs (the problem names it) */
            403: {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found, or outside the orgs the credential is limited to (the same answer) */
            404: {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A problem with the request (RFC 9457) */
            "4XX": {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The service could not answer (RFC 9457) */
            "5XX": {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    withdrawChangeRequest: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The change request’s id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Withdrawn: nothing is applied */
            200: {
                headers: {
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ChangeRequest"];
                };
            };
            /** @description No credential where one is needed, or one that is unknown, expired or revoked (WWW-Authenticate says which) */
            401: {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential lacks the right this needs (the problem names it) */
            403: {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found, or outside the orgs the credential is limited to (the same answer) */
            404: {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A problem with the request (RFC 9457) */
            "4XX": {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The service could not answer (RFC 9457) */
            "5XX": {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    approveChangeRequest: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The change request’s id */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ApproveChangeRequest"];
            };
        };
        responses: {
            /** @description Approved and applied */
            200: {
                headers: {
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ChangeRequest"];
                };
            };
            /** @description No credential where one is needed, or one that is unknown, expired or revoked (WWW-Authenticate says which) */
            401: {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential lacks the right this needs (the problem names it) */
            403: {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found, or outside the orgs the credential is limited to (the same answer) */
            404: {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A problem with the request (RFC 9457) */
            "4XX": {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The service could not answer (RFC 9457) */
            "5XX": {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    rejectChangeRequest: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The change request’s id */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RejectChangeRequest"];
            };
        };
        responses: {
            /** @description Rejected: nothing is applied */
            200: {
                headers: {
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ChangeRequest"];
                };
            };
            /** @description No credential where one is needed, or one that is unknown, expired or revoked (WWW-Authenticate says which) */
            401: {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential lacks the right this needs (the problem names it) */
            403: {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found, or outside the orgs the credential is limited to (the same answer) */
            404: {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A problem with the request (RFC 9457) */
            "4XX": {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The service could not answer (RFC 9457) */
            "5XX": {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listEvents: {
        parameters: {
            query?: {
                /** @description A next_cursor (or an event id) to read after; `now` starts at the current end; omitted: from the first event */
                after?: string;
                /** @description Events per page, 1–1000 */
                limit?: number;
                /** @description Seconds to hold the request while nothing follows the cursor (long polling), 0–30 */
                wait?: number;
                /**
                 * @description Organization id: 3–64 of a-z, 0-9, "_" and "-", starting and ending with a letter or digit
                 * @example org_helseapp
                 */
                org_id?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Events after the cursor (maybe none), and where to go on */
            200: {
                headers: {
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EventList"];
                };
            };
            /** @description No credential where one is needed, or one that is unknown, expired or revoked (WWW-Authenticate says which) */
            401: {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential lacks the right this needs (the problem names it) */
            403: {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found, or outside the orgs the credential is limited to (the same answer) */
            404: {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A problem with the request (RFC 9457) */
            "4XX": {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The service could not answer (RFC 9457) */
            "5XX": {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listWebhooks: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The endpoints, oldest first */
            200: {
                headers: {
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookList"];
                };
            };
            /** @description No credential where one is needed, or one that is unknown, expired or revoked (WWW-Authenticate says which) */
            401: {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential lacks the right this needs (the problem names it) */
            403: {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found, or outside the orgs the credential is limited to (the same answer) */
            404: {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A problem with the request (RFC 9457) */
            "4XX": {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The service could not answer (RFC 9457) */
            "5XX": {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    createWebhook: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateWebhookRequest"];
            };
        };
        responses: {
            /** @description Registered: keep the secret, it is not shown again */
            201: {
                headers: {
                    /** @description Where the created resource lives */
                    Location?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CreatedWebhook"];
                };
            };
            /** @description No credential where one is needed, or one that is unknown, expired or revoked (WWW-Authenticate says which) */
            401: {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential lacks the right this needs (the problem names it) */
            403: {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found, or outside the orgs the credential is limited to (the same answer) */
            404: {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A problem with the request (RFC 9457) */
            "4XX": {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The service could not answer (RFC 9457) */
            "5XX": {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getWebhook: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Webhook endpoint id (wh_…) */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The endpoint */
            200: {
                headers: {
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Webhook"];
                };
            };
            /** @description No credential where one is needed, or one that is unknown, expired or revoked (WWW-Authenticate says which) */
            401: {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential lacks the right this needs (the problem names it) */
            403: {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found, or outside the orgs the credential is limited to (the same answer) */
            404: {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A problem with the request (RFC 9457) */
            "4XX": {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The service could not answer (RFC 9457) */
            "5XX": {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    updateWebhook: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Webhook endpoint id (wh_…) */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["UpdateWebhookRequest"];
            };
        };
        responses: {
            /** @description The endpoint as it is now */
            200: {
                headers: {
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Webhook"];
                };
            };
            /** @description No credential where one is needed, or one that is unknown, expired or revoked (WWW-Authenticate says which) */
            401: {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential lacks the right this needs (the problem names it) */
            403: {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found, or outside the orgs the credential is limited to (the same answer) */
            404: {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A problem with the request (RFC 9457) */
            "4XX": {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The service could not answer (RFC 9457) */
            "5XX": {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    deleteWebhook: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Webhook endpoint id (wh_…) */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Removed */
            204: {
                headers: {
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description No credential where one is needed, or one that is unknown, expired or revoked (WWW-Authenticate says which) */
            401: {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential lacks the right this needs (the problem names it) */
            403: {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found, or outside the orgs the credential is limited to (the same answer) */
            404: {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A problem with the request (RFC 9457) */
            "4XX": {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The service could not answer (RFC 9457) */
            "5XX": {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    rotateWebhookSecret: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Webhook endpoint id (wh_…) */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The new secret */
            200: {
                headers: {
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RotatedSecret"];
                };
            };
            /** @description No credential where one is needed, or one that is unknown, expired or revoked (WWW-Authenticate says which) */
            401: {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential lacks the right this needs (the problem names it) */
            403: {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found, or outside the orgs the credential is limited to (the same answer) */
            404: {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A problem with the request (RFC 9457) */
            "4XX": {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The service could not answer (RFC 9457) */
            "5XX": {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    sendWebhookTest: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description Webhook endpoint id (wh_…) */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Queued: see its attempts under /deliveries */
            202: {
                headers: {
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["QueuedTestEvent"];
                };
            };
            /** @description No credential where one is needed, or one that is unknown, expired or revoked (WWW-Authenticate says which) */
            401: {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential lacks the right this needs (the problem names it) */
            403: {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found, or outside the orgs the credential is limited to (the same answer) */
            404: {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A problem with the request (RFC 9457) */
            "4XX": {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The service could not answer (RFC 9457) */
            "5XX": {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listWebhookDeliveries: {
        parameters: {
            query?: {
                /** @description How many, newest first (pending ones first), 1–100 */
                limit?: number;
            };
            header?: never;
            path: {
                /** @description Webhook endpoint id (wh_…) */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Pending deliveries and the attempts made */
            200: {
                headers: {
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeliveryList"];
                };
            };
            /** @description No credential where one is needed, or one that is unknown, expired or revoked (WWW-Authenticate says which) */
            401: {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential lacks the right this needs (the problem names it) */
            403: {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found, or outside the orgs the credential is limited to (the same answer) */
            404: {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A problem with the request (RFC 9457) */
            "4XX": {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The service could not answer (RFC 9457) */
            "5XX": {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listApiKeys: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The keys, oldest first */
            200: {
                headers: {
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiKeyList"];
                };
            };
            /** @description No credential where one is needed, or one that is unknown, expired or revoked (WWW-Authenticate says which) */
            401: {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential lacks the right this needs (the problem names it) */
            403: {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found, or outside the orgs the credential is limited to (the same answer) */
            404: {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A problem with the request (RFC 9457) */
            "4XX": {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The service could not answer (RFC 9457) */
            "5XX": {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    createApiKey: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateApiKeyRequest"];
            };
        };
        responses: {
            /** @description Created: keep the key, it is not shown again */
            201: {
                headers: {
                    /** @description Where the created resource lives */
                    Location?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CreatedApiKey"];
                };
            };
            /** @description No credential where one is needed, or one that is unknown, expired or revoked (WWW-Authenticate says which) */
            401: {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential lacks the right this needs (the problem names it) */
            403: {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found, or outside the orgs the credential is limited to (the same answer) */
            404: {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A problem with the request (RFC 9457) */
            "4XX": {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The service could not answer (RFC 9457) */
            "5XX": {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getApiKey: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description API key id (key_…) */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The key’s record */
            200: {
                headers: {
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiKey"];
                };
            };
            /** @description No credential where one is needed, or one that is unknown, expired or revoked (WWW-Authenticate says which) */
            401: {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential lacks the right this needs (the problem names it) */
            403: {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found, or outside the orgs the credential is limited to (the same answer) */
            404: {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A problem with the request (RFC 9457) */
            "4XX": {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The service could not answer (RFC 9457) */
            "5XX": {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    revokeApiKey: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description API key id (key_…) */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Revoked (again: as it was) */
            200: {
                headers: {
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiKey"];
                };
            };
            /** @description No credential where one is needed, or one that is unknown, expired or revoked (WWW-Authenticate says which) */
            401: {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The credential lacks the right this needs (the problem names it) */
            403: {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not found, or outside the orgs the credential is limited to (the same answer) */
            404: {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description A problem with the request (RFC 9457) */
            "4XX": {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The service could not answer (RFC 9457) */
            "5XX": {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    signOut: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Signed out (also when no session was live) */
            200: {
                headers: {
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SignedOut"];
                };
            };
            /** @description A problem with the request (RFC 9457) */
            "4XX": {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The service could not answer (RFC 9457) */
            "5XX": {
                headers: {
                    /** @description Seconds to wait before trying again (429, 503) */
                    "Retry-After"?: string;
                    /** @description The request id: the caller’s own X-Request-Id when it sent a sane one; quote it when reporting a problem */
                    "X-Request-Id"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
}
