import { withApi } from "../../../../_lib/with-api";
import { addComment, listComments } from "@/lib/comments/service";
import { json, readJson } from "@/lib/http/responses";

export const GET = withApi<{ id: string }>(async ({ actor, params }) => listComments(actor, params.id));

/** `{ body }` with @e-mail mentions (or `mentions: [...]`); the people mentioned are notified. */
export const POST = withApi<{ id: string }>(async ({ req, actor, params }) => json(await addComment(actor, params.id, await readJson(req)), { status: 201 }));
