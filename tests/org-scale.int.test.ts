// The directory and the org chart at 10,000 people (issue #20): every page is one index range
// with a LIMIT — asserted on the query plans PostgreSQL chooses, not on timings (which vary with
// the machine). A page of a manager's reports reads the ("supervisorId", "name", "id") index; a
// directory page reads ("name", "id"); neither scans the whole table or sorts it.
import { beforeAll, describe, expect, it } from "vitest";
import { query, sql, type Sql } from "@/lib/db";
import { orgChartSql } from "@/lib/people/org-chart";
import { userListSql } from "@/lib/people/repository";
import { userListQuerySchema } from "@/lib/people/schemas";
import { ownerDb, uid } from "./helpers";

const tag = uid();
const ceo = `scale-${tag}-ceo`;
const manager = `scale-${tag}-m7`;

beforeAll(async () => {
  // One chief, 100 managers, 9,899 people under them: 10,000 in one statement each.
  const owner = ownerDb();
  await owner.$executeRawUnsafe(`INSERT INTO "User" ("id", "email", "name", "passwordHash", "updatedAt") VALUES ('${ceo}', '${ceo}@scale.test', 'Chief ${tag}', '!', now())`);
  await owner.$executeRawUnsafe(`INSERT INTO "User" ("id", "email", "name", "passwordHash", "supervisorId", "updatedAt")
    SELECT 'scale-${tag}-m' || n, 'scale-${tag}-m' || n || '@scale.test', 'Manager ' || lpad(n::text, 3, '0') || ' ${tag}', '!', '${ceo}', now() FROM generate_series(1, 100) n`);
  await owner.$executeRawUnsafe(`INSERT INTO "User" ("id", "email", "name", "passwordHash", "supervisorId", "updatedAt")
    SELECT 'scale-${tag}-p' || n, 'scale-${tag}-p' || n || '@scale.test', 'Person ' || lpad(n::text, 5, '0') || ' ${tag}', '!', 'scale-${tag}-m' || (1 + n % 100), now() FROM generate_series(1, 9899) n`);
  await owner.$executeRawUnsafe(`ANALYZE "User"`);
}, 60_000);

interface PlanNode {
  "Node Type": string;
  "Parent Relationship"?: string;
  "Relation Name"?: string;
  "Index Name"?: string;
  Plans?: PlanNode[];
}

async function planOf(statement: Sql): Promise<PlanNode> {
  const [row] = await query<{ "QUERY PLAN": [{ Plan: PlanNode }] }>(sql`EXPLAIN (FORMAT JSON) ${statement}`);
  return row!["QUERY PLAN"][0].Plan;
}
const nodes = (p: PlanNode): PlanNode[] => [p, ...(p.Plans ?? []).flatMap(nodes)];
/** The page's own plan, without the per-row subqueries (a person's groups, their open load). */
const mainPath = (p: PlanNode): PlanNode[] => [p, ...(p.Plans ?? []).filter((c) => c["Parent Relationship"] !== "SubPlan" && c["Parent Relationship"] !== "InitPlan").flatMap(mainPath)];

describe("10,000 people", () => {
  it("a page of a manager's reports is one range of the (supervisorId, name, id) index, under a LIMIT", async () => {
    for (const after of [null, { name: `Person 05000 ${tag}`, id: "x" }]) {
      const plan = await planOf(orgChartSql({ manager, limit: 50 }, after));
      expect(plan["Node Type"]).toBe("Limit");
      const all = nodes(plan);
      expect(all.filter((n) => n["Relation Name"] === "User" && n["Node Type"] === "Seq Scan")).toEqual([]);
      expect(all.some((n) => n["Index Name"] === "User_supervisorId_name_id_idx")).toBe(true);
      expect(mainPath(plan).some((n) => n["Node Type"] === "Sort")).toBe(false);
    }
  });

  it("the top of the chart is one index range; a directory page reads the (name, id) index in order", async () => {
    // People with no manager: the IS NULL range of the same index (PostgreSQL may sort that range, never the table).
    const top = nodes(await planOf(orgChartSql({ limit: 50 }, null)));
    expect(top[0]!["Node Type"]).toBe("Limit");
    expect(top.filter((n) => n["Relation Name"] === "User" && n["Node Type"] === "Seq Scan")).toEqual([]);
    expect(top.some((n) => n["Index Name"] === "User_supervisorId_name_id_idx")).toBe(true);

    const page = await planOf(userListSql(userListQuerySchema.parse({ limit: 50 }), { name: `Person 09000 ${tag}`, id: "x" }));
    expect(page["Node Type"]).toBe("Limit");
    expect(nodes(page).filter((n) => n["Relation Name"] === "User" && n["Node Type"] === "Seq Scan")).toEqual([]);
    // The (name, id) order comes from the index, not from sorting.
    expect(mainPath(page).some((n) => n["Node Type"] === "Sort"), JSON.stringify(page)).toBe(false);
  });

  it("and the pages hold what they should: 99 reports in two pages of 50", async () => {
    const first = await query<{ id: string; reports: number }>(orgChartSql({ manager, limit: 50 }, null));
    expect(first).toHaveLength(51);
    const last = first[49] as unknown as { name: string; id: string };
    const second = await query<{ id: string }>(orgChartSql({ manager, limit: 50 }, { name: last.name, id: last.id }));
    expect(second).toHaveLength(49);
    const [chief] = await query<{ reports: number }>(orgChartSql({ q: `Chief ${tag}`, limit: 5 }, null));
    expect(chief!.reports).toBe(100);
  });
});
