import { PERMISSIONS, ROLES, rolePermissions, type Permission, type RoleName } from "@/lib/identity/permissions";
import type { ApiEndpoint } from "@/lib/http/api-route";

// THE permission matrix (issue #18, ADR 021): who may call every /api/v1 route and open every page.
// A route's permission is the one its declaration names (defineRoute, checked by withApi); when a
// route leaves it to the service, `checks` below names it, and defineRoute checks that one before
// the handler runs too. The ownership and scoping rules beyond the permission are in `rule`. The
// table in docs/security.md is rendered from here (tests/permission-matrix.int.test.ts keeps them
// equal), and that test calls every route as every role and scope: a route without a row fails it.

export interface AccessRow {
  /** The permission the service requires when the declaration names none. */
  checks?: Permission;
  /** Only people (a session, or a token acting for its owner) on their own rows. */
  own?: true;
  /** What else decides, beyond the permission. */
  rule: string;
}

const TASK_VIEW = "the task must be visible to the caller (a token: to its owner), else 404";
const SOD = "never the requester, the creator or an earlier approver (SoD, four-eyes: `sodConflict`)";
const TEAM = "admins anywhere; supervisors (and their tokens) only their teams' tasks";
const REQUEST_VIEW = "the request must be visible to the caller (metrics:read or processes:manage, its starter, or someone who can see one of its tasks), else 404";

