"use client";

import { useEffect } from "react";

/** Sends a signed-out visitor to the login page, remembering where they were going. */
export function LoginRedirect() {
  useEffect(() => {
    const here = window.location.pathname + window.location.search;
    window.location.replace(`/login?callbackUrl=${encodeURIComponent(here)}`);
  }, []);
  return <p className="p-8 text-sm text-slate-600">Redirecting to sign in…</p>;
}
