import { withApi } from "../../../_lib/with-api";
import { getInstance } from "@/lib/engine/service";

export const GET = withApi<{ id: string }>(async ({ actor, params }) => getInstance(actor, params.id));
// Operators (processes:manage) and dashboard readers (metrics:read): the service checks either.
