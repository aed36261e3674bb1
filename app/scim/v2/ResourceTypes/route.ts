import { listOf, resourceTypes } from "@/lib/scim/discovery";
import { scimJson } from "@/lib/scim/http";
import { scimRoute } from "../_lib/scim-route";

export const dynamic = "force-dynamic";

export const GET = scimRoute(async ({ baseUrl }) => scimJson(listOf(resourceTypes(baseUrl))));
