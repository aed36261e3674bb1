import { withApi } from "../../_lib/with-api";
import { AppError } from "@/lib/errors";
import { json, readJson } from "@/lib/http/responses";
import { MAX_DOCUMENT_BYTES } from "@/lib/processes/definition";
import { uploadDefinitionSchema } from "@/lib/processes/schemas";
import { listProcesses, publishDefinition } from "@/lib/processes/service";

export const GET = withApi(async ({ actor }) => listProcesses(actor), { permission: "processes:manage" });

/**
 * Publishes a definition as the key's next version. Body: YAML (`application/yaml`), or JSON:
 * the document itself or `{ "document": <object or YAML text> }`.
 */
export const POST = withApi(
  async ({ req, actor }) => {
    const type = (req.headers.get("content-type") ?? "").toLowerCase();
    let input: string | object;
    if (/^(application|text)\/(x-)?yaml\b/.test(type)) {
      const text = await req.text();
      if (text.length > MAX_DOCUMENT_BYTES) throw new AppError("PAYLOAD_TOO_LARGE", `A definition must be at most ${MAX_DOCUMENT_BYTES / 1024} KB.`);
      input = text;
    } else {
      const body = await readJson(req);
      const wrapped = uploadDefinitionSchema.safeParse(body);
      input = wrapped.success ? wrapped.data.document : (body as object);
    }
    const version = await publishDefinition(actor, input);
    return json(version, { status: 201, headers: { location: `/api/v1/processes/${version.key}` } });
  },
  { permission: "processes:manage" },
);
