import type { ReactNode } from "react";
import clsx from "clsx";

// The OpenAPI document's shapes and how one operation and one schema are drawn (server-rendered
// tables: they stay outside the client-side DataTable so the docs page ships no JavaScript).

type Json = Record<string, unknown>;
interface Schema {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  additionalProperties?: boolean | Schema;
  description?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  default?: unknown;
  example?: unknown;
  pattern?: string;
}
interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  description?: string;
  schema?: Schema;
}
export interface Operation {
  tags?: string[];
  summary?: string;
  description?: string;
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: Schema }> };
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: Schema }>; headers?: Record<string, { description?: string; schema?: Schema }> }>;
}
export interface OpenApiDoc {
  info: { title: string; version: string; description?: string };
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema>; securitySchemes?: Record<string, Json> };
}

export const METHODS = ["get", "post", "put", "patch", "delete"] as const;
const METHOD_STYLE: Record<string, string> = {
  get: "bg-sky-100 text-sky-900",
  post: "bg-emerald-100 text-emerald-900",
  put: "bg-amber-100 text-amber-900",
  patch: "bg-violet-100 text-violet-900",
  delete: "bg-red-100 text-red-900",
};

export const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
const refName = (ref: string) => ref.split("/").pop() ?? ref;
export const opId = (method: string, path: string) => `op-${method}-${slug(path)}`;

/** A short type label: "string (date-time)", "array of Task", "approve | reject". */
function typeLabel(s: Schema | undefined): ReactNode {
  if (!s) return "any";
  if (s.$ref) {
    const name = refName(s.$ref);
    return (
      <a href={`#schema-${slug(name)}`} className="font-medium text-indigo-700 underline-offset-2 hover:underline">
        {name}
      </a>
    );
  }
  if (s.enum) return s.enum.map((v) => JSON.stringify(v)).join(" | ");
  if (s.const !== undefined) return JSON.stringify(s.const);
  const alts = s.anyOf ?? s.oneOf;
  if (alts) {
    const parts = alts.filter((a) => a.type !== "null");
    const nullable = parts.length < alts.length;
    return (
      <>
        {parts.map((a, i) => (
          <span key={i}>
            {i > 0 && " | "}
            {typeLabel(a)}
          </span>
        ))}
        {nullable && " | null"}
      </>
    );
  }
  if (s.allOf?.length === 1) return typeLabel(s.allOf[0]);
  const types = Array.isArray(s.type) ? s.type : s.type ? [s.type] : [];
  const base = types.filter((t) => t !== "null");
  const nullable = base.length < types.length ? " | null" : "";
  if (base[0] === "array") return <>array of {typeLabel(s.items)}{nullable}</>;
  if (base[0] === "object" && !s.properties && s.additionalProperties && typeof s.additionalProperties === "object") {
    return <>map of {typeLabel(s.additionalProperties)}{nullable}</>;
  }
  return `${base.join(" | ") || "any"}${s.format ? ` (${s.format})` : ""}${nullable}`;
}

function constraints(s: Schema): string {
  const c: string[] = [];
  if (s.minLength !== undefined) c.push(`min length ${s.minLength}`);
  if (s.maxLength !== undefined) c.push(`max length ${s.maxLength}`);
  if (s.minimum !== undefined) c.push(`≥ ${s.minimum}`);
  if (s.maximum !== undefined) c.push(`≤ ${s.maximum}`);
  if (s.default !== undefined) c.push(`default ${JSON.stringify(s.default)}`);
  if (s.pattern) c.push(`pattern ${s.pattern}`);
  return c.join(", ");
}

/** The object a schema describes (through one level of anyOf/allOf), or null. */
function objectOf(s: Schema | undefined): Schema | null {
  if (!s) return null;
  if (s.properties) return s;
  const alt = (s.allOf ?? s.anyOf ?? s.oneOf)?.find((a) => a.properties);
  return alt ?? null;
}

function HeadRow({ cols }: { cols: string[] }) {
  return (
    <thead className="text-xs text-slate-600">
      <tr>
        {cols.map((c, i) => (
          <th key={c} scope="col" className={clsx("py-1.5 font-medium", i < cols.length - 1 && "pr-4")}>
            {c}
          </th>
        ))}
      </tr>
    </thead>
  );
}

