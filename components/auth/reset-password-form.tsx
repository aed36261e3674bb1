"use client";

import Link from "next/link";
import { useState, useSyncExternalStore, type FormEvent } from "react";
import { CircleCheck } from "lucide-react";
import { passwordResetSchema, type PasswordResetDoneDto } from "@/lib/account/schemas";
import { api, formErrorsOf } from "@/components/data/api";
import { Button } from "@/components/ui/button";
import { FormError, issuesToErrors } from "@/components/ui/field";
import { Input } from "@/components/ui/input";

const tokenInHash = () => new URLSearchParams(window.location.hash.slice(1)).get("token") ?? "";
function subscribeToHash(onChange: () => void) {
  window.addEventListener("hashchange", onChange);
  return () => window.removeEventListener("hashchange", onChange);
}

type Errors = Partial<Record<"token" | "password" | "confirm" | "form", string>>;

/**
 * The page the reset e-mail links to. The token travels in the URL's fragment (#token=…), which
 * browsers never send to a server: it stays out of access logs and Referer headers.
 */
export function ResetPasswordForm() {
  // null on the server (a fragment never reaches it), the fragment's token in the browser.
  const token = useSyncExternalStore(subscribeToHash, tokenInHash, () => null);
  const [password, setPassword] = useState("");
  const [confirm, setConfirm] = useState("");
  const [errors, setErrors] = useState<Errors>({});
  const [done, setDone] = useState<PasswordResetDoneDto | null>(null);
  const [busy, setBusy] = useState(false);

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    const parsed = passwordResetSchema.safeParse({ token, password });
    const fe: Errors = parsed.success ? {} : issuesToErrors(parsed.error.issues);
    if (password !== confirm) fe.confirm = "The two passwords differ";
    if (Object.keys(fe).length) return setErrors(fe.token ? { ...fe, form: fe.token } : fe);
    setErrors({});
    setBusy(true);
    try {
      setDone(await api<PasswordResetDoneDto>("/api/v1/account/password-reset/complete", { method: "POST", body: parsed.data }));
    } catch (err) {
      const fe2 = formErrorsOf(err) as Errors;
      setErrors(fe2.token ? { form: fe2.form } : fe2);
    }
    setBusy(false);
  }

  if (done)
    return (
      <div className="space-y-4">
        <p role="status" data-testid="password-reset-done" className="flex items-start gap-2 rounded-md bg-emerald-50 px-3 py-2.5 text-sm text-emerald-900 ring-1 ring-emerald-200 ring-inset">
          <CircleCheck aria-hidden className="mt-0.5 size-4 shrink-0" />
          Your password is changed. Sign in with it now.
        </p>
        <Link href="/login" className="text-sm font-medium text-indigo-700 underline-offset-2 hover:underline">
          Sign in
        </Link>
      </div>
    );
  if (token === "")
    return (
      <div className="space-y-4">
        <FormError error="This link has no reset token. Open the link from the e-mail again, or ask for a new one." />
        <Link href="/forgot-password" className="text-sm font-medium text-indigo-700 underline-offset-2 hover:underline">
          Ask for a new link
        </Link>
      </div>
    );
  return (
    <form onSubmit={onSubmit} noValidate className="space-y-4" aria-label="Choose a new password">
      <FormError error={errors.form} />
      {errors.form && (
        <Link href="/forgot-password" className="block text-sm font-medium text-indigo-700 underline-offset-2 hover:underline">
          Ask for a new link
        </Link>
      )}
      <Input label="New password" name="password" type="password" autoComplete="new-password" required autoFocus value={password} onChange={(e) => setPassword(e.target.value)} error={errors.password} />
      <Input label="New password again" name="confirm" type="password" autoComplete="new-password" required value={confirm} onChange={(e) => setConfirm(e.target.value)} error={errors.confirm} />
      <Button type="submit" variant="primary" loading={busy} disabled={token === null} className="w-full">
        Set new password
      </Button>
    </form>
  );
}
