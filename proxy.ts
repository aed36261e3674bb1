import { NextResponse, type NextRequest } from "next/server";
import { pageCsp } from "@/lib/http/security-headers";

// Pages only (see `config.matcher`): a fresh nonce per request in the Content-Security-Policy.
// Next.js reads the nonce from the request's CSP header and puts it on the scripts it renders;
// the same policy goes out on the response. The other security headers are set by server.ts for
// every response (lib/http/security-headers.ts).
export function proxy(request: NextRequest) {
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
  const csp = pageCsp(nonce, { dev: process.env.NODE_ENV === "development" });
  const headers = new Headers(request.headers);
  headers.set("x-nonce", nonce);
  headers.set("content-security-policy", csp);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set("content-security-policy", csp);
  return response;
}

export const config = {
  matcher: [
    {
      source: "/((?!api/|scim/|_next/static|_next/image|favicon.ico|icon|apple-icon).*)",
      missing: [
        { type: "header", key: "next-router-prefetch" },
        { type: "header", key: "purpose", value: "prefetch" },
      ],
    },
  ],
};