export const ACCESS: Record<string, AccessRow> = {
  exportAuditLog: { rule: "supervisors: their teams' entries" },
  searchAuditLog: { rule: "supervisors: their teams' entries" },
  verifyAuditChain: { rule: "people: admins and auditors" },
  separationOfDutiesReport: { rule: "people: admins and auditors" },
  listCalendars: { checks: "tasks:read", rule: "" },
  listCircuitBreakers: { rule: "" },
  diffDecisionTable: { rule: "" },
  evaluateDecisionTable: { rule: "" },
  publishDecisionTable: { rule: "" },
  getDecisionTable: { rule: "" },
  replaceTestCases: { rule: "" },
  listUnusedRules: { rule: "" },
  listDecisionTables: { rule: "" },
  uploadDmn: { rule: "" },
  archiveDecisionTable: { rule: "" },
  restoreDecisionTable: { rule: "" },
  listDecisionModels: { rule: "" },
  uploadDecisionModel: { rule: "" },
  getDecisionModel: { rule: "" },
  evaluateDecisionModel: { rule: "" },
  publishDecisionModel: { rule: "" },
  replaceModelTestCases: { rule: "" },
  archiveDecisionModel: { rule: "" },
  restoreDecisionModel: { rule: "" },
  getEventReceipt: { rule: "" },
  receiveEvent: { rule: "" },
  getCalendar: { checks: "tasks:read", rule: "" },
  setCalendar: { rule: "" },
  cancelInstance: { rule: "" },
  retryFailedStep: { rule: "" },
  getInstance: { checks: "metrics:read", rule: "or processes:manage" },
  skipFailedStep: { rule: "" },
  listInstances: { checks: "metrics:read", rule: "or processes:manage" },
  getKpis: { rule: "" },
  getNotificationPreferences: { own: true, rule: "own preferences" },
  updateNotificationPreferences: { own: true, rule: "own preferences" },
  getMe: { own: true, rule: "own profile; open before a required second factor is set up" },
  getMySettings: { own: true, rule: "own settings" },
  getMyOutOfOffice: { own: true, rule: "own out of office" },
  setMyOutOfOffice: { own: true, rule: "own out of office; work moves only to a delegate who may take it (SoD)" },
  clearMyOutOfOffice: { own: true, rule: "own out of office" },
  updateMySettings: { own: true, rule: "own settings" },
  getMyTotp: { own: true, rule: "own second factor; open before a required one is set up" },
  startMyTotpEnrolment: { own: true, rule: "own second factor; people with a password only; open before a required one is set up" },
  confirmMyTotp: { own: true, rule: "own second factor; open before a required one is set up" },
  disableMyTotp: { own: true, rule: "own second factor; password and a code" },
  requestPasswordReset: { rule: "public; the same answer for any address; 20 a quarter hour per client address (with resetPassword)" },
  resetPassword: { rule: "public; the e-mailed one-time token; 20 a quarter hour per client address (with requestPasswordReset)" },
  getSignInPolicy: { rule: "" },
  setSignInPolicy: { rule: "" },
  markNotificationsRead: { own: true, rule: "own notifications" },
  listNotifications: { own: true, rule: "own notifications" },
  getOpenApiDocument: { rule: "public" },
  listRequestCatalogue: { own: true, rule: "people only: processes whose definition names one of their groups or \"*\" as requesters" },
  submitRequest: { own: true, rule: "people only: a process they may request (else 404); start-form files only their own uploads not yet filed" },
  uploadRequestFile: { own: true, rule: "people only: a file only its uploader reads until a request of theirs is filed with it" },
  listMyRequests: { own: true, rule: "own requests (instances they started)" },
  withdrawRequest: { own: true, rule: "own requests in progress (else 404/409)" },
  getAuditPublicKey: { rule: "public: the keys that verify signed checkpoints (ADR 026)" },
  listViewers: { rule: "only tasks the caller can see" },
  startInstance: { rule: "" },
  previewMigration: { rule: "" },
  migrateInstances: { rule: "" },
  getProcess: { rule: "" },
  getVersionSplit: { rule: "" },
  setVersionSplit: { rule: "" },
  clearVersionSplit: { rule: "" },
  deprecateVersion: { rule: "" },
  listProcesses: { rule: "" },
  publishDefinition: { rule: "" },
  retryFailedJob: { rule: "" },
  removeFailedJob: { rule: "" },
  getQueueHealth: { rule: "" },
  deleteSavedFilter: { rule: "own filters" },
  listSavedFilters: { rule: "own filters" },
  saveFilter: { rule: "own filters" },
  rotateSecret: { rule: "" },
  deleteSecret: { rule: "" },
  listSecrets: { rule: "values are never readable" },
  createSecret: { rule: "" },
  openLiveStream: { rule: "events of tasks the caller can see" },
  answerInfoRequest: { checks: "tasks:read", rule: `${TASK_VIEW}; only the person asked (or an admin)` },
  cancelTask: { rule: `${TASK_VIEW}; ${TEAM}` },
  claimTask: { checks: "tasks:decide", rule: `${TASK_VIEW}; a member of the task's group with its skills; ${SOD}` },
  listComments: { checks: "tasks:read", rule: TASK_VIEW },
  getTaskCase: { checks: "tasks:read", rule: `${TASK_VIEW}; the case's other tasks, comments and earlier requests only as far as the caller can see them` },
  listTaskAttachments: { checks: "tasks:read", rule: TASK_VIEW },
  attachToTask: { checks: "tasks:comment", rule: `${TASK_VIEW}; type sniffed from the bytes (allow-list), size at most ATTACHMENTS_MAX_BYTES` },
  listInstanceAttachments: { checks: "tasks:read", rule: REQUEST_VIEW },
  attachToInstance: { checks: "tasks:comment", rule: `${REQUEST_VIEW}; as attachToTask` },
  getAttachmentContent: { checks: "tasks:read", rule: "the task or request the file hangs on must be visible to the caller, else 404; every read audited" },
  addComment: { checks: "tasks:comment", rule: `${TASK_VIEW}; mentions only of people who can already see it` },
  previewEmailAction: { own: true, checks: "tasks:read", rule: `people only, signed in, and only the person the link was sent to; unused and unexpired; the task as getTask (${TASK_VIEW})` },
  confirmEmailAction: { own: true, checks: "tasks:decide", rule: "as previewEmailAction; then the decision is decideTask's (same checks), the link spent in its transaction" },
  decideTask: { checks: "tasks:decide", rule: `${TASK_VIEW}; the assignee or a group member; ${SOD}; four-eyes votes only from people` },
  getTaskEscalations: { checks: "tasks:read", rule: TASK_VIEW },
  getTaskHistory: { rule: TASK_VIEW },
  getTaskViewers: { rule: TASK_VIEW },
  viewTask: { rule: TASK_VIEW },
  leaveTask: { rule: "" },
  forwardTask: { rule: `${TASK_VIEW}; only its assignee; the colleague: can see it, may decide, has its skills, ${SOD}` },
  reassignTask: { rule: `${TASK_VIEW}; ${TEAM}; the new assignee: ${SOD}` },
  requestInfo: { checks: "tasks:decide", rule: `as decideTask; the person asked must already see the task` },
  getTask: { checks: "tasks:read", rule: TASK_VIEW },
  unclaimTask: { checks: "tasks:decide", rule: "only the caller's own claim" },
  undoDecision: { checks: "tasks:decide", rule: "only the decision the caller made, within its window" },
  bulkTaskAction: { rule: "tasks:decide (approve) or tasks:assign (reassign); then each task as its single action" },
  listTasks: { checks: "tasks:read", rule: "only tasks the caller can see" },
  createTask: { rule: "requestedBy someone else needs tasks:create_on_behalf (both recorded; the creator never decides it)" },
  setOutOfOffice: { rule: "supervisors: members of their teams" },
  clearOutOfOffice: { rule: "supervisors: members of their teams" },
  getTeamView: { rule: "supervisors: their teams" },
  revokeToken: { rule: "" },
  listTokens: { rule: "" },
  createToken: { rule: "owner: the caller or a service account; never more than the caller or the owner" },
  listServiceAccounts: { rule: "" },
  createServiceAccount: { rule: "admin-role service accounts only by admins" },
  updateServiceAccount: { rule: "admin-role service accounts only by admins; deactivation stops its tokens at once" },
  listGroups: { rule: "" },
  getGroup: { rule: "" },
  createGroup: { rule: "" },
  updateGroup: { rule: "not an archived group" },
  archiveGroup: { rule: "not while open tasks wait in it" },
  restoreGroup: { rule: "" },
  listGroupMembers: { rule: "inactive members: users:manage" },
  addGroupMembers: { rule: "active people only; not an archived group" },
  removeGroupMember: { rule: "" },
  getOrgChart: { rule: "active people only" },
  listUsers: { rule: "inactive people (status=inactive or all): users:manage" },
  getUser: { rule: "inactive people: users:manage, else 404" },
  updateUser: { rule: "not one's own admin role" },
  deactivateUser: { rule: "not oneself" },
  reactivateUser: { rule: "" },
  invitePerson: { rule: "" },
  resendInvitation: { rule: "only someone who has not joined yet" },
  revokeInvitation: { rule: "only someone who has not joined yet" },
  lookupInvitation: { rule: "public: the link's token is the credential; every invalid link answers the same 404; 30 a quarter hour per client address (with acceptInvitation)" },
  acceptInvitation: { rule: "public: the link's token is the credential, usable once; every invalid link answers the same 404; 30 a quarter hour per client address (with lookupInvitation)" },
  redeliver: { rule: "" },
  listDeliveries: { rule: "" },
  getWebhook: { rule: "" },
  updateWebhook: { rule: "" },
  deleteWebhook: { rule: "" },
  sendTestEvent: { rule: "" },
  listWebhooks: { rule: "" },
  createWebhook: { rule: "" },
};

