#!/usr/bin/env node
// The container image without a Docker engine (ADR 050). Two depths:
//
//   node --import tsx scripts/release/image-rehearsal.mjs --static     (npm test, static suite; ~1 s)
//     Reads the Dockerfile, .dockerignore and deploy/compose.production.yml and checks what a build
//     and a `docker compose up` would trip on: every COPY source exists and survives .dockerignore,
//     every stage output another stage copies is produced, the runtime runs as a non-root user with
//     a HEALTHCHECK, every command's file is in the runtime stage and every module it imports
//     (server.ts, the worker, the API routes, the operator scripts) resolves inside the runtime
//     tree or to a production dependency; compose's commands, health checks, dependencies, ports,
//     load balancer and variables fit the image and lib/env.ts.
//
//   npm run release:image-check                                          (the release check; minutes)
//     Builds the stages for real in a temporary directory: the context as .dockerignore filters
//     it, `npm ci` as a copy of exactly the lockfile's packages (production ones only where the
//     Dockerfile says --omit=dev), the build stage's `npm run` commands run with the stage's ENV
//     and nothing else (no .env), the runtime stage assembled as its COPY lines say. Then, as an
//     unprivileged uid (setpriv) with only the image's and compose's environment: the migrate
//     command on a database of its own, the worker and the web command, the HEALTHCHECK command,
//     pages, the API, an instance run by the worker, the audit chain sealed and verified by the
//     image's own operator command, a graceful stop, and the health check failing once the web
//     process is gone.
//
// Environment: DATABASE_OWNER_URL / DATABASE_URL (the server to use; default postgres@127.0.0.1),
// REDIS_URL, BATON_IMAGE_KEEP=1 keeps the temporary tree and database.
import { spawn, spawnSync } from "node:child_process";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { builtinModules } from "node:module";
import { chmodSync, chownSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import YAML from "yaml";
import { DockerfileError, lastOf, parseDockerfile, parseDockerignore, runCommands } from "./dockerfile.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const COMPOSE_FILE = "deploy/compose.production.yml";
/** The official node image's unprivileged user. */
const USERS = { node: { uid: 1000, gid: 1000 }, root: { uid: 0, gid: 0 } };
/** What each `npm run <script>` of a build stage leaves behind (relative to the stage's WORKDIR). */
const SCRIPT_OUTPUTS = { build: [".next"], "db:generate": ["lib/generated"] };
/** Services of the compose file that run the image, and the one whose command is the image's CMD. */
const IMAGE_SERVICES = ["migrate", "web", "worker"];
/**
 * Variables Baton's processes read outside lib/env.ts's schema, each with a file that reads it
 * (checked, so the list cannot outlive the reader).
 */
const EXTRA_VARIABLES = {
  DATABASE_OWNER_URL: "scripts/lib/db-roles.mjs",
  HOSTNAME: "server.ts",
  AUTH_TRUST_HOST: "node_modules/@auth/core/lib/utils/env.js",
  NEXT_TELEMETRY_DISABLED: "node_modules/next/dist/telemetry/storage.js",
  NPM_CONFIG_UPDATE_NOTIFIER: null, // npm's own configuration (the migrate command runs npm)
};

const read = (rel) => readFileSync(path.join(root, rel), "utf8");
const fail = (msg) => {
  throw new DockerfileError(msg);
};

// --- the context ----------------------------------------------------------------------------------

/** Every file of the build context (relative paths), as .dockerignore leaves it. */
export function contextFiles(ignored) {
  const out = [];
  const walk = (rel) => {
    for (const e of readdirSync(path.join(root, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (ignored(r)) continue;
      if (e.isDirectory()) walk(r);
      else out.push(r);
    }
  };
  walk("");
  return out;
}

// --- the stages, on paper -------------------------------------------------------------------------

/**
 * Follows every stage on paper: which paths each holds (files from the context, whole folders a
 * RUN produced), failing on the first COPY of something that would not be there.
 * Returns the runtime stage's files and produced folders, relative to its WORKDIR.
 */
export function planStages(stages, files, pkg) {
  const state = new Map();
  const norm = (wd, p) => (p.startsWith("/") ? path.posix.normalize(p) : path.posix.join(wd, p));
  for (const stage of stages) {
    const s = { wd: "/", files: new Set(), outputs: new Set(), env: {} };
    state.set(stage.name, s);
    const has = (abs) => s.files.has(abs) || [...s.outputs].some((o) => abs === o || abs.startsWith(`${o}/`)) || [...s.files].some((f) => f.startsWith(`${abs}/`));
    for (const ins of stage.instructions) {
      const where = `Dockerfile line ${ins.line}`;
      if (ins.op === "WORKDIR") s.wd = ins.path;
      else if (ins.op === "ENV") Object.assign(s.env, Object.fromEntries(ins.pairs));
      else if (ins.op === "COPY") {
        const dest = norm(s.wd, ins.dest);
        for (const src of ins.sources) {
          if (ins.flags.from) {
            const from = state.get(ins.flags.from);
            const abs = norm("/", src);
            if (!src.startsWith("/")) fail(`${where}: COPY --from sources are absolute paths in that stage`);
            const inFrom = [...from.outputs].find((o) => abs === o || abs.startsWith(`${o}/`));
            const filesFrom = [...from.files].filter((f) => f === abs || f.startsWith(`${abs}/`));
            if (!inFrom && filesFrom.length === 0) fail(`${where}: COPY --from=${ins.flags.from} ${src}: stage ${ins.flags.from} has no ${abs}`);
            const target = ins.dest.endsWith("/") && filesFrom.length === 1 && filesFrom[0] === abs ? path.posix.join(dest, path.posix.basename(abs)) : dest;
            if (inFrom) s.outputs.add(target);
            for (const f of filesFrom) s.files.add(f === abs ? target : path.posix.join(target, f.slice(abs.length + 1)));
          } else {
            const rel = path.posix.normalize(src).replace(/^\.\/?/, "");
            const under = rel === "" ? files : files.filter((f) => f === rel || f.startsWith(`${rel}/`));
            if (!existsSync(path.join(root, rel || "."))) fail(`${where}: COPY ${src}: no such file or folder in the context`);
            if (under.length === 0) fail(`${where}: COPY ${src}: .dockerignore leaves nothing of it in the context`);
            const isFile = under.length === 1 && under[0] === rel;
            for (const f of under) {
              if (isFile) s.files.add(ins.dest.endsWith("/") ? path.posix.join(dest, path.posix.basename(f)) : dest);
              else s.files.add(path.posix.join(dest, rel === "" ? f : f.slice(rel.length + 1)));
            }
          }
        }
      } else if (ins.op === "RUN") {
        for (const argv of runCommands(ins.command, where)) {
          const [cmd, ...args] = argv;
          if (cmd === "npm" && args[0] === "ci") {
            for (const f of ["package.json", "package-lock.json"]) if (!s.files.has(norm(s.wd, f))) fail(`${where}: npm ci before ${f} is copied in`);
            const known = ["--omit=dev", "--ignore-scripts", "--no-audit", "--no-fund"];
            for (const a of args.slice(1)) if (!known.includes(a)) fail(`${where}: npm ci ${a} is not supported by the rehearsal`);
            if (!args.includes("--ignore-scripts")) fail(`${where}: npm ci without --ignore-scripts: the rehearsal (and the image) do not run install scripts`);
            s.outputs.add(norm(s.wd, "node_modules"));
          } else if (cmd === "npm" && args[0] === "run" && args.length === 2) {
            if (!pkg.scripts?.[args[1]]) fail(`${where}: npm run ${args[1]}: package.json has no such script`);
            const outs = SCRIPT_OUTPUTS[args[1]];
            if (!outs) fail(`${where}: the rehearsal does not know what npm run ${args[1]} produces (SCRIPT_OUTPUTS in image-rehearsal.mjs)`);
            if (!has(norm(s.wd, "node_modules"))) fail(`${where}: npm run ${args[1]} without node_modules in the stage`);
            for (const o of outs) s.outputs.add(norm(s.wd, o));
          } else if (cmd === "rm" && args[0] === "-rf" && args.length >= 2) {
            for (const p of args.slice(1)) {
              const abs = norm(s.wd, p);
              if (![...s.outputs].some((o) => abs.startsWith(`${o}/`))) fail(`${where}: rm -rf ${p}: the rehearsal removes only inside a produced folder`);
            }
          } else if (cmd === "mkdir" && args[0] === "-p" && args.length >= 2) {
            for (const p of args.slice(1)) s.outputs.add(norm(s.wd, p));
          } else if (cmd === "chown" && args.length >= 2 && !args[0].startsWith("-")) {
            const [user] = args[0].split(":");
            if (!USERS[user]) fail(`${where}: chown ${args[0]}: the rehearsal knows the users ${Object.keys(USERS).join(", ")}`);
            for (const p of args.slice(1)) if (!has(norm(s.wd, p))) fail(`${where}: chown ${p}: not in the stage`);
          } else fail(`${where}: the rehearsal does not know how to run "${argv.join(" ")}"`);
        }
      }
    }
  }
  const runtime = stages.at(-1);
  const s = state.get(runtime.name);
  const rel = (abs) => (abs.startsWith(`${s.wd}/`) ? abs.slice(s.wd.length + 1) : null);
  return {
    workdir: s.wd,
    files: new Set([...s.files].map(rel).filter(Boolean)),
    outputs: [...s.outputs].map(rel).filter(Boolean),
    env: s.env,
  };
}

// --- imports ------------------------------------------------------------------------------------------

const SOURCE = /\.(ts|tsx|mts|mjs|js|cjs)$/;

/** Module specifiers a file loads at run time (type-only imports are erased by tsx). */
export function runtimeImports(text) {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:"'`\\])\/\/.*$/gm, "$1");
  const out = [];
  for (const m of code.matchAll(/(?:^|[;\n}])\s*(import|export)\s+(?!type\s)([^;'"]*?)\s*from\s*["']([^"']+)["']/g)) {
    const clause = m[2].trim();
    const braces = /^\{([\s\S]*)\}$/.exec(clause);
    if (braces && braces[1].split(",").map((x) => x.trim()).filter(Boolean).every((x) => x.startsWith("type "))) continue;
    out.push(m[3]);
  }
  for (const m of code.matchAll(/(?:^|[;\n])\s*import\s*["']([^"']+)["']/g)) out.push(m[1]);
  for (const m of code.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g)) out.push(m[1]);
  for (const m of code.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)) out.push(m[1]);
  return out;
}

const packageOf = (spec) => (spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0]);
const BUILTIN = new Set(builtinModules);

/**
 * From the entry files, every module the runtime loads: local files must be in the runtime tree,
 * packages must be production dependencies. Returns the problems.
 */
function checkImportClosure(entries, tree, pkg) {
  const problems = [];
  const prod = new Set(Object.keys(pkg.dependencies ?? {}));
  const dev = new Set(Object.keys(pkg.devDependencies ?? {}));
  const inTree = (rel) => tree.files.has(rel) || tree.outputs.some((o) => rel === o || rel.startsWith(`${o}/`));
  const produced = (rel) => tree.outputs.some((o) => rel === o || rel.startsWith(`${o}/`));
  const resolve = (from, spec) => {
    const base = spec.startsWith("@/") ? spec.slice(2) : path.posix.join(path.posix.dirname(from), spec);
    const stem = base.replace(/\.(js|mjs)$/, "");
    const candidates = [base, `${base}.ts`, `${base}.tsx`, `${base}.mts`, `${base}.js`, `${base}.mjs`, `${stem}.ts`, `${stem}.mts`, `${base}/index.ts`, `${base}/index.tsx`, `${base}/index.js`];
    return candidates.find((c) => inTree(c) && (produced(c) || existsSync(path.join(root, c)))) ?? candidates.find((c) => existsSync(path.join(root, c)) && statSync(path.join(root, c)).isFile()) ?? base;
  };
  const seen = new Set();
  const queue = [...entries];
  while (queue.length) {
    const file = queue.shift();
    if (seen.has(file)) continue;
    seen.add(file);
    if (produced(file)) continue; // generated at build time: its imports are the generator's
    if (!existsSync(path.join(root, file))) continue;
    for (const spec of runtimeImports(read(file))) {
      if (spec.startsWith(".") || spec.startsWith("@/")) {
        const target = resolve(file, spec);
        if (!inTree(target)) problems.push(`${file} imports ${spec} (${target}), which the runtime stage does not copy`);
        else if (SOURCE.test(target) && !produced(target)) queue.push(target);
      } else if (!spec.startsWith("node:") && !BUILTIN.has(spec) && !BUILTIN.has(spec.split("/")[0])) {
        const name = packageOf(spec);
        if (dev.has(name)) problems.push(`${file} imports ${spec}: ${name} is a devDependency, absent from the runtime image`);
        else if (!prod.has(name)) problems.push(`${file} imports ${spec}: ${name} is not a dependency in package.json`);
      }
    }
  }
  return { problems, files: seen.size };
}

// --- commands -------------------------------------------------------------------------------------------

/**
 * What a command needs: its files (in the runtime tree) and the packages it runs (production
 * dependencies). Knows `node [--import pkg] file`, `npm run script` (each `node file` of the
 * script) and the binaries a script spawns from node_modules/.bin.
 */
function commandNeeds(argv, pkg, where) {
  const files = [];
  const packages = [];
  if (argv[0] === "node") {
    let i = 1;
    while (argv[i]?.startsWith("-")) {
      if (argv[i] === "--import") packages.push(packageOf(argv[++i] ?? fail(`${where}: --import without a module`)));
      i++;
    }
    if (!argv[i]) fail(`${where}: node without a file to run`);
    files.push(argv[i]);
  } else if (argv[0] === "npm" && argv[1] === "run" && argv.length === 3) {
    const script = pkg.scripts?.[argv[2]] ?? fail(`${where}: npm run ${argv[2]}: package.json has no such script`);
    for (const part of script.split("&&").map((p) => p.trim().split(/\s+/))) {
      if (part[0] !== "node") fail(`${where}: npm run ${argv[2]} runs "${part.join(" ")}": the image's commands run node files only`);
      const sub = commandNeeds(part, pkg, where);
      files.push(...sub.files);
      packages.push(...sub.packages);
    }
  } else fail(`${where}: the rehearsal knows commands "node …" and "npm run …", not "${argv.join(" ")}"`);
  for (const f of [...files]) {
    if (!existsSync(path.join(root, f))) continue;
    for (const m of read(f).matchAll(/"node_modules",\s*"\.bin",\s*"([\w.-]+)"/g)) packages.push(m[1]);
  }
  return { files, packages };
}

// --- environment ----------------------------------------------------------------------------------------

/** The variables lib/env.ts's schema accepts, read from its source. */
function schemaVariables() {
  const text = read("lib/env.ts");
  const start = text.indexOf("const envSchema = z.object({");
  const end = text.indexOf("\n})", start);
  if (start < 0 || end < 0) fail("lib/env.ts: cannot find `const envSchema = z.object({ … })`");
  return new Set([...text.slice(start, end).matchAll(/^ {2}([A-Z][A-Z0-9_]*):/gm)].map((m) => m[1]));
}

function acceptedVariables() {
  const names = schemaVariables();
  for (const [name, reader] of Object.entries(EXTRA_VARIABLES)) {
    if (reader && !(existsSync(path.join(root, reader)) && read(reader).includes(name))) fail(`${name}: ${reader} no longer reads it (EXTRA_VARIABLES in image-rehearsal.mjs)`);
    names.add(name);
  }
  return names;
}

function readEnvFile(rel) {
  const out = {};
  for (const line of read(rel).split(/\r?\n/)) {
    if (!line.trim() || line.trim().startsWith("#")) continue;
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!m) fail(`${rel}: cannot read "${line}"`);
    out[m[1]] = m[2];
  }
  return out;
}

/** Compose's ${VAR}, ${VAR:-default} and ${VAR:?message}, from `vars`. */
function interpolate(value, vars, where) {
  return String(value).replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:-|:\?)([^}]*))?\}/g, (_, name, op, arg) => {
    const v = vars[name];
    if (v !== undefined && v !== "") return v;
    if (op === ":?") fail(`${where}: ${name} is required (${arg})`);
    return op === ":-" ? arg : "";
  });
}

