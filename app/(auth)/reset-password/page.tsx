import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { AuthCard } from "@/components/auth/auth-card";
import { ResetPasswordForm } from "@/components/auth/reset-password-form";
import { env } from "@/lib/env";

// Rendered per request: the page's scripts carry the nonce of the CSP proxy.ts sets (a prerendered
// page has none, and the browser refuses its scripts).
export const dynamic = "force-dynamic";

export const metadata: Metadata = { title: "Choose a new password" };

export default function ResetPasswordPage() {
  if (!env().PASSWORD_SIGNIN) notFound();
  return (
    <AuthCard title="Choose a new password" lead="At least 12 characters. Every session signed in with your old password ends.">
      <ResetPasswordForm />
    </AuthCard>
  );
}
