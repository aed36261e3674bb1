#!/usr/bin/env node
// A real OpenID Connect provider for the e2e run: the certified `oidc-provider` package with its
// development sign-in pages (any password), one confidential client for Baton that must use PKCE,
// and the accounts the specs sign in as, with role and group claims in the ID token.
// Usage: node e2e/helpers/oidc-provider.mjs <port> <baton base URL> <client id> <client secret>
import { generateKeyPairSync, randomBytes } from "node:crypto";
import Provider from "oidc-provider";

const [port, baton, clientId, clientSecret] = process.argv.slice(2);
if (!port || !baton || !clientId || !clientSecret) {
  console.error("usage: oidc-provider.mjs <port> <baton base URL> <client id> <client secret>");
  process.exit(2);
}

/** login name → the claims the provider asserts about them. */
const ACCOUNTS = {
  nora: { email: "nora.quinn@acme.test", email_verified: true, name: "Nora Quinn", roles: ["baton-supervisors"], groups: ["Credit Review Team", "Everyone"] },
  lee: { email: "lee.leaver@acme.test", email_verified: true, name: "Lee Leaver", roles: [], groups: ["Sales Team"] },
};

const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const jwk = { ...privateKey.export({ format: "jwk" }), kid: "e2e", use: "sig", alg: "RS256" };

const provider = new Provider(`http://127.0.0.1:${port}`, {
  clients: [
    {
      client_id: clientId,
      client_secret: clientSecret,
      redirect_uris: [`${baton}/api/auth/callback/oidc`],
      grant_types: ["authorization_code"],
      response_types: ["code"],
      token_endpoint_auth_method: "client_secret_basic",
    },
  ],
  jwks: { keys: [jwk] },
  cookies: { keys: [randomBytes(32).toString("hex")] },
  // Authorization code flow with PKCE only: a request without code_challenge is refused.
  pkce: { required: () => true },
  claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name", "roles", "groups"] },
  // The claims of the requested scopes in the ID token itself (next-auth reads the ID token).
  conformIdTokenClaims: false,
  features: { devInteractions: { enabled: true } },
  async findAccount(_ctx, id) {
    const claims = ACCOUNTS[id];
    if (!claims) return undefined;
    return { accountId: id, claims: async () => ({ sub: id, ...claims }) };
  },
  // Baton is a first-party client: no consent page (the grant is made on first use).
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope("openid email profile");
    await grant.save();
    return grant;
  },
});
provider.on("server_error", (_ctx, err) => console.error("oidc-provider server error:", err));

const server = provider.listen(Number(port), "127.0.0.1", () => console.log(`OIDC provider on http://127.0.0.1:${port}`));
const stop = () => server.close(() => process.exit(0));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
