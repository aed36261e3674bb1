// Signs in each demo user once and stores the session for the tests (Playwright's setup-project
// pattern). It goes through next-auth's credentials endpoint — the same provider, password check
// and session JWT as the login form — without rendering a page per person: e2e/roles.spec.ts and
// e2e/inbox.spec.ts sign in through the form itself. Three people at a time (the server checks at
// most four passwords at once and refuses the rest), each in a context of their own, so a shard's
// setup costs seconds rather than a page load per person.
import fs from "node:fs";
import path from "node:path";
import { test as setup, expect, request, type APIRequestContext } from "@playwright/test";
import { DEMO_PASSWORD, USERS, storageStatePath, type UserName } from "./fixtures";

async function signIn(api: APIRequestContext, email: string): Promise<void> {
  const csrf = await api.get("/api/auth/csrf");
  expect(csrf.ok()).toBe(true);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const res = await api.post("/api/auth/callback/credentials", {
    form: { csrfToken, email, password: DEMO_PASSWORD, callbackUrl: "/" },
    maxRedirects: 0,
  });
  expect(res.status(), await res.text()).toBeLessThan(400);
  // next-auth answers a refused password with a redirect to the error page, not a 4xx.
  expect(res.headers()["location"] ?? "", "sign-in refused").not.toMatch(/error=/);
}

setup("sign in every demo user", async ({ baseURL }) => {
  const queue = Object.keys(USERS) as UserName[];
  const lanes = Array.from({ length: 3 }, async () => {
    for (let name = queue.shift(); name; name = queue.shift()) {
      const { email } = USERS[name];
      const api = await request.newContext({ baseURL });
      try {
        await signIn(api, email);
        // The session works for the API, and it is the right person.
        const me = await api.get("/api/v1/me");
        expect(me.status(), `${name}: ${await me.text()}`).toBe(200);
        expect(((await me.json()) as { email: string }).email).toBe(email);
        const file = storageStatePath(name);
        fs.mkdirSync(path.dirname(file), { recursive: true });
        await api.storageState({ path: file });
      } finally {
        await api.dispose();
      }
    }
  });
  await Promise.all(lanes);
});
