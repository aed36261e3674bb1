"use client";

import { useEffect, useRef, useState, type FormEvent } from "react";
import { signIn } from "next-auth/react";
import { CircleAlert } from "lucide-react";
import { api, ApiError } from "@/components/data/api";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Skeleton } from "@/components/ui/skeleton";
import { newPasswordSchema } from "@/lib/identity/schemas";
import type { InvitationLookup } from "@/lib/people/schemas";
import { SsoSignIn } from "./sso-sign-in";

const NO_LINK = "This page needs the link from your invitation e-mail. Open the link from the e-mail again.";

type State = { kind: "loading" } | { kind: "invalid"; message: string } | { kind: "ready"; invitation: InvitationLookup; token: string };

/** The invite page: who the link is for, then a new password (or single sign-on), then the inbox. */
export function AcceptInvitation() {
  const [state, setState] = useState<State>({ kind: "loading" });
  useEffect(() => {
    const token = decodeURIComponent(window.location.hash.slice(1));
    const ctrl = new AbortController();
    const lookup = token
      ? api<InvitationLookup>("/api/v1/invitations/lookup", { method: "POST", body: { token }, signal: ctrl.signal })
      : Promise.reject(new Error(NO_LINK));
    lookup
      .then((invitation) => setState({ kind: "ready", invitation, token }))
      .catch((e: unknown) => {
        if ((e as Error).name === "AbortError") return;
        const message =
          (e as Error).message === NO_LINK
            ? NO_LINK
            : e instanceof ApiError && e.status !== 0 && e.status < 500
              ? "This invitation link is not valid any more. Ask your administrator for a new one."
              : "Couldn't reach Baton. Check your connection and reload the page.";
        setState({ kind: "invalid", message });
      });
    return () => ctrl.abort();
  }, []);

  if (state.kind === "loading") {
    return (
      <div aria-busy="true" aria-label="Reading your invitation" className="space-y-3">
        <Skeleton className="h-6 w-2/3" />
        <Skeleton className="h-4 w-full" />
        <Skeleton className="h-9 w-full" />
      </div>
    );
  }
  if (state.kind === "invalid") {
    return (
      <>
        <h1 className="text-lg font-semibold text-slate-900">Join Baton</h1>
        <p data-testid="invitation-invalid" role="alert" className="mt-3 flex items-start gap-2 rounded-md bg-red-50 px-3 py-2.5 text-sm text-red-800 ring-1 ring-red-200 ring-inset">
          <CircleAlert aria-hidden className="mt-0.5 size-4 shrink-0" />
          {state.message}
        </p>
      </>
    );
  }
  const { invitation, token } = state;
  return (
    <>
      <h1 className="text-lg font-semibold text-slate-900">Welcome, {invitation.name}</h1>
      <p className="mt-1 mb-5 text-sm text-slate-600">
        You are joining Baton as <span className="font-medium text-slate-900">{invitation.email}</span>.
      </p>
      {invitation.sso && <SsoSignIn name={invitation.sso} callbackUrl="/inbox" primary={!invitation.passwordSignIn} />}
      {invitation.sso && invitation.passwordSignIn && (
        <div className="my-5 flex items-center gap-3 text-xs text-slate-500" aria-hidden>
          <span className="h-px flex-1 bg-slate-200" />
          or set a password
          <span className="h-px flex-1 bg-slate-200" />
        </div>
      )}
      {invitation.passwordSignIn && <SetPasswordForm token={token} email={invitation.email} />}
    </>
  );
}

function SetPasswordForm({ token, email }: { token: string; email: string }) {
  const [password, setPassword] = useState("");
  const [repeat, setRepeat] = useState("");
  const [errors, setErrors] = useState<{ password?: string; repeat?: string }>({});
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const problemRef = useRef<HTMLDivElement>(null);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setProblem(null);
    const parsed = newPasswordSchema.safeParse(password);
    const fe = { password: parsed.success ? undefined : parsed.error.issues[0]?.message, repeat: password === repeat ? undefined : "The two passwords differ" };
    setErrors(fe);
    if (fe.password || fe.repeat) return;
    setBusy(true);
    try {
      await api("/api/v1/invitations/accept", { method: "POST", body: { token, password } });
      const res = await signIn("credentials", { redirect: false, email, password });
      // Signed in: a full load, so the app starts with the new session.
      window.location.assign(res?.ok && !res.error ? "/inbox" : "/login");
      return;
    } catch (err) {
      setProblem(err instanceof ApiError ? err.message : "Couldn't reach Baton. Check your connection and try again.");
    }
    setBusy(false);
    requestAnimationFrame(() => problemRef.current?.focus());
  }

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-4" data-testid="set-password-form">
      {problem && (
        <div ref={problemRef} tabIndex={-1} className="flex items-start gap-2 rounded-md bg-red-50 px-3 py-2.5 text-sm text-red-800 ring-1 ring-red-200 ring-inset">
          <CircleAlert aria-hidden className="mt-0.5 size-4 shrink-0" />
          <span role="alert">{problem}</span>
        </div>
      )}
      {/* For password managers: the account the new password belongs to. */}
      <input type="hidden" name="username" autoComplete="username" value={email} />
      <Input label="New password" name="password" type="password" autoComplete="new-password" required autoFocus hint="At least 12 characters." value={password} onChange={(e) => setPassword(e.target.value)} error={errors.password} />
      <Input label="Repeat the password" name="repeat" type="password" autoComplete="new-password" required value={repeat} onChange={(e) => setRepeat(e.target.value)} error={errors.repeat} />
      <Button type="submit" className="w-full" loading={busy}>
        Set password and sign in
      </Button>
    </form>
  );
}
