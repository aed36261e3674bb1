import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { CircleAlert } from "lucide-react";
import { AuthCard } from "@/components/auth/auth-card";
import { LoginForm } from "@/components/auth/login-form";
import { SsoSignIn } from "@/components/auth/sso-sign-in";
import { env } from "@/lib/env";
import { safeCallbackUrl, sessionActor } from "../../(app)/require-actor";

export const metadata: Metadata = { title: "Sign in" };

export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const sp = await searchParams;
  const callbackUrl = safeCallbackUrl(sp.callbackUrl);
  // A signed-out or ended session is no session: it gets the form, not a redirect loop.
  if (await sessionActor()) redirect(callbackUrl);
  const e = env();
  const sso = e.OIDC_ISSUER ? e.OIDC_NAME : null;
  const problem = signInProblem(typeof sp.error === "string" ? sp.error : undefined, sso);
  return (
    <AuthCard
      after={
        /* The demo accounts' password is public: shown only in demo mode (security review M16). */
        e.DEMO_MODE && e.PASSWORD_SIGNIN && <DemoLogins />
      }
    >
      <h1 className="text-lg font-semibold text-slate-900">Sign in</h1>
      <p className="mt-1 mb-5 text-sm text-slate-600">Your decisions are waiting.</p>
      {problem && (
        <div
          id="sign-in-problem"
          data-testid="sign-in-problem"
          className="mb-4 flex items-start gap-2 rounded-md bg-red-50 px-3 py-2.5 text-sm text-red-800 ring-1 ring-red-200 ring-inset"
        >
          <CircleAlert aria-hidden className="mt-0.5 size-4 shrink-0" />
          <span role="alert">{problem}</span>
        </div>
      )}
      {sso && <SsoSignIn name={sso} callbackUrl={callbackUrl} primary={!e.PASSWORD_SIGNIN} />}
      {sso && e.PASSWORD_SIGNIN && (
        <div className="my-5 flex items-center gap-3 text-xs text-slate-500" aria-hidden>
          <span className="h-px flex-1 bg-slate-200" />
          or with your password
          <span className="h-px flex-1 bg-slate-200" />
        </div>
      )}
      {e.PASSWORD_SIGNIN && <LoginForm callbackUrl={callbackUrl} autoFocus={!sso} />}
    </AuthCard>
  );
}

/** Why single sign-on sent the person back here (auth.ts and next-auth's own error codes), in words. */
function signInProblem(code: string | undefined, sso: string | null): string | null {
  if (!code) return null;
  switch (code) {
    case "deactivated":
      return "Your Baton account has been deactivated. Ask an administrator if you need access again.";
    case "service_account":
      return "This identity belongs to a service account, which cannot sign in.";
    case "no_email":
      return `${sso ?? "Single sign-on"} did not share your e-mail address, which Baton needs. Ask your administrator to release the email claim.`;
    case "unverified_email":
      return `Your e-mail address is not verified at ${sso ?? "your identity provider"}, so it cannot be linked to your Baton account.`;
    case "linked_elsewhere":
      return "Your e-mail address is already linked to another single sign-on identity. Ask an administrator.";
    case "CredentialsSignin":
      return null;
    default:
      return `Signing in with ${sso ?? "single sign-on"} did not work. Try again, or ask an administrator if it keeps happening.`;
  }
}

const DEMO = [
  ["maya@acme.test", "AP clerk (member)"],
  ["dana@acme.test", "AP clerk (member)"],
  ["sam@acme.test", "Finance lead (supervisor)"],
  ["ana@acme.test", "Auditor"],
  ["priya@acme.test", "Admin"],
] as const;

function DemoLogins() {
  return (
    <details className="mt-4 rounded-lg bg-white/70 p-4 text-sm text-slate-700 ring-1 ring-slate-200">
      <summary className="cursor-pointer font-medium text-slate-800">Demo logins</summary>
      <p className="mt-2 text-xs text-slate-600">
        Every demo account uses the password <code className="rounded bg-slate-100 px-1">baton-demo</code>.
      </p>
      <ul className="mt-2 space-y-1">
        {DEMO.map(([email, who]) => (
          <li key={email} className="flex justify-between gap-3 text-xs">
            <code className="text-slate-900">{email}</code>
            <span className="text-slate-500">{who}</span>
          </li>
        ))}
      </ul>
    </details>
  );
}
