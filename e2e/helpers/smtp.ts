// A real SMTP server on loopback for the integration and e2e tests (the `smtp-server` package): keeps every message it
// receives, and refuses recipients whose address starts with "reject" (to test SMTP failures).
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";

export interface ReceivedMail {
  from: string | null;
  to: string[];
  raw: string;
  /** Header lines unfolded, keyed lower-case (the first of each). */
  headers: Record<string, string>;
  /** The text/plain and text/html parts, quoted-printable and base64 decoded. */
  text: string;
  html: string;
}

function decodePart(body: string, encoding: string | undefined): string {
  if (/quoted-printable/i.test(encoding ?? "")) {
    const bytes = body
      .replace(/=\r?\n/g, "")
      .replace(/=([0-9A-F]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
    return Buffer.from(bytes, "latin1").toString("utf8");
  }
  if (/base64/i.test(encoding ?? "")) return Buffer.from(body.replace(/\s+/g, ""), "base64").toString("utf8");
  return body;
}

function parseHeaders(block: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of block.replace(/\r?\n[ \t]+/g, " ").split(/\r?\n/)) {
    const m = /^([^:]+):\s*(.*)$/.exec(line);
    if (m && !(m[1]!.toLowerCase() in out)) out[m[1]!.toLowerCase()] = m[2]!;
  }
  return out;
}

/** Just enough MIME for nodemailer's output: one level of multipart, text and html parts. */
export function parseMail(raw: string): Pick<ReceivedMail, "headers" | "text" | "html"> {
  const split = raw.search(/\r?\n\r?\n/);
  const headers = parseHeaders(raw.slice(0, split));
  const body = raw.slice(split).replace(/^\r?\n\r?\n/, "");
  const boundary = /boundary="?([^";]+)"?/i.exec(headers["content-type"] ?? "")?.[1];
  let text = "";
  let html = "";
  const parts = boundary ? body.split(`--${boundary}`).slice(1, -1) : [raw.slice(split)];
  for (const part of parts) {
    const at = part.search(/\r?\n\r?\n/);
    const h = boundary ? parseHeaders(part.slice(0, at).replace(/^\r?\n/, "")) : headers;
    const content = decodePart((boundary ? part.slice(at) : part).replace(/^\r?\n\r?\n/, "").trim(), h["content-transfer-encoding"]);
    if (/text\/plain/i.test(h["content-type"] ?? "text/plain") && !text) text = content;
    else if (/text\/html/i.test(h["content-type"] ?? "")) html = content;
  }
  return { headers, text, html };
}

export async function startSmtpServer(port = 0): Promise<{ port: number; received: ReceivedMail[]; close: () => Promise<void> }> {
  const received: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (address.address.startsWith("reject")) return callback(Object.assign(new Error("550 No such mailbox here"), { responseCode: 550 }));
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        const raw = Buffer.concat(chunks).toString("utf8");
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : null,
          to: session.envelope.rcptTo.map((r) => r.address),
          raw,
          ...parseMail(raw),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  return {
    port: (server.server.address() as AddressInfo).port,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
