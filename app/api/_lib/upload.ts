import { AppError } from "@/lib/errors";
import type { UploadedFile } from "@/lib/attachments/service";

/** The `file` part (and the other text fields) of a multipart/form-data upload. */
export async function readUpload(req: Request): Promise<{ file: UploadedFile; fields: Record<string, string> }> {
  if (!(req.headers.get("content-type") ?? "").toLowerCase().startsWith("multipart/form-data")) {
    throw new AppError("UNSUPPORTED_MEDIA_TYPE", "Send the file as multipart/form-data, in a part named \"file\".");
  }
  let form: FormData;
  try {
    form = await req.formData();
  } catch {
    throw new AppError("BAD_REQUEST", "The multipart body could not be read.");
  }
  const part = form.get("file");
  if (!part || typeof part === "string") {
    throw new AppError("VALIDATION_FAILED", "Add the file in a part named \"file\".", { fieldErrors: [{ path: "file", message: "required" }] });
  }
  const fields: Record<string, string> = {};
  for (const [name, value] of form.entries()) if (typeof value === "string") fields[name] = value;
  return { file: { filename: part.name, declaredType: part.type || undefined, bytes: new Uint8Array(await part.arrayBuffer()) }, fields };
}
