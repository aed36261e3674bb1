import { z } from "zod";
import { defineRoute } from "@/app/api/_lib/define-route";
import { json } from "@/lib/http/responses";
import { openApiDocument } from "@/lib/openapi/document";
import { loadRouteTree } from "@/app/api/route-tree";

// The API description is public (no data in it), like most APIs publish theirs. It describes
// every route, this one included, so it reads the route tree when first asked, not on import.
export const GET = defineRoute({
  operationId: "getOpenApiDocument",
  tags: ["meta"],
  summary: "This document",
  public: true,
  responses: { 200: { description: "OpenAPI 3.1 document", schema: z.record(z.string(), z.unknown()) } },
  handler: async () => json(openApiDocument(await loadRouteTree()), { headers: { "cache-control": "public, max-age=300" } }),
});
