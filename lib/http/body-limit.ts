import type { IncomingMessage, ServerResponse } from "node:http";

// Request bodies on the Next.js path (pages, /api/auth/*, the few routes outside /api/v1) are
// read by Next.js and next-auth, which buffer whatever arrives (security review M9). server.ts
// therefore admits a body there only with a Content-Length within the limit: Node's parser then
// never delivers more than that many bytes, so the limit holds while the body streams. A chunked
// body without a length is refused (411): browsers always send a length for a form or a fetch.
// (The API router reads /api/v1 bodies itself, under each route's own limit.)

/** The largest body the Next.js path accepts: sign-in forms and the demo ERP's small JSON. */
export const NEXT_PATH_MAX_BODY_BYTES = 64 * 1024;

/** Answers and returns true when the request's body may not be read; false lets it through. */
export function refuseUnboundedBody(req: IncomingMessage, res: ServerResponse, limit = NEXT_PATH_MAX_BODY_BYTES): boolean {
  const length = req.headers["content-length"];
  const chunked = req.headers["transfer-encoding"] !== undefined;
  if (length === undefined && !chunked) return false;
  let status = 0;
  let detail = "";
  if (chunked && length === undefined) {
    status = 411;
    detail = "Send the body with a Content-Length.";
  } else if (Number(length) > limit) {
    status = 413;
    detail = `The body must be at most ${limit / 1024} KB.`;
  }
  if (!status) return false;
  const body = JSON.stringify({ type: "about:blank", title: status === 413 ? "Payload Too Large" : "Length Required", status, detail, code: status === 413 ? "PAYLOAD_TOO_LARGE" : "LENGTH_REQUIRED" });
  // The body is never read: close the connection after answering.
  res.writeHead(status, { "content-type": "application/problem+json", "content-length": Buffer.byteLength(body), connection: "close" });
  res.end(body);
  return true;
}
