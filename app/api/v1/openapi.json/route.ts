import { openApiDocument } from "@/lib/openapi/document";
import { json } from "@/lib/http/responses";

// The API description is public (no data in it), like most APIs publish theirs.
export const dynamic = "force-static";

export function GET(): Response {
  return json(openApiDocument(), { headers: { "cache-control": "public, max-age=300" } });
}
