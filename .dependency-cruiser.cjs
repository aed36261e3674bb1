// The import rules `npm run lint` checks beyond ESLint (`npm run check:imports` alone):
// - no import cycle in lib/ or components/ (type-only imports count: a cycle of types still ties
//   two modules into one);
// - each lib/ folder imports only the folders listed for it below: the arrows of the architecture
//   (ARCHITECTURE.md), so a new arrow is a decision made here, not an accident in a domain file;
// - client components never reach server code (the pool, Redis, BullMQ) other than by a type.

/**
 * What each lib/ folder (or top-level lib/*.ts module) may import, besides itself and
 * lib/generated. Infrastructure first, then the domains from the bottom up.
 */
const ALLOWED = {
  // Infrastructure: no domain below this line imports upward.
  "request-context": [],
  env: ["outbound"],
  // Egress policy and client (outbound/policy.ts is pure; env validates the allow-list with it).
  outbound: ["env"],
  errors: [],
  logger: ["request-context"],
  tracing: [],
  redis: ["env", "logger"],
  queues: ["env", "redis"],
  batcher: [],
  db: ["env", "logger", "queues", "request-context", "tracing"],
  health: ["db", "env", "logger", "redis"],
  boot: ["env"],
  // Helpers every domain may use: formats and values, no I/O.
  duration: [],
  fields: [],
  paths: [],
  references: [],
  // Domains.
  identity: ["db", "env", "errors", "logger", "redis"],
  metrics: ["db", "errors", "identity", "queues"],
  http: ["db", "env", "errors", "fields", "identity", "logger", "metrics", "redis", "tracing"],
  live: ["env", "errors", "identity", "logger", "redis"],
  // env: the signing key, the archive directory and the anchor targets (ADR 026); outbound and
  // notifications: the anchor webhook goes through the egress client, the anchor e-mail through SMTP.
  audit: ["db", "env", "errors", "fields", "identity", "logger", "notifications", "outbound", "references"],
  rules: ["db", "errors", "fields", "identity"],
  secrets: ["db", "env", "errors", "identity", "paths"],
  sla: ["db", "duration", "errors", "identity", "queues"],
  routing: ["db", "duration", "errors", "fields", "identity", "rules"],
  processes: ["db", "duration", "errors", "fields", "identity", "paths", "routing", "secrets", "sla"],
  // processes: the form machinery task decision forms share with start forms (lib/processes/forms.ts)
  // and the context layout a task page shows (lib/processes/context-layout.ts).
  tasks: ["audit", "batcher", "db", "duration", "env", "errors", "fields", "identity", "live", "logger", "metrics", "processes", "queues", "redis", "references", "routing", "sla"],
  comments: ["db", "errors", "identity", "live", "queues", "tasks"],
  // Files on tasks, requests and comments (ADR 040): env for the limit and the object store.
  attachments: ["db", "env", "errors", "identity", "tasks"],
  // processes: a task e-mail's decision links name the task's custom outcomes (forms.ts, ADR 052).
  notifications: ["db", "env", "errors", "identity", "live", "logger", "processes", "queues", "references", "sla"],
  // secrets: webhook signing secrets are encrypted with the named secrets' cipher and key (review L5).
  webhooks: ["db", "env", "errors", "identity", "notifications", "outbound", "queues", "references", "secrets"],
  engine: ["db", "duration", "env", "errors", "fields", "identity", "live", "logger", "metrics", "outbound", "paths", "processes", "queues", "redis", "references", "rules", "secrets", "tasks"],
  events: ["db", "engine", "errors", "identity", "processes", "queues"],
  kpi: ["db", "errors", "fields", "identity", "logger", "processes"],
  // queues: moving my open work to my delegate tells them (the "assigned to you" notification).
  team: ["db", "errors", "fields", "identity", "queues", "references", "routing", "tasks"],
  "saved-filters": ["db", "errors", "identity", "tasks"],
  // Deciding from the e-mail (ADR 044): the link's token from notifications, the decision from tasks.
  "email-actions": ["db", "errors", "fields", "identity", "notifications", "tasks"],
  // Requesters (ADR 039): the catalogue, filing a request (an engine start) and following it.
  requests: ["db", "engine", "errors", "identity", "processes", "references"],
  // Retention: deletes old rows of several domains' tables by age (env), nothing else.
  retention: ["db", "env"],
  // The organisation: people's lifecycle reroutes their tasks and retargets escalation plans.
  // env, logger, notifications: invitation e-mails go out through the notification SMTP path.
  people: ["db", "env", "errors", "identity", "logger", "notifications", "queues", "routing", "sla", "tasks"],
  // SCIM 2.0 provisioning: people and groups from an identity provider; http: the API's error classification.
  scim: ["db", "errors", "http", "identity", "people"],
  // Account security (ADR 037): password reset e-mails through notifications' SMTP transport, the
  // TOTP secret sealed with the named secrets' cipher and key.
  account: ["db", "env", "errors", "identity", "logger", "notifications", "redis", "secrets"],
  openapi: ["audit", "comments", "errors", "http", "identity", "live", "notifications", "tasks"],
};