/** The permission the matrix requires of a route: its declaration's, else the service's from the row. */
export function requiredPermission(route: { operationId: string; permission?: Permission }): Permission | undefined {
  return route.permission ?? ACCESS[route.operationId]?.checks;
}

export interface MatrixRow {
  method: string;
  pattern: string;
  operationId: string;
  permission: Permission | "public" | "signed in";
  own: boolean;
  rule: string;
}

/** Joins the route table with the rows: a route without a row, or a row without a route, is an error. */
export function permissionMatrix(endpoints: readonly ApiEndpoint[]): MatrixRow[] {
  const missing = endpoints.filter((e) => !ACCESS[e.route.operationId]).map((e) => `${e.method} ${e.pattern} (${e.route.operationId})`);
  if (missing.length) throw new Error(`routes without a row in app/api/permission-matrix.ts: ${missing.join(", ")}`);
  const ids = new Set(endpoints.map((e) => e.route.operationId));
  const stale = Object.keys(ACCESS).filter((id) => !ids.has(id));
  if (stale.length) throw new Error(`rows in app/api/permission-matrix.ts without a route: ${stale.join(", ")}`);
  return endpoints
    .map((e) => {
      const row = ACCESS[e.route.operationId]!;
      const permission = e.route.public ? "public" : (requiredPermission(e.route) ?? "signed in");
      return { method: e.method, pattern: e.pattern, operationId: e.route.operationId, permission, own: !!row.own, rule: row.rule } satisfies MatrixRow;
    })
    .sort((a, b) => a.pattern.localeCompare(b.pattern) || a.method.localeCompare(b.method));
}

