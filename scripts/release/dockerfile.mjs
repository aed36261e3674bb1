// A small, strict reader of the Dockerfile and .dockerignore (ADR 050): exactly the instructions,
// flags and forms Baton's Dockerfile uses, each parsed as Docker does; anything else is an error
// naming the line, so the rehearsal (image-rehearsal.mjs) never guesses what a build would do.

export class DockerfileError extends Error {}

const FLAGS = {
  FROM: [],
  WORKDIR: [],
  COPY: ["from", "chown"],
  RUN: ["mount"],
  ENV: [],
  USER: [],
  EXPOSE: [],
  HEALTHCHECK: ["interval", "timeout", "start-period", "start-interval", "retries"],
  CMD: [],
  LABEL: [],
  STOPSIGNAL: [],
};

/** A JSON array of strings (the exec form), or an error. */
function execForm(text, where) {
  let argv;
  try {
    argv = JSON.parse(text);
  } catch {
    throw new DockerfileError(`${where}: expected the exec form, a JSON array of strings such as ["node", "server.ts"]`);
  }
  if (!Array.isArray(argv) || argv.length === 0 || !argv.every((a) => typeof a === "string")) {
    throw new DockerfileError(`${where}: expected a non-empty JSON array of strings`);
  }
  return argv;
}

/** `--name=value` flags at the start of an instruction's arguments; the rest as text. */
function takeFlags(op, rest, where) {
  const flags = {};
  let text = rest;
  for (;;) {
    const m = /^--([a-z-]+)=(\S+)\s*/.exec(text);
    if (!m) break;
    if (!FLAGS[op].includes(m[1])) throw new DockerfileError(`${where}: ${op} --${m[1]} is not supported by the rehearsal`);
    flags[m[1]] = m[2];
    text = text.slice(m[0].length);
  }
  if (/^--/.test(text)) throw new DockerfileError(`${where}: a flag must be written --name=value`);
  return { flags, text: text.trim() };
}

/** ENV KEY=value [KEY=value…]; values may be double-quoted. */
function envPairs(text, where) {
  const out = [];
  const re = /\s*([A-Za-z_][A-Za-z0-9_]*)=("(?:[^"\\]|\\.)*"|[^\s"]*)/y;
  let i = 0;
  while (i < text.length) {
    re.lastIndex = i;
    const m = re.exec(text);
    if (!m) {
      if (/^\s*$/.test(text.slice(i))) break;
      throw new DockerfileError(`${where}: ENV takes KEY=value pairs (the legacy "ENV KEY value" form is not supported)`);
    }
    const raw = m[2];
    if (raw.includes("$")) throw new DockerfileError(`${where}: ENV ${m[1]}: variable references are not supported by the rehearsal`);
    out.push([m[1], raw.startsWith('"') ? JSON.parse(raw) : raw]);
    i = re.lastIndex;
  }
  if (out.length === 0) throw new DockerfileError(`${where}: ENV without a KEY=value`);
  return out;
}

/**
 * The stages of a Dockerfile: [{ name, base, line, instructions: [{ op, flags, line, … }] }].
 * Comment lines and parser directives are skipped (also inside a continued instruction, as Docker
 * does); a line ending in a backslash continues on the next.
 */
