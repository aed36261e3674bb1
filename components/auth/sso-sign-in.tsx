"use client";

import { useState } from "react";
import { signIn } from "next-auth/react";
import { KeyRound } from "lucide-react";
import { Button } from "@/components/ui/button";

/** "Sign in with <provider>": the authorization code flow with PKCE, started by next-auth. */
export function SsoSignIn({ name, callbackUrl, primary }: { name: string; callbackUrl: string; primary: boolean }) {
  const [busy, setBusy] = useState(false);
  return (
    <Button
      variant={primary ? "primary" : "secondary"}
      loading={busy}
      className="w-full"
      data-testid="sso-sign-in"
      onClick={() => {
        setBusy(true);
        void signIn("oidc", { redirectTo: callbackUrl });
      }}
    >
      <KeyRound aria-hidden className="size-4" />
      Sign in with {name}
    </Button>
  );
}