/** Pages: the permission `requireActor` checks server-side (their data comes from the API above). */
/**
 * Every page and what it needs. The pages read their row (requirePage in app/(app)/require-actor.ts),
 * and tests/permission-matrix.int.test.ts holds this list equal to the page files.
 */
export const PAGES: { path: string; permission: Permission | "public" | "signed in"; anyOf?: Permission[]; rule?: string }[] = [
  { path: "/login", permission: "public" },
  { path: "/forgot-password", permission: "public" },
  { path: "/reset-password", permission: "public" },
  { path: "/invite", permission: "public", rule: "the invitation link's token (in the URL fragment) is the credential" },
  { path: "/inbox", permission: "signed in" },
  { path: "/tasks/[id]", permission: "signed in", rule: "data via GET /tasks/:id" },
  { path: "/email-actions/[token]", permission: "signed in", rule: "data via GET /email-actions/:token (only the person the link was sent to)" },
  { path: "/settings", permission: "signed in" },
  { path: "/requests", permission: "signed in", rule: "own requests" },
  { path: "/requests/new", permission: "signed in", rule: "processes the person may request" },
  { path: "/settings/notifications", permission: "signed in" },
  { path: "/settings/security", permission: "signed in", rule: "the sign-in policy: users:manage; the one page open while a required second factor is not set up" },
  { path: "/team", permission: "team:manage" },
  { path: "/audit", permission: "audit:read" },
  { path: "/audit/separation-of-duties", permission: "audit:read", rule: "people: admins and auditors" },
  { path: "/dashboard", permission: "metrics:read" },
  { path: "/dashboard/queues", permission: "metrics:read", rule: "operating a queue: processes:manage" },
  { path: "/processes", permission: "processes:manage" },
  { path: "/processes/[key]", permission: "processes:manage" },
  { path: "/processes/instances", permission: "metrics:read", anyOf: ["processes:manage"], rule: "or processes:manage" },
  { path: "/processes/instances/[id]", permission: "metrics:read", anyOf: ["processes:manage"], rule: "or processes:manage" },
  { path: "/rules", permission: "rules:edit" },
  { path: "/rules/[key]", permission: "rules:edit" },
  { path: "/rules/models/[key]", permission: "rules:edit" },
  { path: "/admin/people", permission: "users:manage" },
  { path: "/admin/groups", permission: "users:manage" },
  { path: "/admin/groups/[key]", permission: "users:manage" },
  { path: "/org-chart", permission: "users:read" },
  { path: "/admin/tokens", permission: "tokens:manage" },
  { path: "/admin/webhooks", permission: "webhooks:manage" },
  { path: "/admin/secrets", permission: "secrets:manage" },
];

/**
 * SCIM 2.0 provisioning (app/scim/v2, RFC 7644): Next.js route handlers behind scimRoute, which
 * accepts only API tokens (no sessions) with `scim:provision` — in practice a service account's
 * token scoped to it alone. tests/scim.int.test.ts holds this list equal to the route files and
 * calls each route with and without the permission.
 */
