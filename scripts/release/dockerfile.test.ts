import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { DockerfileError, envOf, lastOf, parseDockerfile, parseDockerignore, runCommands } from "./dockerfile.mjs";
import { contextFiles, planStages, runtimeImports } from "./image-rehearsal.mjs";

const parse = (text: string) => parseDockerfile(`FROM node:20.20-bookworm-slim AS a\n${text}\n`);
const refuses = (text: string, message: RegExp) => {
  expect(() => parse(text)).toThrow(DockerfileError);
  expect(() => parse(text)).toThrow(message);
};

describe("parseDockerfile", () => {
  it("reads Baton's Dockerfile: four stages, the runtime's user, health check and command", () => {
    const stages = parseDockerfile(readFileSync(path.join(__dirname, "..", "..", "Dockerfile"), "utf8"));
    expect(stages.map((s) => s.name)).toEqual(["deps", "prod-deps", "build", "runtime"]);
    const runtime = stages[3]!;
    expect(lastOf(runtime, "USER")?.user).toBe("node");
    expect(lastOf(runtime, "HEALTHCHECK")?.argv).toEqual(["node", "scripts/release/healthcheck.mjs", "web"]);
    expect(lastOf(runtime, "HEALTHCHECK")?.flags).toMatchObject({ interval: "10s", retries: "3" });
    expect(lastOf(runtime, "CMD")?.argv).toEqual(["node", "--import", "tsx", "server.ts"]);
    expect(envOf(runtime)).toMatchObject({ NODE_ENV: "production", HOSTNAME: "0.0.0.0", PORT: "3000" });
  });

  it("joins continued lines and skips comments inside them, as Docker does", () => {
    const [a, b] = parse('ENV A=1 \\\n# a comment\n    B="two words" \\\n    C=3\nFROM node:20.20-bookworm-slim AS b\nCOPY --from=a --chown=node:node /x /y/');
    expect(a!.instructions[0]).toMatchObject({ op: "ENV", pairs: [["A", "1"], ["B", "two words"], ["C", "3"]], line: 2 });
    expect(b!.instructions[0]).toMatchObject({ op: "COPY", sources: ["/x"], dest: "/y/", flags: { from: "a", chown: "node:node" }, line: 7 });
  });

  it("refuses what the rehearsal cannot reproduce, naming the line", () => {
    refuses("ADD https://example.com/x /x", /line 2: ADD is not supported/);
    refuses("CMD node server.ts", /exec form/);
    refuses("ENV A 1", /KEY=value/);
    refuses("ENV A=$B", /variable references/);
    refuses("COPY lib/*.ts /app/", /wildcards/);
    refuses("COPY a b /app", /must end with \//);
    refuses("COPY --from=nowhere /x /y", /names no earlier stage/);
    refuses("COPY --link=true /x /y", /--link is not supported/);
    refuses("COPY --link /x /y", /--name=value/);
    refuses("RUN --network=none true", /--network is not supported/);
    refuses("RUN <<EOF\necho\nEOF", /here-documents|not supported/);
    refuses("WORKDIR app", /absolute path/);
    refuses("USER node:", /USER/);
    refuses("HEALTHCHECK --interval=often CMD [\"true\"]", /duration/);
    expect(() => parseDockerfile("WORKDIR /app\n")).toThrow(/before the first FROM/);
    expect(() => parseDockerfile("FROM node:20 AS a\nRUN true \\\n")).toThrow(/ends inside a continued instruction/);
  });
});

describe("runCommands", () => {
  it("splits commands joined by && and refuses the rest of the shell", () => {
    expect(runCommands("npm run db:generate && npm run build && rm -rf .next/cache", "x")).toEqual([
      ["npm", "run", "db:generate"],
      ["npm", "run", "build"],
      ["rm", "-rf", ".next/cache"],
    ]);
    for (const bad of ["a | b", "a; b", "a || b", "echo $HOME", "a > b", "echo 'x'"]) expect(() => runCommands(bad, "x")).toThrow(/only commands joined by &&/);
  });
});

describe("parseDockerignore", () => {
  it("matches a path and its parent folders, last rule wins, ! re-includes", () => {
    const ignored = parseDockerignore("# comment\nnode_modules\n/.next/\n.env.*\n!.env.example\n**/*.log\nlib/generated\n");
    expect(ignored("node_modules")).toBe(true);
    expect(ignored("node_modules/next/package.json")).toBe(true);
    expect(ignored(".next/server/app.js")).toBe(true);
    expect(ignored(".env.local")).toBe(true);
    expect(ignored(".env.example")).toBe(false);
    expect(ignored("var/log/x.log")).toBe(true);
    expect(ignored("lib/generated/db/rows.ts")).toBe(true);
    expect(ignored("lib/db/index.ts")).toBe(false);
    expect(ignored("app/node_modules.ts")).toBe(false);
    expect(() => parseDockerignore("[ab]\n")).toThrow(/character classes/);
  });
});

describe("runtimeImports", () => {
  it("lists what tsx loads: not type-only imports, not comments", () => {
    const code = [
      'import type { A } from "dev-only-types";',
      'import { type B, type C } from "also-types";',
      'import { type D, e } from "./kept";',
      'import f, {\n  g,\n  h,\n} from "@/lib/multi";',
      'import "./side-effect";',
      'export * from "./re-export";',
      "// import x from \"commented-out\";",
      "/* await import(\"block-comment\") */",
      'const lazy = await import("pg");',
      'const url = "http://example.com"; const r = require("./cjs");',
    ].join("\n");
    expect(runtimeImports(code).sort()).toEqual(["./cjs", "./kept", "./re-export", "./side-effect", "@/lib/multi", "pg"]);
  });
});

describe("planStages (the stages on paper)", () => {
  const root = path.join(__dirname, "..", "..");
  const pkg = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { scripts: Record<string, string> };
  const files = contextFiles(parseDockerignore(readFileSync(path.join(root, ".dockerignore"), "utf8")));
  const plan = (text: string) => planStages(parseDockerfile(text), files, pkg);
  const base = "FROM node:20.20-bookworm-slim AS build\nWORKDIR /app\nCOPY package.json package-lock.json ./\nRUN npm ci --ignore-scripts\nCOPY . .\n";

  it("follows Baton's Dockerfile to the runtime tree: sources, stage outputs and ENV", () => {
    const tree = planStages(parseDockerfile(readFileSync(path.join(root, "Dockerfile"), "utf8")), files, pkg);
    expect(tree.workdir).toBe("/app");
    for (const f of ["server.ts", "workers/index.ts", "app/api/route-tree.ts", "scripts/release/healthcheck.mjs", "prisma/schema.prisma"]) expect(tree.files.has(f), f).toBe(true);
    expect(tree.outputs.sort()).toEqual([".next", "lib/generated", "node_modules", "var"]);
    expect([...tree.files].some((f) => f.endsWith(".test.ts") || f.startsWith("tests/") || f.startsWith("e2e/"))).toBe(false);
    expect(tree.env.NODE_ENV).toBe("production");
  });

  it("refuses a COPY of what a stage did not produce, of an ignored or missing source, and unknown RUN commands", () => {
    expect(() => plan(`${base}RUN npm run build\nFROM node:20.20-bookworm-slim AS runtime\nCOPY --from=build /app/dist ./dist\n`)).toThrow(/stage build has no \/app\/dist/);
    expect(() => plan(`${base}FROM node:20.20-bookworm-slim AS runtime\nCOPY tests ./tests\n`)).toThrow(/leaves nothing of it/);
    expect(() => plan(`${base}FROM node:20.20-bookworm-slim AS runtime\nCOPY no-such-folder ./x\n`)).toThrow(/no such file or folder/);
    expect(() => plan(`${base}RUN npm run lint\n`)).toThrow(/does not know what npm run lint produces/);
    expect(() => plan(`${base}RUN npm run no-such-script\n`)).toThrow(/has no such script/);
    expect(() => plan(`${base}RUN curl -o x https://example.com\n`)).toThrow(/does not know how to run/);
    expect(() => plan("FROM node:20.20-bookworm-slim AS deps\nWORKDIR /app\nCOPY package.json package-lock.json ./\nRUN npm ci\n")).toThrow(/without --ignore-scripts/);
    expect(() => plan("FROM node:20.20-bookworm-slim AS deps\nWORKDIR /app\nRUN npm ci --ignore-scripts\n")).toThrow(/before package.json is copied in/);
  });
});
