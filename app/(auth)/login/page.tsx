import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { LoginForm } from "@/components/auth/login-form";
import { env } from "@/lib/env";
import { safeCallbackUrl, sessionActor } from "../../(app)/require-actor";

export const metadata: Metadata = { title: "Sign in" };

export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const sp = await searchParams;
  const callbackUrl = safeCallbackUrl(sp.callbackUrl);
  // A signed-out or ended session is no session: it gets the form, not a redirect loop.
  if (await sessionActor()) redirect(callbackUrl);
  return (
    <main id="main" className="flex min-h-dvh items-center justify-center bg-gradient-to-b from-indigo-50 to-slate-50 px-4 py-10">
      <div className="w-full max-w-sm">
        <div className="mb-6 flex items-center justify-center gap-2">
          <span aria-hidden className="grid size-9 place-items-center rounded-lg bg-indigo-600 text-lg font-bold text-white">
            B
          </span>
          <span className="text-xl font-semibold text-slate-900">Baton</span>
        </div>
        <div className="rounded-xl bg-white p-6 shadow-sm ring-1 ring-slate-200">
          <h1 className="text-lg font-semibold text-slate-900">Sign in</h1>
          <p className="mt-1 mb-5 text-sm text-slate-600">Your decisions are waiting.</p>
          <LoginForm callbackUrl={callbackUrl} />
        </div>
        {/* The demo accounts' password is public: shown only in demo mode (security review M16). */}
        {env().DEMO_MODE && <DemoLogins />}
      </div>
    </main>
  );
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
