import { withApi } from "../../_lib/with-api";
import { viewersOfMany } from "@/lib/live/presence";

// Viewers of many tasks at once (the inbox rows): ?taskIds=a,b,c → { data: { [taskId]: [...] } }.
export const GET = withApi(async ({ req, actor }) => ({ data: await viewersOfMany(actor, Object.fromEntries(new URL(req.url).searchParams)) }), { permission: "tasks:read" });
