// The demo organisation from shared/SCENARIOS.md: Acme's finance and onboarding teams.
// Idempotent: does nothing if the demo admin already exists (use `npm run db:reset` to start over).
import { loadEnvConfig } from "@next/env";
loadEnvConfig(process.cwd());

import { addHours, subHours } from "date-fns";
import { prismaClient as db, disconnectDb } from "../lib/db";
import { disconnectRedis } from "../lib/redis";
import { closeQueues } from "../lib/queues";
import { env, envOrExit } from "../lib/env";
import { randomBytes } from "node:crypto";
import { createTask, claimTask, cancelTask, decideTask } from "../lib/tasks";
import { setOutOfOffice } from "../lib/team/service";
import { createApiToken } from "../lib/identity/service";
import { setCalendar } from "../lib/sla/service";
import { fireDueEscalations } from "../lib/tasks";
import { answerInfoRequest, requestInfo } from "../lib/tasks";
import { addComment } from "../lib/comments/service";
import { dispatchOutbox } from "../lib/db";
import { createGroup, createUser, DEMO_PASSWORD, systemActor, userActor } from "./factories";
import { seedKpiHistory } from "./seed-kpi-history";
import { refreshKpiRollups } from "../lib/kpi/rollup";
import { setVersionSplit } from "../lib/processes/split";
import type { Actor } from "../lib/identity/actor";
import { publishDecisionTable, replaceTestCases, uploadDmn } from "../lib/rules/service";
import { modelToDmnXml } from "../lib/rules/serialize";
import { invoiceRoutingTable, invoiceRoutingTestCases } from "../lib/rules/examples/invoice-routing";
import { INVOICE_FEES_KEY, invoiceFeesModelXml, invoiceFeesTestCases } from "../lib/rules/examples/invoice-fees-model";
import { publishDecisionModel, replaceModelTestCases, uploadDecisionModel } from "../lib/rules/models";
import { publishDefinition } from "../lib/processes/service";
import { refundRequestDefinition } from "../lib/processes/examples/refund-request";
import { createSecret } from "../lib/secrets/service";
import { startInstance } from "../lib/engine/service";
import { receiveEvent } from "../lib/events/service";
import { demoErpUrl, INVOICE_RECEIVED, invoiceApprovalDefinition, vendorOnboardingDefinition, vendorSyncDefinition } from "../lib/processes/examples/invoice-approval";

export const DEMO_USERS = [
  { key: "priya", email: "priya@acme.test", name: "Priya Raman", role: "ADMIN", title: "Operations analyst, process owner" },
  { key: "sam", email: "sam@acme.test", name: "Sam Okafor", role: "SUPERVISOR", title: "Finance team lead" },
  { key: "omar", email: "omar@acme.test", name: "Omar Haddad", role: "SUPERVISOR", title: "Onboarding team lead" },
  { key: "ana", email: "ana@acme.test", name: "Ana Costa", role: "AUDITOR", title: "Internal auditor" },
  { key: "maya", email: "maya@acme.test", name: "Maya Lindqvist", role: "MEMBER", title: "Accounts-payable clerk" },
  { key: "dana", email: "dana@acme.test", name: "Dana Lee", role: "MEMBER", title: "Accounts-payable clerk" },
  { key: "leo", email: "leo@acme.test", name: "Leo Martin", role: "MEMBER", title: "Accounts-payable clerk" },
  { key: "chen", email: "chen@acme.test", name: "Chen Wei", role: "MEMBER", title: "Credit analyst", skills: ["credit"] },
  { key: "tomas", email: "tomas@acme.test", name: "Tomás Ruiz", role: "MEMBER", title: "Credit analyst", skills: ["credit", "kyc"] },
  { key: "rita", email: "rita@acme.test", name: "Rita Novak", role: "MEMBER", title: "Sales, requests refunds" },
] as const;

type Key = (typeof DEMO_USERS)[number]["key"];