/** Secrets as an operator generates them (the example files leave them empty on purpose). */
function generatedSecrets() {
  const { privateKey } = generateKeyPairSync("ed25519");
  return {
    AUTH_SECRET: randomBytes(32).toString("base64"),
    BATON_SECRETS_KEY: randomBytes(32).toString("base64"),
    AUDIT_SIGNING_KEY: privateKey.export({ format: "der", type: "pkcs8" }).toString("base64"),
    POSTGRES_PASSWORD: randomBytes(12).toString("hex"),
    BATON_DB_APP_PASSWORD: randomBytes(12).toString("hex"),
  };
}

// --- the static checks --------------------------------------------------------------------------------

function loadAll() {
  const stages = parseDockerfile(read("Dockerfile"));
  const ignored = parseDockerignore(read(".dockerignore"));
  const pkg = JSON.parse(read("package.json"));
  const compose = YAML.parse(read(COMPOSE_FILE), { merge: true });
  return { stages, ignored, pkg, compose };
}

/** [name, () => void] checks; each throws with what is wrong. */
function staticChecks(ctx) {
  const { stages, ignored, pkg, compose } = ctx;
  const runtime = stages.at(-1);
  let tree;
  const checks = [];
  const check = (name, fn) => checks.push([name, fn]);

  check("stages deps, prod-deps, build and runtime (last) on one node image", () => {
    const names = stages.map((s) => s.name);
    for (const n of ["deps", "prod-deps", "build", "runtime"]) if (!names.includes(n)) fail(`no stage named ${n} (stages: ${names.join(", ")})`);
    if (runtime.name !== "runtime") fail("the last stage must be runtime (it is what `docker build` tags)");
    const bases = new Set(stages.map((s) => s.base));
    if (bases.size !== 1) fail(`every stage should start from the same image, not ${[...bases].join(", ")}`);
    const m = /^node:(\d+)\.(\d+)(?:\.\d+)?-[a-z]+(-slim)?$/.exec(stages[0].base);
    if (!m) fail(`${stages[0].base}: expected an official node image pinned to a minor version (node:20.20-bookworm-slim)`);
    const min = /^>=(\d+)\.(\d+)/.exec(pkg.engines?.node ?? "");
    if (min && (Number(m[1]) < Number(min[1]) || (Number(m[1]) === Number(min[1]) && Number(m[2]) < Number(min[2])))) fail(`${stages[0].base} is older than package.json's engines.node ${pkg.engines.node}`);
  });
  check(".dockerignore keeps secrets, installs and builds out of the context", () => {
    for (const p of [".git", "node_modules", ".next", "lib/generated", ".env", ".env.local", "deploy/.env", "deploy/baton.env", "test-results"]) if (!ignored(p)) fail(`.dockerignore lets ${p} into the build context`);
    for (const p of ["package.json", "package-lock.json", "prisma/schema.prisma", ".env.example"]) if (ignored(p)) fail(`.dockerignore leaves out ${p}, which the build needs`);
  });
  const files = contextFiles(ignored);
  check("every COPY source and stage output exists; RUN commands are known", () => {
    tree = planStages(stages, files, pkg);
  });
  check("runtime: non-root USER, HEALTHCHECK, exec-form CMD", () => {
    const user = lastOf(runtime, "USER") ?? fail("the runtime stage has no USER: it would run as root");
    const [name] = user.user.split(":");
    if (name === "root" || name === "0") fail("the runtime stage runs as root");
    if (!USERS[name] && !/^\d+$/.test(name)) fail(`USER ${name}: the official node image has the user node (uid 1000); others would need creating`);
    const hc = lastOf(runtime, "HEALTHCHECK") ?? fail("the runtime stage has no HEALTHCHECK");
    if (hc.none) fail("HEALTHCHECK NONE in the runtime stage");
    if (!lastOf(runtime, "CMD")) fail("the runtime stage has no CMD");
    const expose = runtime.instructions.filter((i) => i.op === "EXPOSE").flatMap((i) => i.ports);
    if (!expose.includes(Number(tree.env.PORT))) fail(`EXPOSE ${expose.join(" ")} does not include the image's PORT ${tree.env.PORT}`);
    if (tree.env.HOSTNAME !== "0.0.0.0") fail("ENV HOSTNAME=0.0.0.0 is needed: Docker sets HOSTNAME to the container's name, and server.ts would listen on that address only");
  });
  const commands = () => {
    const out = [["Dockerfile CMD", lastOf(runtime, "CMD").argv], ["Dockerfile HEALTHCHECK", lastOf(runtime, "HEALTHCHECK").argv]];
    for (const name of IMAGE_SERVICES) {
      const svc = compose.services?.[name];
      if (svc?.command) out.push([`${COMPOSE_FILE} ${name}.command`, svc.command]);
      const test = svc?.healthcheck?.test;
      if (Array.isArray(test)) out.push([`${COMPOSE_FILE} ${name}.healthcheck`, test.slice(1)]);
    }
    return out;
  };
  check("every command's files are in the runtime stage and its packages are production dependencies", () => {
    for (const [where, argv] of commands()) {
      const { files: need, packages } = commandNeeds(argv, pkg, where);
      for (const f of need) if (!tree.files.has(f)) fail(`${where}: ${f} is not in the runtime stage`);
      for (const p of packages) if (!pkg.dependencies?.[p]) fail(`${where} runs ${p}, which is ${pkg.devDependencies?.[p] ? "a devDependency (absent from the image)" : "not a dependency"}`);
    }
  });
  check("every module the runtime loads is in the runtime stage or a production dependency", () => {
    const entries = new Set(["server.ts", "workers/index.ts", "prisma.config.ts"]);
    for (const [where, argv] of commands()) for (const f of commandNeeds(argv, pkg, where).files) entries.add(f);
    for (const f of tree.files) {
      if (/^scripts\/[^/]+\.(ts|mjs)$/.test(f)) entries.add(f); // the operator commands the image carries
      if (/^app\/api\/v1\/.*route\.ts$/.test(f)) entries.add(f); // server.ts imports every route at boot
    }
    if (![...tree.files].some((f) => f.startsWith("app/api/v1/"))) fail("the runtime stage has no app/api/v1 routes (server.ts loads them at boot)");
    const { problems, files: followed } = checkImportClosure([...entries], tree, pkg);
    if (problems.length) fail(problems.slice(0, 15).join("\n") + (problems.length > 15 ? `\n… ${problems.length - 15} more` : ""));
    return `${entries.size} entry points, ${followed} modules followed`;
  });
  check("compose: the image's services, their commands, health checks and order", () => {
    const svc = compose.services ?? fail("no services");
    for (const n of ["postgres", "redis", ...IMAGE_SERVICES, "lb"]) if (!svc[n]) fail(`no service ${n}`);
    const images = new Set(IMAGE_SERVICES.map((n) => svc[n].image));
    if (images.size !== 1) fail(`migrate, web and worker must run one image, not ${[...images].join(", ")}`);
    for (const n of IMAGE_SERVICES) {
      const b = svc[n].build ?? fail(`${n} has no build`);
      if (path.resolve(root, "deploy", b.context) !== root || (b.dockerfile ?? "Dockerfile") !== "Dockerfile") fail(`${n}.build must be the repository's Dockerfile (context ..)`);
    }
    if (svc.web.command) fail("web runs the image's CMD (no command of its own), so both stay one");
    const dep = (n, on, cond) => {
      if (svc[n].depends_on?.[on]?.condition !== cond) fail(`${n} must depend on ${on} with condition ${cond}`);
    };
    for (const n of ["web", "worker"]) {
      dep(n, "migrate", "service_completed_successfully");
      dep(n, "postgres", "service_healthy");
      dep(n, "redis", "service_healthy");
    }
    dep("migrate", "postgres", "service_healthy");
    dep("lb", "web", "service_healthy");
    if (svc.migrate.restart !== "no") fail("migrate is one-shot: restart: \"no\"");
    if (!svc.migrate.healthcheck?.disable) fail("migrate exits when done: its inherited HEALTHCHECK must be disabled");
    if (svc.web.healthcheck) fail("web keeps the image's HEALTHCHECK");
    if (!Array.isArray(svc.worker.healthcheck?.test) || svc.worker.healthcheck.test[0] !== "CMD") fail("worker needs a health check of its own (the image's is the web's)");
    for (const n of ["postgres", "redis"]) if (!svc[n].healthcheck?.test) fail(`${n} needs a health check (others wait for service_healthy)`);
    if (!/^\$\{BATON_WEB_REPLICAS:-\d+\}$/.test(String(svc.web.deploy?.replicas)) || !/^\$\{BATON_WORKER_REPLICAS:-\d+\}$/.test(String(svc.worker.deploy?.replicas))) fail("web and worker replicas come from BATON_WEB_REPLICAS / BATON_WORKER_REPLICAS");
    if (!String(svc.redis.command ?? "").includes("noeviction")) fail("redis: BullMQ needs --maxmemory-policy noeviction");
  });
  check("compose: the load balancer reaches every web replica on the image's port, skips a dead one, streams events", () => {
    const svc = compose.services;
    const caddy = read("deploy/Caddyfile");
    const port = tree.env.PORT;
    if (!(svc.web.expose ?? []).map(String).includes(port)) fail(`web must expose ${port}`);
    const dyn = /dynamic a \{\s*name (\S+)\s*port (\d+)/.exec(caddy) ?? fail("deploy/Caddyfile: no `dynamic a { name … port … }` upstream");
    if (dyn[1] !== "web" || dyn[2] !== port) fail(`deploy/Caddyfile sends to ${dyn[1]}:${dyn[2]}, not web:${port}`);
    if (!/lb_try_duration \d+s/.test(caddy) || !/fail_duration \d+s/.test(caddy)) fail("deploy/Caddyfile: lb_try_duration and fail_duration, so a killed replica's requests go to another");
    if (!/flush_interval -1/.test(caddy)) fail("deploy/Caddyfile: flush_interval -1 (live updates are server-sent events)");
    const ip = svc.lb.networks?.baton?.ipv4_address ?? fail("lb needs a fixed address (TRUSTED_PROXIES names it)");
    const trusted = interpolate(svc.web.environment?.TRUSTED_PROXIES ?? "", {}, "web");
    if (trusted !== ip) fail(`web's TRUSTED_PROXIES ${trusted} is not the load balancer's address ${ip}`);
    const subnet = compose.networks?.baton?.ipam?.config?.[0]?.subnet ?? "";
    if (!ip.startsWith(subnet.split(".").slice(0, 3).join("."))) fail(`lb's address ${ip} is outside the network ${subnet}`);
    if (!(svc.lb.volumes ?? []).some((v) => String(v).startsWith("./Caddyfile:"))) fail("lb must mount ./Caddyfile");
  });
  check("variables: the image's, compose's and baton.env's are ones Baton reads; the examples are complete", () => {
    const accepted = acceptedVariables();
    const text = read(COMPOSE_FILE);
    const composeVars = new Set([...text.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]));
    const required = new Set([...text.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*):\?/g)].map((m) => m[1]));
    const composeExample = readEnvFile("deploy/.env.example");
    for (const k of Object.keys(composeExample)) if (!composeVars.has(k)) fail(`deploy/.env.example: ${k} is not used by ${COMPOSE_FILE}`);
    for (const k of composeVars) if (!(k in composeExample)) fail(`${COMPOSE_FILE} uses \${${k}}, which deploy/.env.example does not list`);
    const envFiles = new Set(IMAGE_SERVICES.flatMap((n) => compose.services[n].env_file ?? []));
    if (envFiles.size !== 1 || ![...envFiles][0].endsWith("baton.env")) fail("migrate, web and worker read one env_file, baton.env");
    const batonExample = readEnvFile("deploy/baton.env.example");
    const problems = [];
    for (const k of Object.keys(tree.env)) if (!accepted.has(k)) problems.push(`Dockerfile ENV ${k}`);
    for (const k of Object.keys(batonExample)) if (!accepted.has(k)) problems.push(`deploy/baton.env.example ${k}`);
    for (const n of IMAGE_SERVICES) for (const k of Object.keys(compose.services[n].environment ?? {})) if (!accepted.has(k)) problems.push(`${n}.environment ${k}`);
    if (problems.length) fail(`not read by Baton (lib/env.ts): ${problems.join(", ")}`);
    for (const k of required) if (k in batonExample) fail(`${k} belongs in deploy/.env (compose's), not baton.env`);
    ctx.environment = (service, secrets) => {
      const vars = { ...composeExample, ...secrets };
      const env = { ...tree.env, ...batonExample };
      for (const k of ["AUTH_SECRET", "BATON_SECRETS_KEY", "AUDIT_SIGNING_KEY"]) if (secrets[k]) env[k] = secrets[k];
      for (const [k, v] of Object.entries(compose.services[service].environment ?? {})) env[k] = interpolate(v, vars, `${service}.environment.${k}`);
      return env;
    };
  });
  check("values: the web, worker and migrate environments pass lib/env.ts in production once the secrets are filled in, and not before", async () => {
    if (!ctx.environment) fail("not checked: the variables check above failed");
    const { parseEnv } = await import("../../lib/env.ts");
    const secrets = generatedSecrets();
    for (const n of IMAGE_SERVICES) {
      try {
        parseEnv(ctx.environment(n, secrets));
      } catch (e) {
        fail(`${n}: ${e.message}`);
      }
    }
    let refused = null;
    try {
      parseEnv(ctx.environment("web", { POSTGRES_PASSWORD: "x", BATON_DB_APP_PASSWORD: "x" }));
    } catch (e) {
      refused = e.message;
    }
    if (!refused?.includes("AUTH_SECRET")) fail("deploy/baton.env.example as shipped should not boot in production (its secrets are to be generated)");
  });
  return checks;
}

