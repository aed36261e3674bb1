import { AppError } from "@/lib/errors";
import { schemas } from "@/lib/scim/discovery";
import { scimJson } from "@/lib/scim/http";
import { scimRoute } from "../../_lib/scim-route";

export const dynamic = "force-dynamic";

export const GET = scimRoute(async ({ baseUrl, params }) => {
  const schema = schemas(baseUrl).find((s) => s.id === decodeURIComponent(params.id!));
  if (!schema) throw new AppError("NOT_FOUND", `No schema ${JSON.stringify(params.id)}.`);
  return scimJson(schema);
});
