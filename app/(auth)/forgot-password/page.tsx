import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { AuthCard } from "@/components/auth/auth-card";
import { ForgotPasswordForm } from "@/components/auth/forgot-password-form";
import { env } from "@/lib/env";

// Rendered per request: the page's scripts carry the nonce of the CSP proxy.ts sets (a prerendered
// page has none, and the browser refuses its scripts).
export const dynamic = "force-dynamic";

export const metadata: Metadata = { title: "Forgot password" };

export default function ForgotPasswordPage() {
  // Single sign-on only: there is no password to reset here.
  if (!env().PASSWORD_SIGNIN) notFound();
  return (
    <AuthCard title="Forgot your password?" lead="Enter the e-mail address you sign in with. We will e-mail you a link to choose a new password.">
      <ForgotPasswordForm />
    </AuthCard>
  );
}