function invoice(n: number, vendor: string, amount: number, extra: Record<string, unknown> = {}) {
  return {
    invoiceNumber: `INV-${n}`,
    vendor,
    amount,
    currency: "EUR",
    poNumber: `PO-${n - 3000}`,
    poMatch: "matched",
    vendorRisk: "low",
    receivedFrom: "ERP",
    documentUrl: `https://erp.acme.test/invoices/INV-${n}.pdf`,
    invoiceDate: "2026-11-24",
    // The three-way match the approver compares (context layout): invoice, PO, goods received.
    quantity: 10,
    poAmount: amount,
    poQuantity: 10,
    receivedAmount: amount,
    receivedQuantity: 10,
    ...extra,
  };
}

async function main() {
  envOrExit();
  // The demo organisation's accounts share a published password: never in production (M16).
  if (env().NODE_ENV === "production" && !env().DEMO_MODE) {
    console.error("The demo seed creates accounts with a public password; it runs in production only with DEMO_MODE=true.");
    process.exit(1);
  }
  const prisma = db();
  if (await prisma.user.findUnique({ where: { email: "priya@acme.test" } })) {
    console.log("Demo data already present — skipping seed.");
    return;
  }
  const u = {} as Record<Key, Awaited<ReturnType<typeof createUser>>>;
  for (const d of DEMO_USERS) {
    u[d.key] = await createUser(prisma, { email: d.email, name: d.name, role: d.role, skills: "skills" in d ? [...d.skills] : [] });
  }
  for (const k of ["maya", "dana", "leo"] as const) await prisma.user.update({ where: { id: u[k].id }, data: { supervisorId: u.sam.id } });
  for (const k of ["chen", "tomas", "rita"] as const) await prisma.user.update({ where: { id: u[k].id }, data: { supervisorId: u.omar.id } });
  // The team leads report to Priya, who runs operations: "the manager's manager" of a clerk.
  for (const k of ["sam", "omar"] as const) await prisma.user.update({ where: { id: u[k].id }, data: { supervisorId: u.priya.id } });
  await prisma.user.update({ where: { id: u.maya.id }, data: { delegateId: u.dana.id } });

  await createGroup(prisma, { key: "accounts-payable", name: "Accounts payable", supervisorId: u.sam.id, memberIds: [u.maya.id, u.dana.id, u.leo.id] });
  await createGroup(prisma, { key: "finance-leads", name: "Finance team leads", supervisorId: u.sam.id, memberIds: [u.sam.id] });
  await createGroup(prisma, { key: "credit-review", name: "Credit review", supervisorId: u.omar.id, memberIds: [u.chen.id, u.tomas.id] });
  await createGroup(prisma, { key: "sales", name: "Sales", supervisorId: u.omar.id, memberIds: [u.rita.id] });
  await createGroup(prisma, { key: "payments", name: "Payments", supervisorId: u.sam.id, memberIds: [u.dana.id, u.sam.id] });

  // The ERP integration: a service account (ADR 021) whose token creates the invoices and posts
  // the ERP's events; it never signs in and is never given work.
  const erpAccount = await prisma.user.create({
    data: {
      email: "svc+erp@service-account.invalid",
      name: "erp",
      role: "ADMIN",
      kind: "SERVICE",
      passwordHash: "!service-account",
      mayStartProcesses: ["*"],
      mayPostEvents: ["urn:acme:erp *"],
    },
  });
  const erp: Actor = {
    ...systemActor("ERP (seed)"),
    type: "TOKEN",
    owner: { id: erpAccount.id, name: erpAccount.name, kind: "SERVICE", role: "ADMIN", grants: { processes: ["*"], events: ["urn:acme:erp *"] } },
  };
  const now = new Date();
  const mk = (input: Parameters<typeof createTask>[1]) => createTask(erp, input);

  // Maya's inbox: routine invoices assigned to her, one overdue, one due soon.
  const mayaTasks = [
    await mk({ title: "Approve invoice INV-4411 from Northwind Traders", assignee: u.maya.email, priority: "HIGH", dueAt: subHours(now, 1).toISOString(), context: invoice(4411, "Northwind Traders", 2300) }),
    await mk({ title: "Approve invoice INV-4412 from Contoso Office Supply", assignee: u.maya.email, dueAt: addHours(now, 2).toISOString(), context: invoice(4412, "Contoso Office Supply", 486.5) }),
    await mk({ title: "Approve invoice INV-4413 from Fabrikam Logistics", assignee: u.maya.email, dueAt: addHours(now, 6).toISOString(), context: invoice(4413, "Fabrikam Logistics", 7420, { poMatch: "price mismatch (+3.2%)" }) }),
    await mk({ title: "Approve invoice INV-4414 from Tailspin Toys", assignee: u.maya.email, priority: "LOW", dueAt: addHours(now, 30).toISOString(), context: invoice(4414, "Tailspin Toys", 912) }),
  ];
  // The accounts-payable queue: anyone in the group can claim.
  await mk({ title: "Approve invoice INV-4420 from Adventure Works", candidateGroup: "accounts-payable", dueAt: addHours(now, 4).toISOString(), context: invoice(4420, "Adventure Works", 3150) });
  // New vendor: four-eyes, two distinct clerks must approve.
  await mk({ title: "Approve invoice INV-4421 from Litware (new vendor)", candidateGroup: "accounts-payable", approvalsRequired: 2, priority: "HIGH", dueAt: addHours(now, 3).toISOString(), context: invoice(4421, "Litware Inc.", 5600, { vendorRisk: "new vendor", fourEyes: true }) });
  await mk({ title: "Approve invoice INV-4422 from Wide World Importers", candidateGroup: "accounts-payable", dueAt: addHours(now, 20).toISOString(), context: invoice(4422, "Wide World Importers", 1240) });
  // Above 10,000: the team lead decides.
  await mk({ title: "Approve invoice INV-4430 from Proseware (62,000 EUR)", candidateGroup: "finance-leads", priority: "URGENT", dueAt: subHours(now, 2).toISOString(), context: invoice(4430, "Proseware Ltd", 62000) });
  // Onboarding: credit reviews go to the least-loaded analyst with the `credit` skill.
  const creditRouting = { requiredSkills: ["credit"], routing: { strategy: "least_loaded" as const } };
  await mk({ title: "Credit review for Blue Yonder Airlines", candidateGroup: "credit-review", ...creditRouting, dueAt: addHours(now, 24).toISOString(), context: { customer: "Blue Yonder Airlines", requestedLimit: 50000, currency: "EUR", kycResult: "passed", salesOwner: "Rita Novak", crmUrl: "https://crm.acme.test/leads/8812" } });
  await mk({ title: "Credit review for Margie's Travel", candidateGroup: "credit-review", ...creditRouting, priority: "HIGH", dueAt: addHours(now, 5).toISOString(), context: { customer: "Margie's Travel", requestedLimit: 15000, currency: "EUR", kycResult: "passed with notes", missingDocuments: ["2025 balance sheet"], salesOwner: "Rita Novak" } });
  // A refund Rita asked for: she may not approve it herself.
  // Decided through a form (refund reason, amount adjusted), with a partial-approval outcome.
  await mk({
    title: "Refund 1,800 EUR to Coho Winery",
    candidateGroup: "payments",
    requestedBy: u.rita.email,
    outcomes: [{ id: "approve_partial", label: "Approve partially", requiresReason: true }],
    form: [
      { id: "refundReason", label: "Refund reason", type: "select", required: true, options: [{ value: "damaged", label: "Damaged shipment" }, { value: "late", label: "Late delivery" }, { value: "goodwill", label: "Goodwill" }] },
      { id: "amount", label: "Amount to refund (EUR)", type: "number", required: true, min: 0, max: 1800 },
      { id: "notifyCustomer", label: "Tell the customer", type: "boolean" },
    ],
    dueAt: addHours(now, 8).toISOString(), context: { customer: "Coho Winery", amount: 1800, currency: "EUR", reason: "Damaged shipment", orderNumber: "SO-55102" } });

  // Decided work, with audit entries written by the real service calls.
  const decided1 = await mk({ title: "Approve invoice INV-4401 from Northwind Traders", candidateGroup: "accounts-payable", context: invoice(4401, "Northwind Traders", 1890) });
  await decideTask(userActor(u.dana), decided1.id, { outcome: "approve" });
  const decided2 = await mk({ title: "Approve invoice INV-4402 from Duplicate Vendor GmbH", assignee: u.maya.email, context: invoice(4402, "Duplicate Vendor GmbH", 980, { poMatch: "no purchase order" }) });
  await decideTask(userActor(u.maya), decided2.id, { outcome: "reject", reason: "No purchase order and the vendor is not on the approved list." });
  const decided3 = await mk({ title: "Approve invoice INV-4403 from Proseware (54,300 EUR)", candidateGroup: "finance-leads", priority: "HIGH", context: invoice(4403, "Proseware Ltd", 54300) });
  await decideTask(userActor(u.sam), decided3.id, { outcome: "approve", reason: "Matches the signed framework contract FC-2026-07." });
  const claimed = await mk({ title: "Approve invoice INV-4423 from Trey Research", candidateGroup: "accounts-payable", dueAt: addHours(now, 7).toISOString(), context: invoice(4423, "Trey Research", 2750) });
  await claimTask(userActor(u.leo), claimed.id);

  // Waiting for information and cancelled: states the later issues' flows produce.
  const waiting = await mk({ title: "Approve invoice INV-4415 from Graphic Design Institute", assignee: u.maya.email, context: invoice(4415, "Graphic Design Institute", 4100, { poMatch: "quantity mismatch" }) });
  // Maya asks Sam through the real service: status, question comment, audit entry and Sam's notification.
  await requestInfo(userActor(u.maya), waiting.id, {
    question: "Delivery note shows 40 units, invoice bills 48. Can you confirm with the vendor which is right?",
    askTo: u.sam.email,
  });
  // A finished round trip with a comment and a mention, for the timeline.
  // In the accounts-payable queue too, so Dana (who is asked) can see it: a question only reaches people who can.
  const answered = await mk({ title: "Approve invoice INV-4416 from Alpine Ski House", assignee: u.maya.email, candidateGroup: "accounts-payable", dueAt: addHours(now, 26).toISOString(), context: invoice(4416, "Alpine Ski House", 3380, { poMatch: "matched", note: "split delivery" }) });
  await requestInfo(userActor(u.maya), answered.id, { question: "Was the second half of the split delivery received?", askTo: u.dana.email });
  await answerInfoRequest(userActor(u.dana), answered.id, { answer: "Yes, goods receipt GR-20931 on Monday covers the rest." });
  await addComment(userActor(u.maya), answered.id, { body: "Thanks! @sam@acme.test FYI, approving once the PO is updated." });
  const cancelled = await mk({ title: "Approve invoice INV-4399 (withdrawn by vendor)", candidateGroup: "accounts-payable", context: invoice(4399, "Southridge Video", 640) });
  await cancelTask(systemActor("ERP (seed)"), cancelled.id, { reason: "Vendor withdrew the invoice (credit note CN-118)." });

  await seedDecisionTables(userActor(u.priya));
  // Routed by Priya's published invoice-routing table (v1, rule 2: up to 10,000 → a clerk); its
  // history shows the version and the rule that fired.
  await mk({
    title: "Approve invoice INV-4424 from Lucerne Publishing",
    routing: { strategy: "decision_table", table: invoiceRoutingTable.key },
    dueAt: addHours(now, 9).toISOString(),
    context: invoice(4424, "Lucerne Publishing", 4820, { newVendor: false }),
  });
  await seedProcesses(userActor(u.priya), erp);
  const teamTasks = await seedTeams(u, mk, now);
  await seedEscalations(userActor(u.priya), erp, u);
  // Thirty days of finished history for the dashboard, and its rollups right away (the worker
  // refreshes them every minute from then on).
  const history = await seedKpiHistory(prisma, { clerks: [u.maya, u.dana, u.leo], lead: u.sam, asked: u.dana });
  await refreshKpiRollups({ rebuild: true });

  await dispatchOutbox().catch(() => undefined);
  console.log(`Seeded ${DEMO_USERS.length} people, 5 groups, ${mayaTasks.length + 19 + teamTasks} tasks and ${history} finished process instances of history. Password for every demo login: ${DEMO_PASSWORD}`);
}