export const SCIM_ROUTES: { method: string; path: string; rule: string }[] = [
  { method: "GET", path: "/scim/v2/Groups", rule: "filter displayName/externalId eq" },
  { method: "POST", path: "/scim/v2/Groups", rule: "members must be provisioned people" },
  { method: "DELETE", path: "/scim/v2/Groups/:id", rule: "only a group no open task waits in" },
  { method: "GET", path: "/scim/v2/Groups/:id", rule: "" },
  { method: "PATCH", path: "/scim/v2/Groups/:id", rule: "If-Match honoured" },
  { method: "PUT", path: "/scim/v2/Groups/:id", rule: "If-Match honoured" },
  { method: "GET", path: "/scim/v2/ResourceTypes", rule: "" },
  { method: "GET", path: "/scim/v2/ResourceTypes/:id", rule: "" },
  { method: "GET", path: "/scim/v2/Schemas", rule: "" },
  { method: "GET", path: "/scim/v2/Schemas/:id", rule: "" },
  { method: "GET", path: "/scim/v2/ServiceProviderConfig", rule: "" },
  { method: "GET", path: "/scim/v2/Users", rule: "people only, not service accounts" },
  { method: "POST", path: "/scim/v2/Users", rule: "creates members (role from single sign-on claims)" },
  { method: "DELETE", path: "/scim/v2/Users/:id", rule: "deactivates (deactivatePerson), never erases" },
  { method: "GET", path: "/scim/v2/Users/:id", rule: "" },
  { method: "PATCH", path: "/scim/v2/Users/:id", rule: "active:false deactivates; If-Match honoured" },
  { method: "PUT", path: "/scim/v2/Users/:id", rule: "If-Match honoured" },
];

const mark = (p: MatrixRow["permission"], role: RoleName) => (p === "public" || p === "signed in" ? "✓" : rolePermissions(role).includes(p) ? "✓" : "–");

/** The matrix as Markdown (docs/security.md, between the permission-matrix markers). */
export function renderMatrix(rows: readonly MatrixRow[]): string {
  const head = `| Route | Permission | ${ROLES.map((r) => r.toLowerCase()).join(" | ")} | Also |\n|---|---|${ROLES.map(() => ":-:").join("|")}|---|`;
  const body = rows.map((r) => `| \`${r.method} ${r.pattern}\` | ${r.permission === "public" || r.permission === "signed in" ? r.permission : `\`${r.permission}\``} | ${ROLES.map((role) => mark(r.permission, role)).join(" | ")} | ${[r.own ? "people only, own rows" : "", r.rule].filter(Boolean).join("; ")} |`);
  const pages = `| Page | Permission | ${ROLES.map((r) => r.toLowerCase()).join(" | ")} | Also |\n|---|---|${ROLES.map(() => ":-:").join("|")}|---|\n${PAGES.map((p) => `| \`${p.path}\` | ${p.permission.includes(":") ? `\`${p.permission}\`` : p.permission} | ${ROLES.map((role) => mark(p.permission, role)).join(" | ")} | ${p.rule ?? ""} |`).join("\n")}`;
  const perms = `Permissions: ${PERMISSIONS.map((p) => `\`${p}\``).join(", ")}. A token has its role's permissions, narrowed by its scopes, and never more than its owner's role.`;
  const scim = `SCIM 2.0 provisioning (API tokens only, never a session):\n\n| Route | Permission | ${ROLES.map((r) => r.toLowerCase()).join(" | ")} | Also |\n|---|---|${ROLES.map(() => ":-:").join("|")}|---|\n${SCIM_ROUTES.map((r) => `| \`${r.method} ${r.path}\` | \`scim:provision\` | ${ROLES.map((role) => mark("scim:provision", role)).join(" | ")} | ${r.rule} |`).join("\n")}`;
  return `${perms}\n\n${head}\n${body.join("\n")}\n\n${pages}\n\n${scim}\n`;
}
