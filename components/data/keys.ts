// Every TanStack Query key the browser uses, in one place: the live stream (live.ts) and each
// feature's queries.ts import them, so what a change invalidates can be read here. A key nested
// under another ("tasks" → "tasks","team") is refetched whenever its parent is invalidated.

/** Inbox filters as they appear in the URL and the list API (q, priority, due, status, sort). */
export const FILTER_KEYS = ["q", "priority", "due", "status", "sort", "process", "step", "outcome", "decidedBy", "decidedFrom", "decidedTo", "breached", "escalated"] as const;
export type InboxFilters = Partial<Record<(typeof FILTER_KEYS)[number], string>>;
export type InboxView = "inbox" | "mine" | "group" | "asked" | "decided" | "all";

export const queryKeys = {
  me: ["me"] as const,
  people: ["people"] as const,
  /** The administration's directory pages (under "people": a change refetches the pickers too). */
  directory: (filters: Record<string, string>) => ["people", "directory", filters] as const,
  groups: ["groups"] as const,
  notifications: ["notifications"] as const,
  notificationPreferences: ["notification-preferences"] as const,

  /** Every task list, and the team console (a live task event refetches them all). */
  tasks: ["tasks"] as const,
  taskList: (view: InboxView, filters: InboxFilters = {}) => ["tasks", "list", view, filters] as const,
  team: ["tasks", "team"] as const,
  /** The requests I started (under "tasks": a live event of one of their tasks refetches them). */
  myRequests: ["tasks", "my-requests"] as const,
  requestCatalogue: ["request-catalogue"] as const,
  /** What an e-mail action link proposes (ADR 047); read once per page, never live. */
  emailAction: (token: string) => ["email-action", token] as const,
  savedFilters: ["saved-filters"] as const,

  /** One task; its comments, history and escalations sit under it and refetch with it. */
  task: (id: string) => ["task", id] as const,
  history: (id: string) => ["task", id, "history"] as const,
  escalations: (id: string) => ["task", id, "escalations"] as const,
  comments: (id: string) => ["task", id, "comments"] as const,
  // Who is viewing a task (not under "task": a presence change must not refetch the task).
  presence: (id: string) => ["presence", "task", id] as const,
  presenceRows: ["presence", "rows"] as const,

  audit: (filters: Record<string, string>) => ["audit", filters] as const,
  separationOfDuties: (period: Record<string, string>) => ["audit", "separation-of-duties", period] as const,

  tokens: ["tokens"] as const,
  serviceAccounts: ["service-accounts"] as const,
  secrets: ["secrets"] as const,
  webhooks: ["webhooks"] as const,
  deliveries: (endpointId: string) => ["webhooks", endpointId, "deliveries"] as const,

  processes: ["processes"] as const,
  /** A process (every version when `version` is left out). */
  process: (key: string, version?: number | null) => (version === undefined ? (["process", key] as const) : (["process", key, version] as const)),
  instances: (filters: Record<string, string>) => ["process-instances", filters] as const,
  instance: (id: string) => ["process-instance", id] as const,
  /** Past instances offered by the rules' what-if tester. */
  whatIfInstances: ["what-if-instances"] as const,

  decisionTables: ["decision-tables"] as const,
  decisionTable: (key: string) => ["decision-tables", key] as const,
  decisionTableDiff: (key: string) => ["decision-tables", key, "diff"] as const,
  decisionTableXml: (key: string, version: number) => ["decision-tables", key, "xml", version] as const,
  decisionModels: ["decision-models"] as const,
  decisionModel: (key: string) => ["decision-models", key] as const,
  unusedRules: (key: string, days: number) => ["decision-tables", key, "unused", days] as const,

  /** Every KPI query (all periods and processes) when `params` is left out. */
  kpis: (params?: Record<string, string>) => (params ? (["kpis", params] as const) : (["kpis"] as const)),
  queueHealth: ["queue-health"] as const,
};