async function runStatic(ctx) {
  const checks = staticChecks(ctx);
  let failed = 0;
  for (const [name, fn] of checks) {
    try {
      const note = await fn();
      console.log(`  ✓ ${name}${note ? ` (${note})` : ""}`);
    } catch (e) {
      failed++;
      console.log(`  ✗ ${name}\n      ${String(e.message).split("\n").join("\n      ")}`);
      if (!(e instanceof DockerfileError)) console.log(e.stack);
    }
  }
  return { passed: checks.length - failed, failed };
}

// --- the rehearsal ------------------------------------------------------------------------------------

function sh(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: "utf8", maxBuffer: 256 * 1024 * 1024, ...opts });
  if (r.status !== 0) fail(`${cmd} ${args.join(" ")} exited ${r.status ?? r.signal}:\n${(r.stdout ?? "").slice(-3000)}\n${(r.stderr ?? "").slice(-3000)}`);
  return r.stdout;
}

/** node_modules as `npm ci` would leave it from package-lock.json: hard links of the installed packages. */
function installFromLockfile(dir, { omitDev }) {
  const lock = JSON.parse(read("package-lock.json"));
  if (readFileSync(path.join(dir, "package-lock.json"), "utf8") !== read("package-lock.json")) fail("npm ci: the stage's package-lock.json differs from the repository's");
  const installed = path.join(root, "node_modules", ".package-lock.json");
  if (!existsSync(installed) || statSync(installed).mtimeMs < statSync(path.join(root, "package-lock.json")).mtimeMs) fail("node_modules is older than package-lock.json: run npm ci first");
  const nm = path.join(dir, "node_modules");
  mkdirSync(path.join(nm, ".bin"), { recursive: true });
  // Top-level packages grouped by the folder they go to (node_modules or node_modules/@scope):
  // one `cp -al` per folder. Their own nested node_modules come along.
  const byFolder = new Map();
  const bins = new Set();
  let count = 0;
  for (const [key, meta] of Object.entries(lock.packages)) {
    if (!key.startsWith("node_modules/") || key.slice("node_modules/".length).includes("/node_modules/")) continue;
    if (omitDev && meta.dev) continue;
    const name = key.slice("node_modules/".length);
    const from = path.join(root, key);
    if (!existsSync(from)) {
      if (meta.optional || meta.devOptional) continue; // another platform's binary
      fail(`npm ci: ${name} is in package-lock.json but not installed in node_modules`);
    }
    const version = JSON.parse(readFileSync(path.join(from, "package.json"), "utf8")).version;
    if (meta.version && version !== meta.version) fail(`npm ci: node_modules has ${name}@${version}, package-lock.json ${meta.version}: run npm ci first`);
    const folder = path.dirname(path.join(nm, name));
    byFolder.set(folder, [...(byFolder.get(folder) ?? []), from]);
    for (const [bin, target] of Object.entries(meta.bin ?? {})) {
      // Two packages may name the same bin (playwright and @playwright/test): the first keeps it.
      const link = path.join(nm, ".bin", bin);
      if (!bins.has(link)) symlinkSync(path.join("..", name, target), link);
      bins.add(link);
    }
    count++;
  }
  for (const [folder, sources] of byFolder) {
    mkdirSync(folder, { recursive: true });
    sh("cp", ["-al", ...sources, `${folder}/`]);
  }
  return count;
}

