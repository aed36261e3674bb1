import NextAuth, { CredentialsSignin } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import type { Provider } from "next-auth/providers";
import { authenticateWithPassword } from "@/lib/identity/service";
import { secondFactorAtSignIn } from "@/lib/account/totp";
import { endSessionOfJwt, newSessionClaims } from "@/lib/identity/sessions";
import { signInWithOidc, ssoSettings } from "@/lib/identity/sso";
import { clientMeta } from "@/lib/http/request-meta";
import { env } from "@/lib/env";

class InvalidCredentials extends CredentialsSignin {
  code = "invalid_credentials";
}
/** The password was right; the second factor is asked for next (no session yet). */
class SecondFactorRequired extends CredentialsSignin {
  code = "second_factor";
}
class SecondFactorInvalid extends CredentialsSignin {
  code = "second_factor_invalid";
}
class LockedOut extends CredentialsSignin {
  code = "locked";
  constructor(retryAfterS: number) {
    super();
    this.code = `locked:${retryAfterS}`;
  }
}

/** The provider id of single sign-on: its callback is /api/auth/callback/oidc. */
export const OIDC_PROVIDER_ID = "oidc";

// Configured per request (lazily), so the settings are read from the validated environment when
// the server runs, not when the app is built.
export const { handlers, auth, signIn, signOut } = NextAuth((request) => {
  const e = env();
  const sso = ssoSettings(e);
  const providers: Provider[] = [];
  if (e.PASSWORD_SIGNIN) {
    providers.push(
      Credentials({
        credentials: { email: { label: "E-mail" }, password: { label: "Password", type: "password" }, code: { label: "Authentication code" } },
        async authorize(credentials, req) {
          const result = await authenticateWithPassword(credentials, clientMeta(req.headers), secondFactorAtSignIn);
          // A person the sign-in policy requires a second factor of, who has none, gets a session
          // that only reaches the enrolment (withApi and requirePage read that from the database).
          if (result.ok) return { id: result.user.id, email: result.user.email, name: result.user.name };
          if (result.reason === "locked") throw new LockedOut(result.retryAfterS ?? 60);
          if (result.reason === "second_factor") throw new SecondFactorRequired();
          if (result.reason === "second_factor_invalid") throw new SecondFactorInvalid();
          throw new InvalidCredentials();
        },
      }),
    );
  }
  if (sso) {
    providers.push({
      id: OIDC_PROVIDER_ID,
      name: e.OIDC_NAME,
      type: "oidc",
      issuer: sso.issuer,
      clientId: e.OIDC_CLIENT_ID,
      clientSecret: e.OIDC_CLIENT_SECRET,
      // Authorization code flow with PKCE (S256), plus state and the ID token's nonce.
      checks: ["pkce", "state", "nonce"],
      authorization: { params: { scope: "openid email profile" } },
    });
  }
  return {
    trustHost: true,
    session: { strategy: "jwt", maxAge: 12 * 60 * 60 },
    pages: { signIn: "/login", error: "/login" },
    logger: {
      // A wrong password is an expected outcome, not an error worth a stack trace.
      error(error) {
        if (error.name === "CredentialsSignin" || (error as { type?: string }).type === "CredentialsSignin") return;
        console.error(error);
      },
    },
    providers,
    events: {
      // Logout ends the session on the server too: a copy of the cookie stops working at once.
      async signOut(message) {
        if ("token" in message) await endSessionOfJwt(message.token);
      },
    },
    callbacks: {
      async signIn({ user, account, profile }) {
        if (account?.provider !== OIDC_PROVIDER_ID) return true;
        if (!sso || !profile?.sub) return "/login?error=sso_failed";
        const result = await signInWithOidc(
          {
            subject: profile.sub,
            email: typeof profile.email === "string" ? profile.email : null,
            emailVerified: typeof profile.email_verified === "boolean" ? profile.email_verified : null,
            name: typeof profile.name === "string" ? profile.name : null,
            claims: profile as Record<string, unknown>,
          },
          sso,
          request ? clientMeta(request.headers) : {},
        );
        if (!result.ok) return `/login?error=${result.reason}`;
        // The session carries Baton's id of the person, never the provider's.
        user.id = result.user.id;
        user.email = result.user.email;
        user.name = result.user.name;
        return true;
      },
      jwt({ token, user, account }) {
        // At sign-in: the session's stable id and sign-in time, kept through every re-issue of the
        // JWT, so that logout and endSessionsOf can end it on the server (lib/identity/sessions.ts),
        // and whether it came through single sign-on (the sign-in policy covers password sign-in).
        if (user?.id) Object.assign(token, { uid: user.id }, newSessionClaims(), account?.provider === OIDC_PROVIDER_ID ? { sso: true } : {});
        return token;
      },
      session({ session, token }) {
        if (typeof token.uid === "string") session.user.id = token.uid;
        return session;
      },
    },
  };
});
