import { withApi } from "../../../_lib/with-api";
import { deleteSavedFilter } from "@/lib/saved-filters/service";

export const DELETE = withApi<{ id: string }>(
  async ({ actor, params }) => {
    await deleteSavedFilter(actor, params.id);
    return new Response(null, { status: 204 });
  },
  { permission: "tasks:read" },
);