// ── Supervisor console ───────────────────────────────────────────────────────────────────────
// Sam's and Omar's teams each have overdue and due-today work spread over their people, and
// Tomás is out of office this week with Chen covering (set by Omar through the real service, so
// it is audited) — with one of his tasks still open, waiting to be reassigned.
async function seedTeams(u: Record<Key, Awaited<ReturnType<typeof createUser>>>, mk: (input: Parameters<typeof createTask>[1]) => Promise<unknown>, now: Date): Promise<number> {
  // Due later today, whatever time the demo is seeded (at least 20 minutes ahead).
  const laterToday = (hours: number) => {
    const endOfDay = new Date(now);
    endOfDay.setUTCHours(23, 59, 0, 0);
    return new Date(Math.max(Math.min(addHours(now, hours).getTime(), endOfDay.getTime()), now.getTime() + 20 * 60_000)).toISOString();
  };
  await mk({ title: "Approve invoice INV-4417 from Coho Vineyard", assignee: u.dana.email, priority: "HIGH", dueAt: subHours(now, 3).toISOString(), context: invoice(4417, "Coho Vineyard", 3920) });
  await mk({ title: "Approve invoice INV-4418 from Fourth Coffee", assignee: u.dana.email, dueAt: laterToday(3), context: invoice(4418, "Fourth Coffee", 615.4) });
  await mk({ title: "Approve invoice INV-4419 from Humongous Insurance", assignee: u.leo.email, dueAt: laterToday(5), context: invoice(4419, "Humongous Insurance", 8800, { poMatch: "matched", note: "annual premium" }) });
  await mk({ title: "Credit review for Fabrikam Residences", assignee: u.chen.email, requiredSkills: ["credit"], priority: "HIGH", dueAt: subHours(now, 4).toISOString(), context: { customer: "Fabrikam Residences", requestedLimit: 80000, currency: "EUR", kycResult: "passed", salesOwner: "Rita Novak" } });
  await mk({ title: "KYC follow-up for Wingtip Toys", assignee: u.tomas.email, requiredSkills: ["kyc"], dueAt: laterToday(2), context: { customer: "Wingtip Toys", kycResult: "documents expired", missingDocuments: ["passport copy of the director"], salesOwner: "Rita Novak" } });
  await mk({ title: "Credit review for Northwind Health", candidateGroup: "credit-review", requiredSkills: ["credit"], dueAt: subHours(now, 1).toISOString(), context: { customer: "Northwind Health", requestedLimit: 25000, currency: "EUR", kycResult: "passed" } });
  await setOutOfOffice(userActor(u.omar), u.tomas.id, {
    from: subHours(now, 20).toISOString(),
    until: addHours(now, 24 * 5).toISOString(),
    delegate: u.chen.email,
    reason: "Annual leave",
  });
  // Tomás's own token for his KYC export script keeps acting for him while he is away; the token
  // list says he is (ADR 053).
  await createApiToken(systemActor(), { name: "KYC export (Tomás)", role: "MEMBER", owner: u.tomas.id, scopes: ["tasks:read"] });
  return 6;
}

