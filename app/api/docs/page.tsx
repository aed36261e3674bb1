import type { Metadata } from "next";
import Link from "next/link";
import { openApiDocument } from "@/lib/openapi/document";
import { loadRouteTree } from "../route-tree";
import { ApiDocs, type OpenApiDoc } from "@/components/api-docs/api-docs";

export const metadata: Metadata = { title: "API documentation" };
// Public, like /api/v1/openapi.json: the description of the API holds no data.
export const dynamic = "force-static";

export default async function ApiDocsPage() {
  const doc = openApiDocument(await loadRouteTree());
  return (
    <>
      <header className="border-b border-slate-200 bg-white">
        <div className="mx-auto flex h-14 max-w-7xl items-center gap-3 px-4 sm:px-6">
          <Link href="/inbox" className="flex items-center gap-2 rounded font-semibold text-slate-900 focus-visible:outline-2 focus-visible:outline-indigo-600">
            <span aria-hidden className="grid size-7 place-items-center rounded-md bg-indigo-600 text-sm font-bold text-white">
              B
            </span>
            Baton
          </Link>
          <span className="text-sm text-slate-600">API documentation</span>
          <a href="/api/v1/openapi.json" className="ml-auto rounded-md px-2.5 py-1.5 text-sm font-medium text-slate-700 ring-1 ring-slate-300 hover:bg-slate-50">
            openapi.json
          </a>
        </div>
      </header>
      <ApiDocs doc={doc as unknown as OpenApiDoc} />
    </>
  );
}
