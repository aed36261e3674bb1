// What a file is, from its bytes (never only from the name or the client's Content-Type): a
// short allow-list of the documents people attach to a case. Anything else — HTML, SVG (scripts),
// executables, archives — is refused, so nothing Baton serves back can run in its origin.

/** Types shown in place (images in <img>, PDFs in a sandboxed frame); the rest download. */
export const PREVIEWABLE = new Set(["application/pdf", "image/png", "image/jpeg", "image/gif", "image/webp"]);

const OOXML: Record<string, string> = {
  docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  pptx: "application/vnd.openxmlformats-officedocument.presentationml.presentation",
};
const TEXT: Record<string, string> = { txt: "text/plain", csv: "text/csv", md: "text/markdown", log: "text/plain" };

function startsWith(bytes: Uint8Array, sig: number[], at = 0): boolean {
  if (bytes.length < at + sig.length) return false;
  return sig.every((b, i) => bytes[at + i] === b);
}
const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));

function extensionOf(filename: string): string {
  const i = filename.lastIndexOf(".");
  return i < 0 ? "" : filename.slice(i + 1).toLowerCase();
}

function isUtf8Text(bytes: Uint8Array): boolean {
  if (bytes.includes(0)) return false;
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** The media type the bytes are, or null when they are not one Baton accepts. */
export function sniffContentType(bytes: Uint8Array, filename: string): string | null {
  if (startsWith(bytes, ascii("%PDF-"))) return "application/pdf";
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return "image/png";
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return "image/jpeg";
  if (startsWith(bytes, ascii("GIF87a")) || startsWith(bytes, ascii("GIF89a"))) return "image/gif";
  if (startsWith(bytes, ascii("RIFF")) && startsWith(bytes, ascii("WEBP"), 8)) return "image/webp";
  const ext = extensionOf(filename);
  // Office documents are ZIP containers: the container from the bytes, the kind from the name.
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04])) return OOXML[ext] ?? null;
  if (TEXT[ext] && bytes.length > 0 && isUtf8Text(bytes)) {
    // Text that a browser would take for markup is refused even under a .txt name.
    const head = new TextDecoder().decode(bytes.subarray(0, 512)).trimStart().toLowerCase();
    if (/^<(!doctype|html|svg|script|\?xml)/.test(head)) return null;
    return TEXT[ext];
  }
  return null;
}

/**
 * Whether the type the client declared agrees with the bytes: no declaration (or a generic one)
 * is fine; a declaration of something else is a mislabelled file and is refused.
 */
export function declaredTypeAgrees(declared: string | undefined, sniffed: string): boolean {
  const d = (declared ?? "").split(";")[0]!.trim().toLowerCase();
  if (!d || d === "application/octet-stream" || d === "binary/octet-stream") return true;
  if (d === sniffed) return true;
  if (sniffed === "image/jpeg" && d === "image/jpg") return true;
  // Browsers name .csv and .md files variously (application/vnd.ms-excel, text/x-markdown): text is text.
  if (sniffed.startsWith("text/")) return ["text/plain", "text/csv", "text/markdown", "text/x-markdown", "application/vnd.ms-excel", "application/csv"].includes(d);
  return false;
}
