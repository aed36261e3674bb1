// Shared Playwright fixtures: signed-in pages and API clients per demo user, and builders that
// remember what they created so each test cleans up only its own data. Tasks cannot be deleted
// (their audit entries are append-only), so cleanup cancels the ones still open; tokens are revoked.
import path from "node:path";
import { test as base, expect, type APIRequestContext, type APIResponse, type BrowserContext, type Page } from "@playwright/test";

export const USERS = {
  maya: { email: "maya@acme.test", role: "MEMBER" },
  dana: { email: "dana@acme.test", role: "MEMBER" },
  sam: { email: "sam@acme.test", role: "SUPERVISOR" },
  ana: { email: "ana@acme.test", role: "AUDITOR" },
  priya: { email: "priya@acme.test", role: "ADMIN" },
  rita: { email: "rita@acme.test", role: "MEMBER" },
} as const;
export type UserName = keyof typeof USERS;
export const DEMO_PASSWORD = "baton-demo";

export function storageStatePath(name: UserName): string {
  // scripts/test.mjs gives each e2e shard its own folder (E2E_AUTH_DIR): the shards' sessions are their servers'.
  return path.join(process.env.E2E_AUTH_DIR ?? path.join(__dirname, ".auth"), `${name}.json`);
}

export interface TaskJson {
  id: string;
  reference: string;
  title: string;
  status: string;
  version: number;
  assignee: { id: string; name: string } | null;
  [key: string]: unknown;
}

export interface CreatedToken {
  id: string;
  token: string;
  role: string;
}

type Fixtures = {
  /** A page in a browser context signed in as the demo user. */
  asUser: (name: UserName) => Promise<Page>;
  /** An API client carrying the demo user's session cookie. */
  api: (name: UserName) => Promise<APIRequestContext>;
  /** An API client sending `Authorization: Bearer <token>` (no cookies). */
  bearer: (token: string) => Promise<APIRequestContext>;
  /** An API client with no credentials at all. */
  anonymous: () => Promise<APIRequestContext>;
  /** Creates a task through the API (as priya unless `as` says otherwise) and cleans it up afterwards. */
  createTask: (input: Record<string, unknown>, opts?: { as?: UserName }) => Promise<TaskJson>;
  /** Registers a task created some other way, for cleanup. */
  trackTask: (id: string) => void;
  /** Creates an API token as priya (admin) and revokes it afterwards. */
  createToken: (role: "ADMIN" | "SUPERVISOR" | "AUDITOR" | "MEMBER", opts?: { scopes?: string[] }) => Promise<CreatedToken>;
};

type WorkerFixtures = {
  /** One signed-in browser context per demo user for the whole worker (see asUser). */
  userContexts: (name: UserName) => Promise<BrowserContext>;
};

export const test = base.extend<Fixtures, WorkerFixtures>({
  // A person's context lives as long as the Playwright worker, so its HTTP cache (the app's
  // immutable /_next/static chunks) and compiled scripts carry from one test to the next, as in a
  // person's own browser: a fresh context per test fetched and compiled every chunk again, which
  // was seconds per page load on CI's two cores. Each test still gets new pages, closed after it.
  // Tests that sign in or out, or change what a context holds, use browser.newContext() themselves.
  userContexts: [
    async ({ browser }, provide) => {
      const contexts = new Map<UserName, Promise<BrowserContext>>();
      await provide((name) => {
        let context = contexts.get(name);
        if (!context) {
          context = browser.newContext({ storageState: storageStatePath(name) });
          contexts.set(name, context);
        }
        return context;
      });
      await Promise.all([...contexts.values()].map(async (c) => (await c).close()));
    },
    { scope: "worker" },
  ],

  asUser: async ({ userContexts }, provide) => {
    const pages: Page[] = [];
    await provide(async (name) => {
      const page = await (await userContexts(name)).newPage();
      pages.push(page);
      return page;
    });
    await Promise.all(pages.map((p) => p.close()));
  },

  api: async ({ playwright, baseURL }, provide) => {
    const clients = new Map<UserName, APIRequestContext>();
    await provide(async (name) => {
      let client = clients.get(name);
      if (!client) {
        client = await playwright.request.newContext({ baseURL, storageState: storageStatePath(name) });
        clients.set(name, client);
      }
      return client;
    });
    await Promise.all([...clients.values()].map((c) => c.dispose()));
  },

  bearer: async ({ playwright, baseURL }, provide) => {
    const clients: APIRequestContext[] = [];
    await provide(async (token) => {
      const client = await playwright.request.newContext({ baseURL, extraHTTPHeaders: { authorization: `Bearer ${token}` } });
      clients.push(client);
      return client;
    });
    await Promise.all(clients.map((c) => c.dispose()));
  },

  anonymous: async ({ playwright, baseURL }, provide) => {
    const clients: APIRequestContext[] = [];
    await provide(async () => {
      const client = await playwright.request.newContext({ baseURL });
      clients.push(client);
      return client;
    });
    await Promise.all(clients.map((c) => c.dispose()));
  },

  trackTask: async ({ api }, provide) => {
    const ids = new Set<string>();
    await provide((id) => void ids.add(id));
    if (ids.size === 0) return;
    const admin = await api("priya");
    for (const id of ids) {
      const res = await admin.get(`/api/v1/tasks/${id}`);
      if (!res.ok()) continue;
      const task = (await res.json()) as TaskJson;
      if (task.status !== "OPEN" && task.status !== "INFO_REQUESTED") continue;
      const cancel = await admin.post(`/api/v1/tasks/${id}/cancel`, { data: { reason: "e2e cleanup" } });
      // 409: someone decided it meanwhile; anything else is worth knowing about.
      if (!cancel.ok() && cancel.status() !== 409) console.warn(`cleanup: cancelling task ${id} answered ${cancel.status()}`);
    }
  },

  createTask: async ({ api, trackTask }, provide) => {
    let n = 0;
    await provide(async (input, opts = {}) => {
      const client = await api(opts.as ?? "priya");
      const res = await client.post("/api/v1/tasks", { data: { title: `E2E task ${Date.now()}-${++n}`, ...input } });
      await expectStatus(res, 201);
      const task = (await res.json()) as TaskJson;
      trackTask(task.id);
      return task;
    });
  },

  createToken: async ({ api }, provide) => {
    const created: CreatedToken[] = [];
    await provide(async (role, opts = {}) => {
      const admin = await api("priya");
      const res = await admin.post("/api/v1/tokens", { data: { name: `e2e-${role.toLowerCase()}-${Date.now()}`, role, scopes: opts.scopes ?? [] } });
      await expectStatus(res, 201);
      const token = (await res.json()) as CreatedToken;
      created.push(token);
      return token;
    });
    if (created.length === 0) return;
    const admin = await api("priya");
    for (const t of created) {
      const res = await admin.delete(`/api/v1/tokens/${t.id}`);
      if (!res.ok() && res.status() !== 409) console.warn(`cleanup: revoking token ${t.id} answered ${res.status()}`);
    }
  },
});

/** Asserts a status and shows the body when it differs (far easier to debug than a bare number). */
export async function expectStatus(res: APIResponse, status: number): Promise<void> {
  if (res.status() !== status) {
    expect(`${res.status()} ${await res.text()}`, `${res.url()}`).toBe(`${status} …`);
  }
}

/** Reads an RFC 9457 problem response. */
export async function problemOf(res: APIResponse) {
  expect(res.headers()["content-type"]).toMatch(/^application\/problem\+json/);
  return (await res.json()) as { type: string; title: string; status: number; detail: string; code: string; errors?: { path: string; message: string }[]; [k: string]: unknown };
}

export { expect };