// ── Deadlines and escalation ─────────────────────────────────────────────────────────────────
// Business calendars for the finance groups (Berlin; payments with a short Friday) and credit review (London), set through the
// admin service (audited), and three invoices whose deadlines the real escalation code enforces:
// their levels are seconds long, so the seed waits for them and fires them with the same batch the
// worker's timers use. Sam finds INV-4440 escalated to him; INV-4441 reminded its queue and
// escalates to the team leads within the hour; INV-4442's SLA is paused while Dana waits for Rita.
async function seedEscalations(priya: Actor, erp: Actor, u: Record<Key, Awaited<ReturnType<typeof createUser>>>) {
  const holidays = ["2026-12-24", "2026-12-25", "2026-12-26", "2026-12-31", "2027-01-01"];
  for (const key of ["accounts-payable", "finance-leads"]) {
    await setCalendar(priya, key, { timeZone: "Europe/Berlin", workingDays: [1, 2, 3, 4, 5], start: "09:00", end: "17:00", holidays });
  }
  // Payments keeps its own hours (ADR 053): a lunch break Monday to Thursday and a short Friday.
  const payDay = [{ start: "08:00", end: "12:00" }, { start: "12:30", end: "16:30" }];
  await setCalendar(priya, "payments", { timeZone: "Europe/Berlin", hours: { mon: payDay, tue: payDay, wed: payDay, thu: payDay, fri: [{ start: "08:00", end: "13:00" }] }, holidays });
  await setCalendar(priya, "credit-review", { timeZone: "Europe/London", workingDays: [1, 2, 3, 4, 5], start: "08:30", end: "17:30", holidays: ["2026-12-25", "2026-12-28", "2027-01-01"] });

  const escalated = await createTask(erp, {
    title: "Approve invoice INV-4440 from Relecloud",
    assignee: u.maya.email,
    priority: "HIGH",
    dueIn: "PT2S",
    escalation: { levels: [{ after: "PT1S", action: "remind" }, { after: "PT2S", action: "supervisor" }, { after: "P1D", action: "group", group: "finance-leads" }] },
    context: invoice(4440, "Relecloud", 8900, { poMatch: "matched" }),
  });
  const reminded = await createTask(erp, {
    title: "Approve invoice INV-4441 from Woodgrove Bank",
    candidateGroup: "accounts-payable",
    dueIn: "PT1H",
    escalation: { levels: [{ after: "PT1S", action: "remind" }, { after: "PT1H", action: "group", group: "finance-leads" }] },
    context: invoice(4441, "Woodgrove Bank", 2650),
  });
  const paused = await createTask(erp, {
    title: "Approve invoice INV-4442 from VanArsdel Ltd",
    assignee: u.dana.email,
    requestedBy: u.rita.email,
    dueIn: "PT4H",
    escalation: { levels: [{ after: "PT3H", action: "remind" }, { after: "PT4H", action: "supervisor" }] },
    context: invoice(4442, "VanArsdel Ltd", 1320, { poMatch: "no PO number on the invoice" }),
  });
  await requestInfo(userActor(u.dana), paused.id, { question: "Which purchase order does this belong to?", askTo: u.rita.email });
  const ids = [escalated.id, reminded.id];
  for (let i = 0; i < 10; i++) {
    await new Promise((r) => setTimeout(r, 600));
    await fireDueEscalations({ taskIds: ids, by: "timer" });
    const levels = await db().task.findMany({ where: { id: { in: ids } }, select: { escalationLevel: true } });
    if (levels.reduce((s, t) => s + t.escalationLevel, 0) >= 3) break;
  }
}

