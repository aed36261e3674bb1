import { createGroup, listGroups } from "@/lib/scim/groups";
import { scimJson } from "@/lib/scim/http";
import { scimRoute } from "../_lib/scim-route";

export const dynamic = "force-dynamic";

export const GET = scimRoute(async ({ actor, baseUrl, query }) => scimJson(await listGroups(actor, baseUrl, query)));

export const POST = scimRoute(async ({ actor, baseUrl, body }) => {
  const group = await createGroup(actor, baseUrl, body);
  return scimJson(group, { status: 201, etag: group.meta.version, location: group.meta.location });
});
