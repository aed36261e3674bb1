"use client";

import Link from "next/link";
import { useRef, useState, type FormEvent } from "react";
import { signIn } from "next-auth/react";
import { CircleAlert } from "lucide-react";
import { credentialsSchema } from "@/lib/identity/schemas";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";

type FieldErrors = Partial<Record<"email" | "password", string>>;

/** Turns next-auth's CredentialsSignin code into words, never saying which part was wrong. */
function messageFor(code: string | undefined): string {
  const locked = /^locked:(\d+)$/.exec(code ?? "");
  if (locked) return `Too many attempts, try again in ${locked[1]} s.`;
  if (code === "second_factor_invalid") return "That code didn't work. Enter the code your app shows now (each code works once), or a recovery code.";
  return "That e-mail and password don't match an account. Check both and try again.";
}

export function LoginForm({ callbackUrl, autoFocus = true }: { callbackUrl: string; autoFocus?: boolean }) {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // The second step (ADR 037): the password was right and the person has a second factor.
  const [codeStep, setCodeStep] = useState(false);
  const [code, setCode] = useState("");
  const errorRef = useRef<HTMLDivElement>(null);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setError(null);
    const parsed = credentialsSchema.safeParse({ email, password });
    if (!parsed.success) {
      const fe: FieldErrors = {};
      for (const issue of parsed.error.issues) {
        const key = issue.path[0];
        if ((key === "email" || key === "password") && !fe[key]) fe[key] = issue.message;
      }
      setFieldErrors(fe);
      return;
    }
    setFieldErrors({});
    setBusy(true);
    try {
      const res = await signIn("credentials", { redirect: false, email: parsed.data.email, password, ...(codeStep ? { code } : {}) });
      if (res?.ok && !res.error) {
        window.location.assign(callbackUrl);
        return;
      }
      if (res?.code === "second_factor") {
        setCodeStep(true);
        setBusy(false);
        return;
      }
      setError(messageFor(res?.code));
      setCode("");
      if (!codeStep || res?.code !== "second_factor_invalid") {
        setCodeStep(false);
        setPassword("");
      }
    } catch {
      setError("Couldn't reach Baton. Check your connection and try again.");
    }
    setBusy(false);
    requestAnimationFrame(() => errorRef.current?.focus());
  }

  return (
    <form onSubmit={onSubmit} noValidate className="space-y-4" aria-describedby={error ? "login-error" : undefined}>
      {error && (
        <div
          ref={errorRef}
          id="login-error"
          tabIndex={-1}
          data-testid="login-error"
          className="flex items-start gap-2 rounded-md bg-red-50 px-3 py-2.5 text-sm text-red-800 ring-1 ring-red-200 ring-inset"
        >
          <CircleAlert aria-hidden className="mt-0.5 size-4 shrink-0" />
          <span role="alert">{error}</span>
        </div>
      )}
      {codeStep ? (
        <>
          <p className="text-sm text-slate-700">Enter the 6-digit code from your authenticator app for {email}.</p>
          <Input
            label="Authentication code"
            name="code"
            inputMode="numeric"
            autoComplete="one-time-code"
            required
            autoFocus
            value={code}
            onChange={(e) => setCode(e.target.value)}
            hint="Lost your phone? Enter one of your recovery codes instead."
          />
          <Button type="submit" variant="primary" loading={busy} className="w-full">
            Verify
          </Button>
          <button
            type="button"
            className="w-full text-center text-sm font-medium text-indigo-700 underline-offset-2 hover:underline"
            onClick={() => {
              setCodeStep(false);
              setCode("");
              setPassword("");
              setError(null);
            }}
          >
            Use another account
          </button>
        </>
      ) : (
        <>
          <Input
            label="E-mail"
            name="email"
            type="email"
            autoComplete="username"
            required
            autoFocus={autoFocus}
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            error={fieldErrors.email}
          />
          <Input
            label="Password"
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            error={fieldErrors.password}
          />
          <Button type="submit" variant="primary" loading={busy} className="w-full">
            Sign in
          </Button>
          <Link href="/forgot-password" className="block text-center text-sm font-medium text-indigo-700 underline-offset-2 hover:underline">
            Forgot your password?
          </Link>
        </>
      )}
    </form>
  );
}
