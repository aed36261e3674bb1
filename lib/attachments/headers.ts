import type { AttachmentContent } from "./service";

// The headers a file is served with (ADR 040). The type is the sniffed one and nosniff holds the
// browser to it; a preview (PDF, image) is inline in a sandbox (no scripts, no forms, no
// same-origin rights) that only Baton's own pages may frame; everything else is a download.

/** RFC 6266 / 8187: an ASCII fallback and the exact name in UTF-8. */
export function contentDisposition(kind: "inline" | "attachment", filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, "_").replace(/["\\]/g, "_");
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

export function attachmentHeaders({ attachment, bytes, inline }: Pick<AttachmentContent, "attachment" | "bytes" | "inline">): Record<string, string> {
  const type = attachment.contentType.startsWith("text/") ? `${attachment.contentType}; charset=utf-8` : attachment.contentType;
  return {
    "content-type": type,
    "content-length": String(bytes.length),
    "content-disposition": contentDisposition(inline ? "inline" : "attachment", attachment.filename),
    "x-content-type-options": "nosniff",
    "content-security-policy": inline
      ? "sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; object-src 'self'; frame-ancestors 'self'"
      : "sandbox; default-src 'none'; frame-ancestors 'none'",
    "x-frame-options": inline ? "SAMEORIGIN" : "DENY",
    "cross-origin-resource-policy": "same-origin",
    // Each read is authorised and audited: nothing in between keeps a copy.
    "cache-control": "private, no-store",
    etag: `"${attachment.sha256}"`,
  };
}
