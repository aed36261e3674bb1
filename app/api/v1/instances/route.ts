import { withApi } from "../../_lib/with-api";
import { listInstances } from "@/lib/engine/service";

export const GET = withApi(async ({ req, actor }) => listInstances(actor, Object.fromEntries(new URL(req.url).searchParams)), {
  // Operators (processes:manage) and dashboard readers (metrics:read): the service checks either.
});
