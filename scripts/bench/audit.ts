// npm run bench:audit — append throughput with the chain (20 concurrent writers, sealer running),
// verify speed over 1,000,000 entries, and what the audit insert adds to a decide transaction.
import { cleanBenchRedis, prepareBenchDatabase, dropBenchDatabase, percentile, printTable, round } from "./lib";

const WRITERS = 20;
const APPEND_SECONDS = Number(process.env.BENCH_APPEND_SECONDS ?? 10);
const VERIFY_ENTRIES = Number(process.env.BENCH_VERIFY_ENTRIES ?? 1_000_000);
const DECIDES = Number(process.env.BENCH_DECIDES ?? 2000);

async function main() {
  const url = await prepareBenchDatabase("audit");
  const { prismaClient: db, disconnectDb, sql, transaction } = await import("../../lib/db");
  const { sealAll, verifyAuditChain } = await import("../../lib/audit/sealer");
  const { systemActor } = await import("../../prisma/factories");
  const actor = systemActor("bench");
  try {
    // 1. Appends: 20 writers, each entry in its own transaction, the sealer running meanwhile.
    let appended = 0;
    let stop = false;
    const deadline = Date.now() + APPEND_SECONDS * 1000;
    const writers = Array.from({ length: WRITERS }, async (_, w) => {
      let i = 0;
      while (Date.now() < deadline) {
        await transaction(async (tx) => tx.audit(actor, { action: "bench.append", subjectType: "bench", subjectId: `${w}-${i++}`, after: { w, i, amount: i * 10 } }));
        appended++;
      }
    });
    const sealer = (async () => {
      while (!stop) {
        await sealAll(2000);
        await new Promise((r) => setTimeout(r, 200));
      }
    })();
    const t0 = Date.now();
    await Promise.all(writers);
    const appendS = (Date.now() - t0) / 1000;
    stop = true;
    await sealer;
    await sealAll();
    const appendPerS = appended / appendS;

    // 2. Verify over VERIFY_ENTRIES entries (bulk-inserted, then sealed by the real sealer).
    const missing = VERIFY_ENTRIES - (await db().auditEntry.count());
    if (missing > 0) {
      await db().$executeRawUnsafe(
        `INSERT INTO "AuditEntry" ("actorType","actorName","action","subjectType","subjectId","taskId","reason","before","after")
         SELECT 'USER', 'Bench User ' || (g % 50), CASE WHEN g % 3 = 0 THEN 'task.rejected' ELSE 'task.approved' END, 'task', 't' || g, 't' || g,
                'reason ' || g, jsonb_build_object('status','OPEN','version',1), jsonb_build_object('status','DECIDED','version',2,'amount', g)
         FROM generate_series(1, ${missing}) AS g`,
      );
    }
    const s0 = Date.now();
    const sealed = await sealAll(5000);
    const sealS = (Date.now() - s0) / 1000;
    const report = await verifyAuditChain(10_000);
    if (!report.ok) throw new Error(`chain broken: ${JSON.stringify(report.firstBroken)}`);
    const verifyPerS = report.checked / (report.ms / 1000);

    // 3. Decide overhead: the decide transaction (guarded update + outbox row) with and without
    // the audit insert, same data, alternating so neither side gets a warmer cache.
    const rows = await db().$transaction(async (tx) => {
      await tx.task.createMany({ data: Array.from({ length: DECIDES * 2 }, (_, i) => ({ title: `Bench task ${i}`, context: { amount: i } })) });
      return tx.task.findMany({ select: { id: true }, orderBy: { number: "asc" } });
    });
    const withAudit: number[] = [];
    const without: number[] = [];
    for (let i = 0; i < DECIDES * 2; i++) {
      const id = rows[i]!.id;
      const audit = i % 2 === 0;
      const t = performance.now();
      // As a decision commits (lib/tasks/actions.ts): one batched statement, with or without its entry.
      await transaction(
        async (tx) => {
          await tx.update("Task", { status: "DECIDED", outcome: "approve", decidedAt: new Date(), version: { increment: 1 } }, sql`"id" = ${id} AND "version" = 1 AND "status" = 'OPEN'`, {
            expect: 1,
          });
          if (audit) {
            tx.audit(actor, {
            action: "task.approved",
            subjectType: "task",
            subjectId: id,
            taskId: id,
            before: { status: "OPEN", version: 1 },
              after: { status: "DECIDED", version: 2, outcome: "approve" },
            });
          }
          await tx.write(sql`INSERT INTO "OutboxMessage" ("queue", "jobName", "jobId", "payload", "createdAt")
            VALUES ('notifications', 'task-decided', ${`task-decided.${id}`}, ${JSON.stringify({ taskId: id })}::jsonb, (now() AT TIME ZONE 'UTC'))`);
        },
        { batched: true },
      );
      (audit ? withAudit : without).push(performance.now() - t);
    }
    withAudit.sort((a, b) => a - b);
    without.sort((a, b) => a - b);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const auditCostMs = Math.max(0, mean(withAudit) - mean(without));

    // A whole decide call through the service (permission and visibility checks, guarded
    // update, audit, outbox, read back), by a member on their group's queue.
    const { createGroup, createUser, userActor } = await import("../../prisma/factories");
    const { decideTask } = await import("../../lib/tasks");
    const member = await createUser(db(), { name: "Bench Member" });
    const group = await createGroup(db(), { key: "bench", memberIds: [member.id] });
    await db().task.createMany({ data: Array.from({ length: DECIDES }, (_, i) => ({ title: `Bench decide ${i}`, candidateGroupId: group.id })) });
    const open = await db().task.findMany({ where: { candidateGroupId: group.id }, select: { id: true } });
    const calls: number[] = [];
    const maya = userActor(member);
    for (const t of open) {
      const started = performance.now();
      await decideTask(maya, t.id, { outcome: "approve" });
      calls.push(performance.now() - started);
    }
    calls.sort((a, b) => a - b);
    const callMs = mean(calls);
    const overheadPct = (auditCostMs / (callMs - auditCostMs)) * 100;

    printTable("bench:audit", [
      ["append writers", WRITERS],
      ["append duration (s)", round(appendS)],
      ["entries appended", appended],
      ["append entries/s (target: n/a)", round(appendPerS)],
      ["entries sealed in bulk", sealed],
      ["seal entries/s", round(sealed / sealS)],
      ["entries verified", report.checked],
      ["verify ms", report.ms],
      ["verify entries/s (target ≥ 50,000)", round(verifyPerS)],
      ["decide tx mean ms, with audit", round(mean(withAudit), 2)],
      ["decide tx mean ms, without audit", round(mean(without), 2)],
      ["decide tx p95 ms, with / without", `${round(percentile(withAudit, 95), 2)} / ${round(percentile(without, 95), 2)}`],
      ["audit insert cost ms (difference of means)", round(auditCostMs, 2)],
      ["decide call mean / p95 ms (service, incl. audit)", `${round(callMs, 2)} / ${round(percentile(calls, 95), 2)}`],
      ["audit share of a decide call % (target < 20)", round(overheadPct)],
    ]);
    console.log(
      JSON.stringify({ bench: "audit", append_per_s: round(appendPerS), verify_per_s: round(verifyPerS), decide_overhead_pct: round(overheadPct) }),
    );
  } finally {
    // Dispatches started after commit by the decide calls may still be in flight: let them
    // settle, then drop the database (FORCE ends any connection left behind) and leave.
    await new Promise((r) => setTimeout(r, 500));
    const { closeQueues } = await import("../../lib/queues");
    const { disconnectRedis } = await import("../../lib/redis");
    await closeQueues();
    await disconnectRedis();
    await dropBenchDatabase(url);
    await cleanBenchRedis();
    await Promise.race([disconnectDb(), new Promise((r) => setTimeout(r, 2000))]);
  }
}

main()
  .then(() => process.exit(0))
  .catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
