// Thirty days of finished history for the demo dashboard (shared/SCENARIOS.md people): ~300
// invoices through invoice-approval v1, then an A/B test of v2 (clerk due time 4 h) on 30 % of
// the invoices of the last ten days; and the nightly vendor sync, which fails now and then. Times
// follow simple, seeded random distributions, so every demo shows the same figures. Business keys
// end in "-H" (history written by the seed, not through the services).
import type { PrismaClient } from "../lib/generated/prisma/client";
import { insertHistory, type HistoryStep } from "./kpi-history";

/** Mulberry32: a small deterministic PRNG, so the demo is the same every time. */
function rng(seed: number) {
  let a = seed;
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface People {
  clerks: { id: string; name: string }[];
  lead: { id: string; name: string };
  asked: { id: string; name: string };
}

export async function seedKpiHistory(db: PrismaClient, people: People, opts: { days?: number; now?: Date } = {}): Promise<number> {
  const days = opts.days ?? 30;
  const now = opts.now ?? new Date();
  const r = rng(20261126);
  const between = (lo: number, hi: number) => lo + (hi - lo) * r();
  const pick = <T,>(xs: T[]) => xs[Math.floor(r() * xs.length)]!;
  const [v1, v2] = await Promise.all([1, 2].map((version) => db.processDefinition.findUnique({ where: { key_version: { key: "invoice-approval", version } } })));
  const sync = await db.processDefinition.findFirst({ where: { key: "vendor-master-sync" }, orderBy: { version: "desc" } });
  const groups = await db.group.findMany({ where: { key: { in: ["accounts-payable", "finance-leads"] } } });
  const groupId = (key: string) => groups.find((g) => g.key === key)?.id ?? null;
  if (!v1) return 0;
  let n = 0;
  let invoice = 7000;
  for (let d = days; d >= 1; d--) {
    const dayStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) - d * 86_400_000);
    const weekend = [0, 6].includes(dayStart.getUTCDay());
    const count = weekend ? 3 : 9 + Math.floor(r() * 6);
    for (let i = 0; i < count; i++) {
      invoice++;
      const onV2 = v2 && d <= 10 && r() < 0.3;
      const startedAt = new Date(dayStart.getTime() + between(7, 15) * 3_600_000);
      const amount = r() < 0.3 ? Math.round(between(80, 990)) : r() < 0.82 ? Math.round(between(1000, 10000)) : Math.round(between(10001, 60000));
      const steps: HistoryStep[] = [];
      let t = 0;
      const auto = (stepId: string, type: string, failP = 0): boolean => {
        const start = t;
        const firstAttempt = start + between(0.02, 0.4);
        const failed = r() < failP;
        t = firstAttempt + (failed ? between(3, 8) : between(0.1, 2));
        steps.push({ stepId, type, startMin: start, endMin: t, firstAttemptMin: firstAttempt, attempts: failed ? 7 : 1, status: failed ? "FAILED" : "COMPLETED", error: failed ? "ERP answered 503 Service Unavailable after 7 attempts" : undefined });
        return !failed;
      };
      const variables = { invoiceNumber: `INV-${invoice}-H`, vendor: pick(["Northwind Traders", "Contoso Office Supply", "Proseware Ltd", "Trey Research", "Alpine Ski House", "Fabrikam"]), amount, currency: "EUR" };
      const finish = async (status: "COMPLETED" | "FAILED") => {
        await insertHistory(db, { definitionId: (onV2 ? v2 : v1)!.id, startedAt, status, endMin: t, businessKey: variables.invoiceNumber, variables, steps });
        n++;
      };
      if (!auto("po-match", "http", 0.03)) {
        await finish("FAILED");
        continue;
      }
      steps.push({ stepId: "route-by-amount", type: "decision", startMin: t, endMin: t + 0.01 });
      t += 0.01;
      let outcome = "approve";
      if (amount < 1000) {
        steps.push({ stepId: "auto-approve", type: "set", startMin: t, endMin: t + 0.01 });
        t += 0.01;
      } else {
        const lead = amount > 10000;
        const stepId = lead ? "lead-approval" : "clerk-approval";
        const dueMin = lead ? 480 : onV2 ? 240 : 480;
        // v2 routes clerk work faster (a 4 h due time gets picked up sooner).
        const wait = lead ? between(40, 1100) : onV2 ? between(4, 200) : between(8, 520);
        const work = between(2, lead ? 90 : 40);
        const decider = lead ? people.lead : pick(people.clerks);
        outcome = r() < 0.13 ? "reject" : "approve";
        const asked = r() < 0.08;
        const start = t;
        const claimedMin = start + wait;
        const extra = asked ? between(60, 400) : 0;
        t = claimedMin + work + extra;
        const breached = t - start > dueMin;
        steps.push({
          stepId,
          type: "human",
          startMin: start,
          endMin: t,
          task: {
            title: `Approve invoice ${variables.invoiceNumber} from ${variables.vendor} (${amount} EUR)`,
            createdMin: start,
            claimedMin,
            dueMin: start + dueMin,
            decidedMin: t,
            outcome,
            decidedById: decider.id,
            candidateGroupId: groupId(lead ? "finance-leads" : "accounts-payable"),
            escalatedMin: breached && r() < 0.6 ? start + dueMin + 30 : undefined,
            question: asked ? { authorId: decider.id, authorName: decider.name, atMin: claimedMin + 1, body: "The delivery note and the invoice disagree — can you confirm the quantity?" } : undefined,
          },
        });
      }
      if (outcome === "reject") {
        steps.push({ stepId: "rejected", type: "end", startMin: t, endMin: t });
        await finish("COMPLETED");
        continue;
      }
      if (!auto("post-to-erp", "http", 0.02)) {
        await finish("FAILED");
        continue;
      }
      steps.push({ stepId: "done", type: "end", startMin: t, endMin: t });
      await finish("COMPLETED");
    }
    if (sync) {
      const startedAt = new Date(dayStart.getTime() + 2 * 3_600_000);
      const failed = r() < 0.12;
      const len = failed ? between(4, 9) : between(1, 6);
      await insertHistory(db, {
        definitionId: sync.id,
        startedAt,
        status: failed ? "FAILED" : "COMPLETED",
        endMin: len,
        businessKey: `nightly ${dayStart.toISOString().slice(0, 10)}-H`,
        steps: [
          { stepId: "pull-vendors", type: "http", startMin: 0, endMin: len, firstAttemptMin: 0.05, attempts: failed ? 3 : 1, status: failed ? "FAILED" : "COMPLETED", error: failed ? "connect ECONNREFUSED (vendor master endpoint down)" : undefined },
          ...(failed ? [] : [{ stepId: "done", type: "end", startMin: len, endMin: len }]),
        ],
      });
      n++;
    }
  }
  return n;
}