// ── Decision tables ──────────────────────────────────────────────────────────────────────────
// Priya's invoice routing (shared/SCENARIOS.md), through the real services: version 1 uploaded,
// given its test cases and published; version 2, a change waiting as a draft (a second approver
// above 50,000), so the table page shows a diff before publishing.
async function seedDecisionTables(priya: Actor) {
  await uploadDmn(priya, modelToDmnXml(invoiceRoutingTable));
  await replaceTestCases(priya, invoiceRoutingTable.key, { testCases: invoiceRoutingTestCases });
  await publishDecisionTable(priya, invoiceRoutingTable.key, { version: 1 });
  const v2 = structuredClone(invoiceRoutingTable);
  v2.rules[2]!.inputEntries[0]!.text = "(10000..50000]";
  v2.rules.splice(3, 0, {
    id: "invoice_routing_rule_large",
    annotation: "Above 50,000: the team lead plus a second approver",
    inputEntries: [
      { id: "invoice_routing_rule_large_in_1", text: "> 50000" },
      { id: "invoice_routing_rule_large_in_2", text: "false" },
    ],
    outputEntries: [
      { id: "invoice_routing_rule_large_out_1", text: '"team-lead"' },
      { id: "invoice_routing_rule_large_out_2", text: '"finance-leads"' },
      { id: "invoice_routing_rule_large_out_3", text: "2" },
    ],
  });
  await uploadDmn(priya, modelToDmnXml(v2));
  // A whole model without a table (ADR 054): invoice fees, published with its test cases.
  await uploadDecisionModel(priya, invoiceFeesModelXml);
  await replaceModelTestCases(priya, INVOICE_FEES_KEY, { testCases: invoiceFeesTestCases });
  await publishDecisionModel(priya, INVOICE_FEES_KEY, { version: 1 });
}

