import { db } from "./lib/db";
import { env } from "./lib/env";
import { createRedis } from "./lib/redis";
import { createTask } from "./lib/tasks/service";
import { startEscalations } from "./workers/processors/escalations";
import { systemActor } from "./prisma/factories";
(async () => {
  const esc = startEscalations({ connection: createRedis({ forWorker: true }), prefix: env().REDIS_PREFIX, concurrency: 300, sweepMs: 600000, graceMs: 1000 });
  esc.worker.on("failed", (j, e) => console.log("failed", j?.id, e.message));
  esc.worker.on("completed", (j, r) => { if (Math.random() < 0.05) console.log("done", j.id, Date.now() - j.timestamp - (j.opts.delay ?? 0), JSON.stringify(r)); });
  const ids: string[] = [];
  for (let i = 0; i < 100; i++) {
    const t = await createTask(systemActor("dbg"), { title: "dbg", candidateGroup: "accounts-payable", escalation: { levels: [{ after: `PT${3 + (i % 30) / 10}S`, action: "remind" }] } });
    ids.push(t.id);
  }
  await new Promise((r) => setTimeout(r, 9000));
  const rows = await db().taskEscalation.findMany({ where: { taskId: { in: ids } }, select: { latenessMs: true, firedBy: true } });
  console.log(rows.length, rows.map((r) => r.latenessMs).sort((a, b) => a - b).filter((_, i) => i % 10 === 0));
  process.exit(0);
})();
