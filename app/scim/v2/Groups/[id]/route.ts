import { deleteGroup, getGroup, patchGroup, replaceGroup } from "@/lib/scim/groups";
import { scimJson } from "@/lib/scim/http";
import { scimRoute } from "../../_lib/scim-route";

export const dynamic = "force-dynamic";

const versioned = (group: { meta: { version: string } }) => scimJson(group, { etag: group.meta.version });

export const GET = scimRoute(async ({ actor, baseUrl, params, query }) => versioned(await getGroup(actor, baseUrl, params.id!, query)));

export const PUT = scimRoute(async ({ actor, baseUrl, params, body, ifMatch }) => versioned(await replaceGroup(actor, baseUrl, params.id!, body, ifMatch)));

export const PATCH = scimRoute(async ({ actor, baseUrl, params, body, ifMatch }) => versioned(await patchGroup(actor, baseUrl, params.id!, body, ifMatch)));

export const DELETE = scimRoute(async ({ actor, params, ifMatch }) => {
  await deleteGroup(actor, params.id!, ifMatch);
  return new Response(null, { status: 204 });
});