/**
 * Builds every stage as its instructions say, each in turn at `work/fs` (its "/"), so every stage
 * sees the same absolute paths as in Docker (Next.js's build output records its directory); a
 * finished stage moves to `work/stage-<name>` for later COPY --from. Returns the runtime's root.
 */
function buildStages(ctx, work, log) {
  const { stages, ignored } = ctx;
  const files = contextFiles(ignored);
  const roots = new Map();
  const rootDir = path.join(work, "fs");
  for (const [n, stage] of stages.entries()) {
    mkdirSync(rootDir, { recursive: true });
    let wd = "/";
    const env = {};
    const at = (p) => path.join(rootDir, p.startsWith("/") ? p : path.posix.join(wd, p));
    for (const ins of stage.instructions) {
      const where = `Dockerfile line ${ins.line}`;
      if (ins.op === "WORKDIR") {
        wd = ins.path;
        mkdirSync(at(wd), { recursive: true });
      } else if (ins.op === "ENV") Object.assign(env, Object.fromEntries(ins.pairs));
      else if (ins.op === "COPY") {
        const owner = ins.flags.chown ? USERS[ins.flags.chown.split(":")[0]] : null;
        for (const src of ins.sources) {
          const from = ins.flags.from ? path.join(roots.get(ins.flags.from), src) : path.join(root, src);
          const dirSource = statSync(from).isDirectory();
          const dest = !dirSource && ins.dest.endsWith("/") ? path.join(at(ins.dest), path.basename(src)) : at(ins.dest);
          mkdirSync(dirSource ? dest : path.dirname(dest), { recursive: true });
          if (!ins.flags.from) {
            // The context: only what .dockerignore leaves.
            const rel = path.posix.normalize(src).replace(/^\.\/?/, "");
            for (const f of rel === "" ? files : files.filter((x) => x === rel || x.startsWith(`${rel}/`))) {
              const target = dirSource ? path.join(dest, rel === "" ? f : f.slice(rel.length + 1)) : dest;
              mkdirSync(path.dirname(target), { recursive: true });
              cpSync(path.join(root, f), target, { preserveTimestamps: true });
            }
          } else if (!owner && path.basename(from) === "node_modules") sh("cp", ["-al", `${from}/.`, dest]);
          else sh("cp", ["-a", dirSource ? `${from}/.` : from, dest]);
          if (owner) sh("chown", ["-R", `${owner.uid}:${owner.gid}`, dest]);
        }
      } else if (ins.op === "RUN") {
        for (const argv of runCommands(ins.command, where)) {
          const [cmd, ...args] = argv;
          const t0 = Date.now();
          if (cmd === "npm" && args[0] === "ci") {
            const n = installFromLockfile(at(wd), { omitDev: args.includes("--omit=dev") });
            log(`${stage.name}: npm ci${args.includes("--omit=dev") ? " --omit=dev" : ""} → ${n} packages from package-lock.json`, t0);
          } else if (cmd === "npm" && args[0] === "run") {
            // As in a build: the stage's ENV, a PATH and a HOME, and nothing from this machine's .env.
            const home = path.join(work, `home-${stage.name}`);
            mkdirSync(home, { recursive: true });
            sh("npm", ["run", args[1]], { cwd: at(wd), env: { PATH: process.env.PATH, HOME: home, ...env } });
            log(`${stage.name}: npm run ${args[1]}`, t0);
          } else if (cmd === "rm") for (const p of args.slice(1)) rmSync(at(p), { recursive: true, force: true });
          else if (cmd === "mkdir") for (const p of args.slice(1)) mkdirSync(at(p), { recursive: true });
          else if (cmd === "chown") {
            const u = USERS[args[0].split(":")[0]];
            for (const p of args.slice(1)) chownSync(at(p), u.uid, u.gid);
          } else fail(`${where}: cannot run ${argv.join(" ")}`);
        }
      }
    }
    if (n < stages.length - 1) {
      roots.set(stage.name, path.join(work, `stage-${stage.name}`));
      renameSync(rootDir, roots.get(stage.name));
    }
  }
  return rootDir;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function rehearse(ctx) {
  const started = Date.now();
  const steps = [];
  const log = (what, t0) => {
    steps.push(what);
    console.log(`  ✓ ${what}${t0 ? ` (${((Date.now() - t0) / 1000).toFixed(1)} s)` : ""}`);
  };
  const runtimeStage = ctx.stages.at(-1);
  const user = USERS[lastOf(runtimeStage, "USER").user.split(":")[0]] ?? { uid: Number(lastOf(runtimeStage, "USER").user), gid: Number(lastOf(runtimeStage, "USER").user) };
  const asRoot = process.getuid?.() === 0;
  if (!asRoot) console.log("  (not root: the commands run as this user, not as the image's uid)");
  const imageNode = /^node:(\d+)\./.exec(runtimeStage.base)[1];
  if (process.versions.node.split(".")[0] !== imageNode) fail(`this machine runs Node ${process.versions.node}; the image runs ${runtimeStage.base}: rehearse with the same major version`);

  // The servers to use, from the environment or this checkout's .env (nothing else of it reaches the image's commands).
  const nextEnv = await import("@next/env");
  const loadEnvConfig = nextEnv.loadEnvConfig ?? nextEnv.default.loadEnvConfig;
  loadEnvConfig(root, false, { info: () => {}, error: console.error });
  const work = mkdtempSync(path.join(os.tmpdir(), "baton-image-"));
  chmodSync(work, 0o755);
  const children = [];
  const pgMod = (await import("pg")).default;
  const { Redis } = await import("ioredis");
  const ownerBase = new URL(process.env.DATABASE_OWNER_URL || process.env.DATABASE_URL || "postgresql://postgres@127.0.0.1:5432/postgres");
  const dbName = `baton_image_check_${process.pid}`;
  const ownerUrl = new URL(ownerBase);
  ownerUrl.pathname = `/${dbName}`;
  const appUrl = new URL(ownerUrl);
  appUrl.username = "baton_image_app";
  appUrl.password = "baton_image_app";
  const adminUrl = new URL(ownerBase);
  adminUrl.pathname = "/postgres";
  const onDb = async (url, fn) => {
    const c = new pgMod.Client({ connectionString: url.toString() });
    await c.connect();
    try {
      return await fn(c);
    } finally {
      await c.end();
    }
  };
  const redisUrl = process.env.REDIS_URL || "redis://127.0.0.1:6379";
  const prefix = dbName;
  let dbCreated = false;
  try {
    // 1. The stages.
    let t0 = Date.now();
    const runtimeRoot = buildStages(ctx, work, log);
    const app = path.join(runtimeRoot, ctx.tree.workdir);
    log(`every stage built; the runtime stage assembled from its COPY lines (${sh("du", ["-sh", "--apparent-size", app]).split("\t")[0]}; time since the first stage)`, t0);
    for (const p of ["server.ts", "workers/index.ts", ".next/BUILD_ID", "lib/generated", "node_modules/.bin/tsx", "node_modules/.bin/prisma"]) if (!existsSync(path.join(app, p))) fail(`the runtime tree has no ${p}`);
    for (const dev of Object.keys(ctx.pkg.devDependencies ?? {})) {
      if (ctx.pkg.dependencies?.[dev]) continue;
      // Present only as a production package's dependency is fine; the devDependency itself must not be.
      const lock = JSON.parse(read("package-lock.json")).packages[`node_modules/${dev}`];
      if (lock?.dev && existsSync(path.join(app, "node_modules", dev))) fail(`the runtime tree holds the devDependency ${dev}`);
    }
    const home = path.join(work, "home-node");
    mkdirSync(home, { recursive: true });
    if (asRoot) chownSync(home, user.uid, user.gid);
    for (let d = runtimeRoot; d.startsWith(work); d = path.dirname(d)) chmodSync(d, 0o755);

    // 2. A database and a Redis prefix of its own.
    await onDb(adminUrl, async (c) => {
      await c.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
      await c.query(`CREATE DATABASE "${dbName}"`);
    });
    dbCreated = true;
    const secrets = generatedSecrets();
    const [webPort, healthPort] = [await freePort(), await freePort()];
    // Paths the image's variables name (/app/var/…) are the runtime tree's here.
    const inTree = (env) => Object.fromEntries(Object.entries(env).map(([k, v]) => [k, typeof v === "string" && (v === ctx.tree.workdir || v.startsWith(`${ctx.tree.workdir}/`)) ? path.join(runtimeRoot, v) : v]));
    const envFor = (service) => ({
      PATH: process.env.PATH,
      HOME: home,
      ...inTree(ctx.environment(service, secrets)),
      DATABASE_URL: appUrl.toString(),
      ...(service === "migrate" ? { DATABASE_OWNER_URL: ownerUrl.toString() } : {}),
      REDIS_URL: redisUrl,
      REDIS_PREFIX: prefix,
      PORT: String(webPort),
      WORKER_HEALTH_PORT: String(healthPort),
      AUTH_URL: `http://127.0.0.1:${webPort}`,
      AUDIT_SEAL_MS: "300",
    });
    const asUser = (argv) => (asRoot ? ["setpriv", [`--reuid=${user.uid}`, `--regid=${user.gid}`, "--clear-groups", "--", ...argv]] : [argv[0], argv.slice(1)]);
    const runToEnd = (argv, env, timeoutMs = 180_000) => {
      const [cmd, args] = asUser(argv);
      return spawnSync(cmd, args, { cwd: app, env, encoding: "utf8", timeout: timeoutMs });
    };
    const startLong = (argv, env) => {
      const [cmd, args] = asUser(argv);
      const child = spawn(cmd, args, { cwd: app, env, stdio: ["ignore", "pipe", "pipe"] });
      child.output = "";
      const keep = (b) => (child.output = (child.output + b.toString()).slice(-20_000));
      child.stdout.on("data", keep);
      child.stderr.on("data", keep);
      children.push(child);
      return child;
    };
    const compose = ctx.compose.services;

    // 3. migrate: the one-shot service's command.
    t0 = Date.now();
    const migrate = runToEnd(compose.migrate.command, envFor("migrate"));
    if (migrate.status !== 0) fail(`migrate (${compose.migrate.command.join(" ")}) exited ${migrate.status ?? migrate.signal}:\n${migrate.stdout}\n${migrate.stderr}`);
    const folders = readdirSync(path.join(root, "prisma", "migrations")).filter((n) => /^\d{14}_/.test(n)).length;
    const applied = await onDb(ownerUrl, (c) => c.query(`SELECT count(*)::int AS n FROM "_prisma_migrations" WHERE "finished_at" IS NOT NULL`));
    if (applied.rows[0].n !== folders) fail(`migrate applied ${applied.rows[0].n} of ${folders} migrations`);
    await onDb(appUrl, (c) => c.query(`SELECT count(*) FROM "Task"`));
    log(`migrate: ${compose.migrate.command.join(" ")} as uid ${asRoot ? user.uid : process.getuid()} → ${folders} migrations, application role granted`, t0);

    // 4. worker and web.
    t0 = Date.now();
    const worker = startLong(compose.worker.command, envFor("worker"));
    const webArgv = lastOf(runtimeStage, "CMD").argv;
    const web = startLong(webArgv, envFor("web"));
    const waitFor = async (what, ms, fn) => {
      const until = Date.now() + ms;
      for (;;) {
        for (const c of [worker, web]) if (c.exitCode !== null) fail(`${c === web ? "web" : "worker"} exited ${c.exitCode} while waiting for ${what}:\n${c.output.slice(-4000)}`);
        if (await fn()) return;
        if (Date.now() > until) fail(`${what}: not within ${ms / 1000} s\nweb:\n${web.output.slice(-3000)}\nworker:\n${worker.output.slice(-3000)}`);
        await new Promise((r) => setTimeout(r, 1000));
      }
    };
    const healthArgv = lastOf(runtimeStage, "HEALTHCHECK").argv;
    const workerHealthArgv = compose.worker.healthcheck.test.slice(1);
    await waitFor("the worker to be ready", 180_000, async () => worker.output.includes("worker ready"));
    await waitFor("the worker's health check to pass", 60_000, async () => runToEnd(workerHealthArgv, envFor("worker"), 10_000).status === 0);
    log(`worker: ${compose.worker.command.join(" ")} ready; its health check (${workerHealthArgv.join(" ")}) passes`, t0);
    await waitFor("the image's HEALTHCHECK to pass", 180_000, async () => runToEnd(healthArgv, envFor("web"), 10_000).status === 0);
    log(`web: ${webArgv.join(" ")} ready; HEALTHCHECK (${healthArgv.join(" ")}) passes`, t0);
    for (const [name, c] of [["web", web], ["worker", worker]]) {
      if (!asRoot) break;
      const uid = /^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${c.pid}/status`, "utf8"))?.[1];
      if (Number(uid) !== user.uid) fail(`${name} runs as uid ${uid}, not ${user.uid}`);
    }

    // 5. What the image serves.
    t0 = Date.now();
    const base = `http://127.0.0.1:${webPort}`;
    const health = await fetch(`${base}/api/health`).then((r) => r.json());
    if (health.database !== "ok" || health.redis !== "ok") fail(`/api/health: ${JSON.stringify(health)}`);
    const openapi = await fetch(`${base}/api/v1/openapi.json`);
    if (!openapi.ok) fail(`/api/v1/openapi.json answered ${openapi.status}`);
    const signin = await fetch(`${base}/login`);
    const html = await signin.text();
    if (!signin.ok || !html.includes("<html")) fail(`/login answered ${signin.status}: ${html.slice(0, 300)}`);
    const asset = /\/_next\/static\/[^"'\s]+\.(?:js|css)/.exec(html)?.[0] ?? fail("/login links no /_next/static asset");
    const assetRes = await fetch(`${base}${asset}`);
    if (!assetRes.ok) fail(`${asset} answered ${assetRes.status}`);
    log("web serves /api/health (database and Redis ok), the API, the sign-in page (/login) and its static assets", t0);

    // 6. Work through the image: a token by the image's operator command, a process run by the worker.
    t0 = Date.now();
    await onDb(ownerUrl, (c) =>
      c.query(`INSERT INTO "User" ("id","email","name","passwordHash","role","updatedAt") VALUES ('u_image_admin','admin@image.test','Image Admin','x','ADMIN',now())`),
    );
    const tokenRun = runToEnd(["node", "--import", "tsx", "scripts/token.ts", "--name", "rehearsal", "--role", "ADMIN", "--owner", "admin@image.test"], envFor("worker"), 120_000);
    const token = /bat_[A-Za-z0-9_-]+/.exec(tokenRun.stdout)?.[0] ?? fail(`scripts/token.ts printed no token (exit ${tokenRun.status}):\n${tokenRun.stdout}\n${tokenRun.stderr}`);
    const api = async (method, p, body) => {
      const res = await fetch(`${base}${p}`, { method, headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: body ? JSON.stringify(body) : undefined });
      const json = await res.json().catch(() => ({}));
      if (!res.ok) fail(`${method} ${p} answered ${res.status}: ${JSON.stringify(json).slice(0, 500)}`);
      return json;
    };
    await api("POST", "/api/v1/processes", { key: "image-check", name: "Image check", steps: [{ id: "stamp", kind: "set", assign: { stamped: true }, next: "done" }, { id: "done", kind: "end" }] });
    const instance = await api("POST", "/api/v1/processes/image-check/instances", { businessKey: "image-1", variables: { n: 1 } });
    await waitFor("the worker to complete the instance", 60_000, async () => (await api("GET", `/api/v1/instances/${instance.id}`)).status === "COMPLETED");
    await waitFor("the worker to seal the audit record", 30_000, async () => (await onDb(ownerUrl, (c) => c.query(`SELECT count(*)::int AS n FROM "AuditEntry" WHERE "chainIndex" IS NULL`))).rows[0].n === 0);
    const verify = runToEnd(["node", "--import", "tsx", "scripts/audit-verify.ts"], envFor("worker"), 120_000);
    if (verify.status !== 0 || !/Audit chain intact/.test(verify.stdout)) fail(`scripts/audit-verify.ts (exit ${verify.status}):\n${verify.stdout}\n${verify.stderr}`);
    log("an API token from the image's scripts/token.ts; an instance started through web, run by the worker; audit chain sealed and verified by scripts/audit-verify.ts", t0);

    // 7. docker stop: SIGTERM, a clean exit; then the health check fails.
    t0 = Date.now();
    for (const [name, c] of [["web", web], ["worker", worker]]) {
      const exited = new Promise((r) => c.once("exit", (code, signal) => r({ code, signal })));
      c.kill("SIGTERM");
      const result = await Promise.race([exited, new Promise((r) => setTimeout(() => r(null), 35_000))]);
      if (!result) fail(`${name} did not exit within 35 s of SIGTERM`);
      if (result.code !== 0) fail(`${name} exited ${result.code ?? result.signal} on SIGTERM:\n${c.output.slice(-2000)}`);
    }
    const after = runToEnd(healthArgv, envFor("web"), 10_000);
    if (after.status === 0) fail("the HEALTHCHECK passes with the web process stopped: it checks nothing");
    log("SIGTERM stops web and worker cleanly (exit 0); the HEALTHCHECK then fails", t0);
    console.log(`\nImage rehearsal: ${steps.length} steps passed in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  } finally {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
    if (process.env.BATON_IMAGE_KEEP === "1") console.log(`kept ${work} and database ${dbName}`);
    else {
      rmSync(work, { recursive: true, force: true });
      if (dbCreated) await onDb(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`)).catch(() => undefined);
      // A few hundred keys of this run's own prefix.
      const redis = new Redis(redisUrl, { maxRetriesPerRequest: 2 });
      const keys = await redis.keys(`${prefix}:*`).catch(() => []);
      if (keys.length) await redis.unlink(...keys);
      redis.disconnect();
    }
  }
}

async function main() {
  process.chdir(root);
  const onlyStatic = process.argv.includes("--static");
  const ctx = loadAll();
  console.log(`Dockerfile, .dockerignore and ${COMPOSE_FILE}: static checks`);
  const { passed, failed } = await runStatic(ctx);
  if (failed) {
    console.log(`\n${failed} of ${passed + failed} static checks failed`);
    process.exit(1);
  }
  // The tree again, for the rehearsal (the checks computed it).
  ctx.tree = planStages(ctx.stages, contextFiles(ctx.ignored), ctx.pkg);
  if (onlyStatic) {
    console.log(`${passed} static checks passed`);
    return;
  }
  console.log("\nThe rehearsal: the stages built here, the runtime's commands run as the image's user");
  await rehearse(ctx);
}

const invokedDirectly = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  main().then(
    () => process.exit(0),
    (e) => {
      console.error(`\n✗ ${e instanceof DockerfileError ? e.message : (e?.stack ?? e)}`);
      process.exit(1);
    },
  );
}
