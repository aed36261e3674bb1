import { withApi } from "../../_lib/with-api";
import { json } from "@/lib/http/responses";
import { listDecisionTables, uploadDmn } from "@/lib/rules/service";
import { readXml } from "./read-xml";

export const GET = withApi(async ({ actor }) => listDecisionTables(actor), { permission: "rules:edit" });

export const POST = withApi(async ({ req, actor }) => json(await uploadDmn(actor, await readXml(req)), { status: 201 }), { permission: "rules:edit" });
