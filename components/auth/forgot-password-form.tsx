"use client";

import Link from "next/link";
import { useState, type FormEvent } from "react";
import { MailCheck } from "lucide-react";
import { passwordResetRequestSchema, type PasswordResetRequestedDto } from "@/lib/account/schemas";
import { api, formErrorsOf } from "@/components/data/api";
import { Button } from "@/components/ui/button";
import { FormError, issuesToErrors } from "@/components/ui/field";
import { Input } from "@/components/ui/input";

/** "Forgot password": the answer is the same whether or not the address has an account. */
export function ForgotPasswordForm() {
  const [email, setEmail] = useState("");
  const [errors, setErrors] = useState<Partial<Record<"email" | "form", string>>>({});
  const [sent, setSent] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    const parsed = passwordResetRequestSchema.safeParse({ email });
    if (!parsed.success) return setErrors(issuesToErrors(parsed.error.issues));
    setErrors({});
    setBusy(true);
    try {
      const answer = await api<PasswordResetRequestedDto>("/api/v1/account/password-reset", { method: "POST", body: parsed.data });
      setSent(answer.message);
    } catch (err) {
      setErrors(formErrorsOf(err));
    }
    setBusy(false);
  }

  if (sent)
    return (
      <div className="space-y-4">
        <p role="status" data-testid="reset-requested" className="flex items-start gap-2 rounded-md bg-emerald-50 px-3 py-2.5 text-sm text-emerald-900 ring-1 ring-emerald-200 ring-inset">
          <MailCheck aria-hidden className="mt-0.5 size-4 shrink-0" />
          {sent}
        </p>
        <Link href="/login" className="text-sm font-medium text-indigo-700 underline-offset-2 hover:underline">
          Back to sign in
        </Link>
      </div>
    );
  return (
    <form onSubmit={onSubmit} noValidate className="space-y-4" aria-label="Ask for a password reset link">
      <FormError error={errors.form} />
      <Input label="E-mail" name="email" type="email" autoComplete="username" required autoFocus value={email} onChange={(e) => setEmail(e.target.value)} error={errors.email} />
      <Button type="submit" variant="primary" loading={busy} className="w-full">
        E-mail me a link
      </Button>
      <Link href="/login" className="block text-center text-sm font-medium text-indigo-700 underline-offset-2 hover:underline">
        Back to sign in
      </Link>
    </form>
  );
}
