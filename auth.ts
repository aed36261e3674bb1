import NextAuth, { CredentialsSignin } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { authenticateWithPassword } from "@/lib/identity/service";
import { endSessionOfJwt, newSessionClaims } from "@/lib/identity/sessions";
import { clientMeta } from "@/lib/http/request-meta";

class InvalidCredentials extends CredentialsSignin {
  code = "invalid_credentials";
}
class LockedOut extends CredentialsSignin {
  code = "locked";
  constructor(retryAfterS: number) {
    super();
    this.code = `locked:${retryAfterS}`;
  }
}

export const { handlers, auth, signIn, signOut } = NextAuth({
  trustHost: true,
  session: { strategy: "jwt", maxAge: 12 * 60 * 60 },
  pages: { signIn: "/login" },
  logger: {
    // A wrong password is an expected outcome, not an error worth a stack trace.
    error(error) {
      if (error.name === "CredentialsSignin" || (error as { type?: string }).type === "CredentialsSignin") return;
      console.error(error);
    },
  },
  providers: [
    Credentials({
      credentials: { email: { label: "E-mail" }, password: { label: "Password", type: "password" } },
      async authorize(credentials, request) {
        const result = await authenticateWithPassword(credentials, clientMeta(request.headers));
        if (result.ok) return { id: result.user.id, email: result.user.email, name: result.user.name };
        if (result.reason === "locked") throw new LockedOut(result.retryAfterS ?? 60);
        throw new InvalidCredentials();
      },
    }),
  ],
  events: {
    // Logout ends the session on the server too: a copy of the cookie stops working at once.
    async signOut(message) {
      if ("token" in message) await endSessionOfJwt(message.token);
    },
  },
  callbacks: {
    jwt({ token, user }) {
      // At sign-in: the session's stable id and sign-in time, kept through every re-issue of the
      // JWT, so that logout and endSessionsOf can end it on the server (lib/identity/sessions.ts).
      if (user?.id) Object.assign(token, { uid: user.id }, newSessionClaims());
      return token;
    },
    session({ session, token }) {
      if (typeof token.uid === "string") session.user.id = token.uid;
      return session;
    },
  },
});
