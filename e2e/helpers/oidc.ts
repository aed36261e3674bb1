// The OpenID Connect provider of the e2e run (e2e/helpers/oidc-provider.mjs, started by
// playwright.config.ts) and Baton's settings for it. Its port sits next to the web port.
const WEB_PORT = Number(process.env.E2E_PORT ?? 3100);
export const E2E_OIDC_PORT = Number(process.env.E2E_OIDC_PORT ?? WEB_PORT + 2);
export const E2E_OIDC_ISSUER = `http://127.0.0.1:${E2E_OIDC_PORT}`;
export const E2E_OIDC_CLIENT = { id: "baton-e2e", secret: "baton-e2e-client-secret-0123456789" };
export const E2E_OIDC_NAME = "Acme SSO";
/**
 * Where the browser meets Baton for single sign-on: Next.js spells 127.0.0.1 as "localhost" in
 * the URLs next-auth builds (its redirect_uri), and the sign-in cookies must be on that host.
 */
export const E2E_SSO_ORIGIN = `http://localhost:${WEB_PORT}`;

/** What the web server needs to offer "Sign in with Acme SSO" and map its claims. */
export function oidcServerEnv(): Record<string, string> {
  return {
    OIDC_ISSUER: E2E_OIDC_ISSUER,
    OIDC_CLIENT_ID: E2E_OIDC_CLIENT.id,
    OIDC_CLIENT_SECRET: E2E_OIDC_CLIENT.secret,
    OIDC_NAME: E2E_OIDC_NAME,
    OIDC_ROLE_CLAIM: "roles",
    OIDC_ROLE_MAP: "baton-supervisors=SUPERVISOR,baton-admins=ADMIN",
    OIDC_GROUPS_CLAIM: "groups",
    OIDC_GROUP_MAP: "Credit Review Team=credit-review,Sales Team=sales",
  };
}
