// npm run bench:router — what the API router costs per request, against its ceiling in the same run:
// a bare node:http server answering the same JSON. Both run in a child process of their own under
// the same autocannon load (POST with a JSON body; the handler reads a header and the body and
// answers JSON, as a decision's does), alternating; CPU per request is the server process's own.
// Ends with {"bench":"router","router_us_per_req":N,"bare_us_per_req":N,"router_rps":N,"bare_rps":N,"cpu_ratio":N}.
import { fork } from "node:child_process";
import { createServer } from "node:http";
import autocannon from "autocannon";
import { percentile, printTable, round } from "./lib";

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 20_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const BODY = '{"outcome":"approve","reason":"fine"}';

/** The child: serves one variant on a free port and reports its own CPU time when asked. */
async function serve(variant: "router" | "bare") {
  let server;
  if (variant === "router") {
    const { createApiRouter } = await import("../../lib/http/router");
    const { json } = await import("../../lib/http/responses");
    const api = createApiRouter(
      [
        {
          method: "POST",
          pattern: "/api/v1/tasks/:id/decision",
          route: { operationId: "bench", summary: "bench", tags: ["bench"], responses: { 200: {} } },
          handler: async (req, ctx) => {
            const body = (await req.json()) as { outcome: string };
            const r = json({ id: (await ctx.params).id, outcome: body.outcome, auth: req.headers.get("authorization")?.length, version: 3, status: "DECIDED" });
            r.headers.set("x-request-id", "bench");
            return r;
          },
        },
      ],
      { traced: false },
    );
    server = createServer((req, res) => void api(req, res));
  } else {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { outcome: string };
        const id = (req.url ?? "").split("/")[4];
        const out = JSON.stringify({ id, outcome: body.outcome, auth: req.headers.authorization?.length, version: 3, status: "DECIDED" });
        res.writeHead(200, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(out), "x-request-id": "bench" }).end(out);
      });
    });
  }
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  process.send!({ port: (server.address() as { port: number }).port });
  process.on("message", () => {
    const u = process.cpuUsage();
    process.send!({ cpuMs: (u.user + u.system) / 1000 });
  });
}

async function measure(variant: "router" | "bare"): Promise<{ usPerReq: number; rps: number; p99: number }> {
  const child = fork(new URL(import.meta.url).pathname, [variant], { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
  try {
    const port = await new Promise<number>((r) => child.once("message", (m: { port: number }) => r(m.port)));
    const cpu = () =>
      new Promise<number>((r) => {
        child.once("message", (m: { cpuMs: number }) => r(m.cpuMs));
        child.send("cpu");
      });
    const opts = {
      url: `http://127.0.0.1:${port}/api/v1/tasks/t-1/decision`,
      method: "POST" as const,
      connections: 20,
      headers: { "content-type": "application/json", authorization: "Bearer bat_benchbenchbenchbenchbench" },
      body: BODY,
    };
    await autocannon({ ...opts, amount: 3000 });
    const c0 = await cpu();
    const r = await autocannon({ ...opts, amount: REQUESTS });
    const c1 = await cpu();
    if (r.non2xx || r.errors) throw new Error(`${variant}: ${r.non2xx} non-2xx, ${r.errors} errors`);
    return { usPerReq: ((c1 - c0) * 1000) / REQUESTS, rps: r["2xx"] / r.duration, p99: r.latency.p99 };
  } finally {
    child.kill();
  }
}

async function main() {
  const runs: Record<"router" | "bare", { usPerReq: number; rps: number; p99: number }[]> = { router: [], bare: [] };
  for (let i = 0; i < ROUNDS; i++) for (const v of ["bare", "router"] as const) runs[v].push(await measure(v));
  const med = (xs: number[]) => percentile([...xs].sort((a, b) => a - b), 50);
  const fig = (v: "router" | "bare") => ({ us: med(runs[v].map((r) => r.usPerReq)), rps: med(runs[v].map((r) => r.rps)) });
  const router = fig("router");
  const bare = fig("bare");
  printTable(`bench:router — ${REQUESTS.toLocaleString("en")} POSTs × ${ROUNDS} rounds, 20 connections, medians`, [
    ["bare node:http: CPU µs per request / requests/s", `${round(bare.us)} / ${round(bare.rps)}`],
    ["API router: CPU µs per request / requests/s", `${round(router.us)} / ${round(router.rps)}`],
    ["router CPU over the bare server (µs per request)", round(router.us - bare.us)],
    ["CPU ratio (bare ÷ router)", round(bare.us / router.us, 3)],
  ]);
  console.log(JSON.stringify({ bench: "router", router_us_per_req: round(router.us), bare_us_per_req: round(bare.us), router_rps: round(router.rps), bare_rps: round(bare.rps), cpu_ratio: round(bare.us / router.us, 3) }));
}

const variant = process.argv[2];
if (variant === "router" || variant === "bare") void serve(variant);
else
  main().then(
    () => process.exit(0),
    (e: unknown) => {
      console.error(e);
      process.exit(1);
    },
  );