// ── Processes (the engine, lib/engine) ─────────────────────────────────────────────────────────
// Priya's invoice-approval definition, and invoices the ERP "sent" as CloudEvents through the real
// intake. The worker runs them once it starts: INV-5001 (420 EUR) is approved by rule and posted,
// INV-5002 waits for a clerk in accounts-payable, INV-5003 (48,000 EUR) for the team lead; the
// vendor sync fails against an ERP endpoint that is down, so the retry can be shown. The ERP is
// DEMO_ERP_URL, by default the app's own stand-in at /api/demo/erp.
async function seedProcesses(priya: Actor, erp: Actor) {
  const erpUrl = demoErpUrl();
  // The ERP's API token is a named secret (encrypted; the worker sends it as a bearer token).
  const withSecret = Boolean(env().BATON_SECRETS_KEY);
  if (withSecret) await createSecret(priya, { name: "erp_token", value: `demo-erp-${randomBytes(12).toString("hex")}`, description: "Bearer token of the ERP API (demo stand-in)", allowedHosts: [new URL(erpUrl).hostname] });
  await publishDefinition(priya, invoiceApprovalDefinition(erpUrl, { authSecret: withSecret ? "erp_token" : undefined }));
  await publishDefinition(priya, vendorSyncDefinition(erpUrl));
  // Parallel checks that join, and a saga: Fabrikam onboards; Litware's screening service is down,
  // so the reserved vendor number is released (compensation) and the instance ends COMPENSATED.
  await publishDefinition(priya, vendorOnboardingDefinition(erpUrl));
  // Rita (Sales) files refunds from New request; Sam's finance leads review them (ADR 039).
  await publishDefinition(priya, refundRequestDefinition());
  // Version 2 gives clerks a 4-hour due time; Priya tries it on 30 % of new invoices (A/B split),
  // and the dashboard compares the two versions.
  const v2 = invoiceApprovalDefinition(erpUrl, { authSecret: withSecret ? "erp_token" : undefined });
  v2.description = "As version 1, with a 4-hour due time for clerk approvals.";
  for (const s of v2.steps) if (s.id === "clerk-approval") (s as { due?: string }).due = "PT4H";
  await publishDefinition(priya, v2);
  await setVersionSplit(priya, "invoice-approval", { versionA: 1, versionB: 2, percentB: 30 });
  const invoices = [
    { n: 5001, vendor: "Contoso Office Supply", amount: 420 },
    // Goods received short by one unit: the comparison marks it.
    { n: 5002, vendor: "Northwind Traders", amount: 2300, extra: { receivedQuantity: 9, receivedAmount: 2070 } },
    { n: 5003, vendor: "Proseware Ltd", amount: 48000 },
  ];
  for (const i of invoices) {
    await receiveEvent(erp, {
      id: `erp-evt-${i.n}`,
      source: "urn:acme:erp",
      type: INVOICE_RECEIVED,
      subject: `INV-${i.n}`,
      correlationKey: `INV-${i.n}`,
      data: invoice(i.n, i.vendor, i.amount, "extra" in i ? i.extra : {}),
    });
  }
  await startInstance(priya, "vendor-master-sync", { variables: { since: "2026-11-25" }, businessKey: "nightly 2026-11-26" });
  await startInstance(priya, "vendor-onboarding", { variables: { vendor: "Fabrikam Inc.", iban: "DE89370400440532013000", sanctionsUrl: `${erpUrl}/po-match` }, businessKey: "Fabrikam Inc." });
  await startInstance(priya, "vendor-onboarding", { variables: { vendor: "Litware Ltd", iban: "GB33BUKB20201555555555", sanctionsUrl: `${erpUrl}/vendor-sync` }, businessKey: "Litware Ltd" });
}

main()
  .catch((e) => {
    console.error(e);
    process.exitCode = 1;
  })
  .finally(async () => {
    await closeQueues();
    await disconnectRedis();
    await disconnectDb();
  });