/** lib/ modules client components may import (pure: schemas, formats, rules of the UI). */
const CLIENT_SAFE = [
  "^lib/[^/]+/schemas\\.ts$",
  "^lib/[^/]+/presence-schemas\\.ts$",
  "^lib/tasks/forms\\.ts$",
  "^lib/processes/forms\\.ts$",
  "^lib/live/events\\.ts$",
  "^lib/rules/(feel|feel-compiled|serialize|dmn-versions|model-schemas)\\.ts$",
  "^lib/kpi/format\\.ts$",
  "^lib/db/freshness\\.ts$",
  "^lib/processes/graph\\.ts$",
  "^lib/processes/context-layout\\.ts$",
  "^lib/tasks/context-schemas\\.ts$",
  "^lib/identity/permissions\\.ts$",
  "^lib/(errors|duration|fields|paths|references)\\.ts$",
  "^lib/generated/db/schema\\.ts$",
];

const folder = (name) => `^lib/${name}(/|\\.ts$)`;

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment: "Modules that import each other, directly or through others: move the shared part into a module both import.",
      from: { path: "^(lib|components)/" },
      to: { circular: true },
    },
    {
      name: "lib-folder-not-listed",
      severity: "error",
      comment: "A lib/ folder that is not in ALLOWED: give it its place (and its arrows) in .dependency-cruiser.cjs.",
      from: { path: "^lib/", pathNot: [`^lib/generated/`, ...Object.keys(ALLOWED).map(folder)] },
      to: {},
    },
    ...Object.entries(ALLOWED).map(([name, allowed]) => ({
      name: `lib-${name}-imports`,
      severity: "error",
      comment: `lib/${name} may import only: ${allowed.join(", ") || "nothing else in lib"} (ALLOWED in .dependency-cruiser.cjs).`,
      from: { path: folder(name) },
      to: { path: "^lib/", pathNot: [folder(name), "^lib/generated/", ...allowed.map(folder)] },
    })),
    {
      name: "client-imports-server",
      severity: "error",
      comment: "A client component imports lib/ code that is not client-safe: import the domain's schemas, or import a type.",
      from: { path: "^components/" },
      to: { path: "^lib/", pathNot: CLIENT_SAFE, dependencyTypesNot: ["type-only"] },
    },
    {
      name: "client-safe-reaches-server",
      severity: "error",
      comment: "A module components may import pulls in server code (the pool, Redis, BullMQ).",
      from: { path: CLIENT_SAFE },
      to: { path: ["^lib/db/pool\\.ts$", "^lib/redis\\.ts$", "^lib/queues\\.ts$", "^node_modules/(pg|ioredis|bullmq)/"], reachable: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    // Generated Prisma client: its own cycles are not ours to fix.
    exclude: { path: ["\\.test\\.ts$", "^lib/generated/"] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "require", "node", "default", "types"], extensions: [".ts", ".tsx", ".js", ".mjs", ".cjs", ".json"] },
  },
};
