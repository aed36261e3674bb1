import { AppError } from "@/lib/errors";
import { resourceTypes } from "@/lib/scim/discovery";
import { scimJson } from "@/lib/scim/http";
import { scimRoute } from "../../_lib/scim-route";

export const dynamic = "force-dynamic";

export const GET = scimRoute(async ({ baseUrl, params }) => {
  const type = resourceTypes(baseUrl).find((t) => t.id === params.id);
  if (!type) throw new AppError("NOT_FOUND", `No resource type ${JSON.stringify(params.id)}: User or Group.`);
  return scimJson(type);
});