export function parseDockerfile(text) {
  const logical = [];
  let current = null;
  text.split(/\r?\n/).forEach((raw, i) => {
    const trimmed = raw.trim();
    if (trimmed.startsWith("#") || (trimmed === "" && !current)) return;
    if (trimmed === "" && current) return; // an empty line inside a continuation is skipped too
    const continues = /\\\s*$/.test(raw);
    const piece = continues ? raw.replace(/\\\s*$/, "") : raw;
    if (current) current.text += ` ${piece.trim()}`;
    else current = { line: i + 1, text: piece.trim() };
    if (!continues) {
      logical.push(current);
      current = null;
    }
  });
  if (current) throw new DockerfileError(`line ${current.line}: the file ends inside a continued instruction`);

  const stages = [];
  for (const { line, text: body } of logical) {
    const m = /^([A-Za-z]+)\s+(.*)$/.exec(body);
    const where = `Dockerfile line ${line}`;
    if (!m) throw new DockerfileError(`${where}: cannot read "${body}"`);
    const op = m[1].toUpperCase();
    if (!(op in FLAGS)) throw new DockerfileError(`${where}: ${op} is not supported by the rehearsal (supported: ${Object.keys(FLAGS).join(", ")})`);
    if (/<<\s*-?[A-Za-z"']/.test(m[2]) && (op === "RUN" || op === "COPY")) throw new DockerfileError(`${where}: here-documents are not supported by the rehearsal`);
    const { flags, text } = takeFlags(op, m[2].trim(), where);
    if (op === "FROM") {
      const f = /^(\S+)(?:\s+[Aa][Ss]\s+([a-z][a-z0-9_.-]*))?$/.exec(text);
      if (!f) throw new DockerfileError(`${where}: FROM <image> [AS <name>]`);
      if (f[1].includes("$")) throw new DockerfileError(`${where}: FROM with a variable is not supported by the rehearsal`);
      if (f[2] && stages.some((s) => s.name === f[2])) throw new DockerfileError(`${where}: a second stage named ${f[2]}`);
      stages.push({ name: f[2] ?? String(stages.length), base: f[1], line, instructions: [] });
      continue;
    }
    const stage = stages.at(-1);
    if (!stage) throw new DockerfileError(`${where}: ${op} before the first FROM`);
    const ins = { op, flags, line };
    switch (op) {
      case "WORKDIR":
        if (!text.startsWith("/") || /\s|\$/.test(text)) throw new DockerfileError(`${where}: WORKDIR takes one absolute path`);
        ins.path = text;
        break;
      case "COPY": {
        if (text.startsWith("[")) throw new DockerfileError(`${where}: write COPY sources without the JSON form`);
        const parts = text.split(/\s+/).filter(Boolean);
        if (parts.length < 2) throw new DockerfileError(`${where}: COPY <source>... <destination>`);
        for (const p of parts) if (/[*?[\]$]/.test(p)) throw new DockerfileError(`${where}: "${p}": wildcards and variables are not supported by the rehearsal`);
        ins.sources = parts.slice(0, -1);
        ins.dest = parts.at(-1);
        if (flags.from && !stages.slice(0, -1).some((s) => s.name === flags.from)) throw new DockerfileError(`${where}: COPY --from=${flags.from} names no earlier stage`);
        if (flags.chown && !/^[a-z_][a-z0-9_-]*(:[a-z_][a-z0-9_-]*)?$|^\d+(:\d+)?$/.test(flags.chown)) throw new DockerfileError(`${where}: --chown=user[:group]`);
        if (ins.sources.length > 1 && !ins.dest.endsWith("/")) throw new DockerfileError(`${where}: with several sources the destination must end with /`);
        break;
      }
      case "RUN":
        if (text.startsWith("[")) throw new DockerfileError(`${where}: RUN in the exec form is not supported by the rehearsal`);
        if (flags.mount && !/^type=cache,target=\/[^,\s]+$/.test(flags.mount)) throw new DockerfileError(`${where}: only --mount=type=cache,target=<dir> is supported`);
        ins.command = text;
        break;
      case "ENV":
        ins.pairs = envPairs(text, where);
        break;
      case "USER":
        if (!/^([a-z_][a-z0-9_-]*|\d+)(:([a-z_][a-z0-9_-]*|\d+))?$/.test(text)) throw new DockerfileError(`${where}: USER <name or uid>[:<group>]`);
        ins.user = text;
        break;
      case "EXPOSE":
        ins.ports = text.split(/\s+/).map((p) => {
          if (!/^\d{1,5}(\/tcp)?$/.test(p)) throw new DockerfileError(`${where}: EXPOSE <port>[/tcp]`);
          return Number.parseInt(p, 10);
        });
        break;
      case "HEALTHCHECK": {
        if (text === "NONE") {
          ins.none = true;
          break;
        }
        const h = /^CMD\s+(.*)$/.exec(text);
        if (!h) throw new DockerfileError(`${where}: HEALTHCHECK [flags] CMD [...] or HEALTHCHECK NONE`);
        ins.argv = execForm(h[1], where);
        for (const k of ["interval", "timeout", "start-period", "start-interval"]) {
          if (flags[k] && !/^\d+(ms|s|m|h)$/.test(flags[k])) throw new DockerfileError(`${where}: --${k} takes a duration such as 30s`);
        }
        if (flags.retries && !/^\d+$/.test(flags.retries)) throw new DockerfileError(`${where}: --retries takes a number`);
        break;
      }
      case "CMD":
        ins.argv = execForm(text, `${where} (CMD: use the exec form, so that SIGTERM reaches node)`);
        break;
      case "LABEL":
        ins.pairs = envPairs(text, where);
        break;
      case "STOPSIGNAL":
        if (!/^SIG[A-Z0-9]+$/.test(text)) throw new DockerfileError(`${where}: STOPSIGNAL SIG…`);
        ins.signal = text;
        break;
    }
    stage.instructions.push(ins);
  }
  if (stages.length === 0) throw new DockerfileError("the Dockerfile has no FROM");
  return stages;
}

/** The last instruction `op` of a stage (CMD, USER, HEALTHCHECK: the last one counts). */
export function lastOf(stage, op) {
  return stage.instructions.filter((i) => i.op === op).at(-1);
}

/** ENV of a stage, in order (later values win). */
export function envOf(stage) {
  return Object.fromEntries(stage.instructions.filter((i) => i.op === "ENV").flatMap((i) => i.pairs));
}

// --- .dockerignore ------------------------------------------------------------------------------

function patternRegex(pattern, where) {
  if (/[[\]\\]/.test(pattern)) throw new DockerfileError(`${where}: character classes and escapes are not supported by the rehearsal`);
  let re = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "*" && pattern[i + 1] === "*") {
      // `**/` any number of folders (also none); a trailing `**` anything.
      if (pattern[i + 2] === "/") {
        re += "(?:.*/)?";
        i += 2;
      } else {
        re += ".*";
        i += 1;
      }
    } else if (c === "*") re += "[^/]*";
    else if (c === "?") re += "[^/]";
    else re += c.replace(/[.+^${}()|]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}

/**
 * A .dockerignore as a predicate on context-relative paths ("a/b.ts"). As Docker: patterns are
 * matched in order against the path and each of its parent folders, the last match decides, and
 * `!` re-includes.
 */
export function parseDockerignore(text) {
  const rules = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith("#")) return;
    const negate = line.startsWith("!");
    const pattern = (negate ? line.slice(1) : line).trim().replace(/^\/+/, "").replace(/\/+$/, "");
    if (!pattern || pattern === ".") throw new DockerfileError(`.dockerignore line ${i + 1}: an empty pattern`);
    rules.push({ negate, re: patternRegex(pattern, `.dockerignore line ${i + 1}`), pattern: line });
  });
  return function ignored(rel) {
    const parts = rel.split("/");
    const candidates = parts.map((_, i) => parts.slice(0, i + 1).join("/"));
    let out = false;
    for (const r of rules) if (candidates.some((c) => r.re.test(c))) out = !r.negate;
    return out;
  };
}

// --- the shell of RUN -------------------------------------------------------------------------------

/**
 * A RUN line as a list of simple commands joined by `&&` (the only shell the rehearsal runs):
 * each an argv of plain words. Pipes, `;`, `||`, redirections, quotes and variables are errors.
 */
export function runCommands(command, where) {
  if (/[|;<>`$'"(){}]/.test(command.replace(/&&/g, ""))) throw new DockerfileError(`${where}: RUN "${command}": only commands joined by && are supported by the rehearsal`);
  return command.split("&&").map((c) => {
    const argv = c.trim().split(/\s+/).filter(Boolean);
    if (argv.length === 0) throw new DockerfileError(`${where}: an empty command in RUN`);
    return argv;
  });
}