export function Properties({ schema, depth = 0 }: { schema: Schema; depth?: number }) {
  const obj = objectOf(schema);
  if (!obj?.properties) {
    return <p className="text-sm text-slate-700">{typeLabel(schema)}</p>;
  }
  const required = new Set(obj.required ?? []);
  return (
    <div className="overflow-x-auto">
      <table className="w-full min-w-[32rem] text-left text-sm">
        <HeadRow cols={["Field", "Type", "Notes"]} />
        <tbody>
          {Object.entries(obj.properties).map(([name, p]) => {
            const nested = depth < 2 ? objectOf(p.items ?? p) : null;
            return (
              <tr key={name} className="border-t border-slate-100 align-top">
                <td className="py-1.5 pr-4 font-mono text-xs text-slate-900">
                  {name}
                  {required.has(name) && <span className="ml-1 text-[10px] font-sans font-semibold text-red-700 uppercase">required</span>}
                </td>
                <td className="py-1.5 pr-4 text-xs text-slate-700">{typeLabel(p)}</td>
                <td className="py-1.5 text-xs text-slate-700">
                  {p.description}
                  {constraints(p) && <span className="block text-slate-500">{constraints(p)}</span>}
                  {nested && !p.$ref && !(p.items && p.items.$ref) && (
                    <details className="mt-1">
                      <summary className="cursor-pointer text-indigo-700">fields</summary>
                      <div className="mt-1 border-l-2 border-slate-200 pl-3">
                        <Properties schema={nested} depth={depth + 1} />
                      </div>
                    </details>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

export function OperationView({ method, path, op }: { method: string; path: string; op: Operation }) {
  const params = op.parameters ?? [];
  const body = op.requestBody?.content ? Object.entries(op.requestBody.content)[0] : null;
  return (
    <section id={opId(method, path)} aria-labelledby={`${opId(method, path)}-h`} className="scroll-mt-20 rounded-xl bg-white p-5 shadow-xs ring-1 ring-slate-200">
      <h3 id={`${opId(method, path)}-h`} className="flex flex-wrap items-center gap-2">
        <span className={clsx("rounded px-1.5 py-0.5 font-mono text-xs font-bold uppercase", METHOD_STYLE[method])}>{method}</span>
        <code className="font-mono text-sm font-semibold break-all text-slate-900">{path}</code>
      </h3>
      {op.summary && <p className="mt-2 text-sm text-slate-700">{op.summary}</p>}
      {params.length > 0 && (
        <div className="mt-4">
          <h4 className="text-xs font-semibold tracking-wide text-slate-600 uppercase">Parameters</h4>
          <div className="overflow-x-auto">
            <table className="mt-1 w-full min-w-[32rem] text-left text-sm">
              <HeadRow cols={["Name", "In", "Type", "Notes"]} />
              <tbody>
                {params.map((p) => (
                  <tr key={`${p.in}-${p.name}`} className="border-t border-slate-100 align-top">
                    <td className="py-1.5 pr-4 font-mono text-xs text-slate-900">
                      {p.name}
                      {p.required && <span className="ml-1 font-sans text-[10px] font-semibold text-red-700 uppercase">required</span>}
                    </td>
                    <td className="py-1.5 pr-4 text-xs text-slate-700">{p.in}</td>
                    <td className="py-1.5 pr-4 text-xs text-slate-700">{typeLabel(p.schema)}</td>
                    <td className="py-1.5 text-xs text-slate-700">
                      {p.description ?? p.schema?.description}
                      {p.schema && constraints(p.schema) && <span className="block text-slate-500">{constraints(p.schema)}</span>}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      )}
      {body && (
        <div className="mt-4">
          <h4 className="text-xs font-semibold tracking-wide text-slate-600 uppercase">
            Request body <span className="font-mono font-normal normal-case">{body[0]}</span>
            {op.requestBody?.required ? " (required)" : " (optional)"}
          </h4>
          <div className="mt-1">{body[1].schema ? <Properties schema={body[1].schema} /> : <p className="text-sm text-slate-700">Any {body[0]} document.</p>}</div>
        </div>
      )}
      <div className="mt-4">
        <h4 className="text-xs font-semibold tracking-wide text-slate-600 uppercase">Responses</h4>
        <ul className="mt-1 space-y-1 text-sm">
          {Object.entries(op.responses ?? {}).map(([status, r]) => {
            const content = r.content ? Object.entries(r.content)[0] : null;
            return (
              <li key={status} className="flex flex-wrap items-baseline gap-x-2">
                <span className={clsx("rounded px-1.5 font-mono text-xs font-semibold", status.startsWith("2") ? "bg-emerald-50 text-emerald-900" : "bg-slate-100 text-slate-800")}>{status}</span>
                <span className="text-slate-700">{r.description}</span>
                {content?.[1].schema && <span className="text-xs text-slate-600">— {typeLabel(content[1].schema)}</span>}
              </li>
            );
          })}
        </ul>
      </div>
    </section>
  );
}
