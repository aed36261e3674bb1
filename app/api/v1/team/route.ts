import { withApi } from "../../_lib/with-api";
import { getTeamView } from "@/lib/team/service";

/** The supervisor console's data: members' load, unassigned queues (supervisors: their teams; admins: all). */
export const GET = withApi(async ({ req, actor }) => getTeamView(actor, Object.fromEntries(new URL(req.url).searchParams)), { permission: "team:manage" });
