import { AppError } from "@/lib/errors";
import { MAX_DMN_BYTES } from "@/lib/rules/dmn";

/** Checks a .dmn upload (the body as text): 415 unless the body is XML, 413 above the limit (checked before reading when the length is declared), 400 when empty. */
export function readXml(headers: Headers, text: string): string {
  const type = headers.get("content-type") ?? "";
  if (!/^(application|text)\/([a-z.+-]*\+)?xml\b/i.test(type)) {
    throw new AppError("UNSUPPORTED_MEDIA_TYPE", "Send the .dmn file as the body with Content-Type: application/xml (or text/xml).");
  }
  const declared = Number(headers.get("content-length") ?? NaN);
  const tooLarge = () => new AppError("PAYLOAD_TOO_LARGE", `A .dmn file must be at most ${MAX_DMN_BYTES / 1024 / 1024} MB.`);
  if (declared > MAX_DMN_BYTES) throw tooLarge();
  if (Buffer.byteLength(text) > MAX_DMN_BYTES) throw tooLarge();
  if (text.trim() === "") throw new AppError("BAD_REQUEST", "The body is empty: send the .dmn file's XML.");
  return text;
}
