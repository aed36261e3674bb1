import { ERROR_STATUS } from "@/lib/errors";
import { METHODS, slug, opId, Properties, OperationView, type Operation, type OpenApiDoc } from "./operation";

// A readable rendering of the OpenAPI 3.1 document (/api/v1/openapi.json): operations grouped by
// tag with their parameters, bodies and responses, the shared schemas, and the error codes.
// Server-rendered from the same document object, no client JavaScript and no extra package.

export type { OpenApiDoc };

export function ApiDocs({ doc }: { doc: OpenApiDoc }) {
  const ops: { method: string; path: string; op: Operation; tag: string }[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of METHODS) {
      const op = item[method];
      if (op) ops.push({ method, path, op, tag: op.tags?.[0] ?? "other" });
    }
  }
  const tags = [...new Set(ops.map((o) => o.tag))];
  const schemas = Object.entries(doc.components?.schemas ?? {});
  const codes = Object.entries(ERROR_STATUS);
  return (
    <div className="mx-auto grid w-full max-w-7xl gap-8 px-4 py-8 sm:px-6 lg:grid-cols-[15rem_1fr]">
      <nav aria-label="API contents" className="text-sm lg:sticky lg:top-6 lg:max-h-[calc(100dvh-3rem)] lg:self-start lg:overflow-y-auto">
        <ul className="space-y-3">
          <li>
            <a href="#overview" className="font-medium text-slate-900 hover:text-indigo-700">Overview</a>
          </li>
          {tags.map((t) => (
            <li key={t}>
              <a href={`#tag-${slug(t)}`} className="font-medium text-slate-900 capitalize hover:text-indigo-700">{t}</a>
              <ul className="mt-1 space-y-0.5 border-l border-slate-200 pl-3">
                {ops
                  .filter((o) => o.tag === t)
                  .map((o) => (
                    <li key={`${o.method} ${o.path}`}>
                      <a href={`#${opId(o.method, o.path)}`} className="block truncate text-xs text-slate-600 hover:text-indigo-700">
                        <span className="font-mono uppercase">{o.method}</span> {o.path.replace("/api/v1", "")}
                      </a>
                    </li>
                  ))}
              </ul>
            </li>
          ))}
          <li>
            <a href="#errors" className="font-medium text-slate-900 hover:text-indigo-700">Error codes</a>
          </li>
          <li>
            <a href="#schemas" className="font-medium text-slate-900 hover:text-indigo-700">Schemas</a>
          </li>
        </ul>
      </nav>
      <main id="main" className="min-w-0 space-y-10">
        <section id="overview" aria-labelledby="overview-h">
          <h1 id="overview-h" className="text-2xl font-semibold text-slate-900">
            {doc.info.title} <span className="text-base font-normal text-slate-600">v{doc.info.version}</span>
          </h1>
          {doc.info.description && <p className="mt-2 max-w-3xl text-sm text-slate-700">{doc.info.description}</p>}
          <ul className="mt-4 max-w-3xl list-disc space-y-1 pl-5 text-sm text-slate-700">
            {Object.entries(doc.components?.securitySchemes ?? {}).map(([name, s]) => (
              <li key={name}>
                <span className="font-medium">{name}</span>: {String(s.description ?? s.type)}
              </li>
            ))}
            <li>
              Machine-readable: <a href="/api/v1/openapi.json" className="text-indigo-700 underline underline-offset-2">/api/v1/openapi.json</a> (OpenAPI 3.1, generated from
              the same zod schemas the API validates with).
            </li>
          </ul>
        </section>
        {tags.map((t) => (
          <section key={t} id={`tag-${slug(t)}`} aria-labelledby={`tag-${slug(t)}-h`} className="space-y-4">
            <h2 id={`tag-${slug(t)}-h`} className="text-lg font-semibold text-slate-900 capitalize">{t}</h2>
            {ops
              .filter((o) => o.tag === t)
              .map((o) => (
                <OperationView key={`${o.method} ${o.path}`} method={o.method} path={o.path} op={o.op} />
              ))}
          </section>
        ))}
        <section id="errors" aria-labelledby="errors-h">
          <h2 id="errors-h" className="text-lg font-semibold text-slate-900">Error codes</h2>
          <p className="mt-1 max-w-3xl text-sm text-slate-700">
            Every error is <code className="font-mono text-xs">application/problem+json</code> (RFC 9457) with <code className="font-mono text-xs">type</code>,{" "}
            <code className="font-mono text-xs">title</code>, <code className="font-mono text-xs">status</code>, <code className="font-mono text-xs">detail</code> and a
            stable <code className="font-mono text-xs">code</code>; 422 adds <code className="font-mono text-xs">errors</code> (field, message).
          </p>
          <div className="mt-3 overflow-x-auto rounded-xl bg-white shadow-xs ring-1 ring-slate-200">
            <table className="w-full text-left text-sm">
              <thead className="text-xs text-slate-600">
                <tr>
                  <th scope="col" className="px-4 py-2 font-medium">code</th>
                  <th scope="col" className="px-4 py-2 font-medium">HTTP status</th>
                </tr>
              </thead>
              <tbody>
                {codes.map(([code, status]) => (
                  <tr key={code} className="border-t border-slate-100">
                    <td className="px-4 py-1.5 font-mono text-xs text-slate-900">{code}</td>
                    <td className="px-4 py-1.5 text-xs text-slate-700">{status}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
        <section id="schemas" aria-labelledby="schemas-h" className="space-y-4">
          <h2 id="schemas-h" className="text-lg font-semibold text-slate-900">Schemas</h2>
          {schemas.map(([name, s]) => (
            <section key={name} id={`schema-${slug(name)}`} aria-labelledby={`schema-${slug(name)}-h`} className="scroll-mt-20 rounded-xl bg-white p-5 shadow-xs ring-1 ring-slate-200">
              <h3 id={`schema-${slug(name)}-h`} className="font-mono text-sm font-semibold text-slate-900">{name}</h3>
              {s.description && <p className="mt-1 text-sm text-slate-700">{s.description}</p>}
              <div className="mt-3">
                <Properties schema={s} />
              </div>
            </section>
          ))}
        </section>
      </main>
    </div>
  );
}
