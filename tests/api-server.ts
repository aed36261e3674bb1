// The API router over a real HTTP socket in the test's own process, with the route table of the
// tree — what server.ts runs for /api/v1, without Next.js for everything else (a 404 here).
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { loadRouteTree } from "@/app/api/route-tree";
import { createApiRouter, isApiRequest } from "@/lib/http/router";

export interface ApiServer {
  url: string;
  close(): Promise<void>;
}

export async function startApiServer(): Promise<ApiServer> {
  const api = createApiRouter(await loadRouteTree());
  const server: Server = createServer((req, res) => {
    if (isApiRequest(req.url ?? "/")) void api(req, res);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
