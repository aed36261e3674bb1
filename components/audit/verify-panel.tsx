"use client";

import { ShieldAlert, ShieldCheck } from "lucide-react";
import { ApiError } from "@/components/data/api";
import { Button } from "@/components/ui/button";
import { useVerifyChain } from "./queries";

/** Runs the hash-chain verification and shows its result in place. */
export function VerifyChainPanel() {
  const verify = useVerifyChain();
  const r = verify.data;
  return (
    <div className="flex flex-col items-end gap-2">
      <Button onClick={() => verify.mutate()} loading={verify.isPending}>
        <ShieldCheck aria-hidden className="size-4" /> Verify integrity
      </Button>
      <div role="status" aria-live="polite" className="max-w-md text-right text-sm">
        {r?.ok && (
          <p className="flex items-center justify-end gap-1.5 text-emerald-800" data-testid="verify-result">
            <ShieldCheck aria-hidden className="size-4 shrink-0" />
            Chain intact: {r.checked.toLocaleString()} entries checked in {r.ms} ms
            {r.archivedUpTo ? `, continuing from the archive at #${r.archivedUpTo}` : ""}.
          </p>
        )}
        {r && !r.ok && (
          <p className="flex items-start justify-end gap-1.5 text-red-800" data-testid="verify-result">
            <ShieldAlert aria-hidden className="mt-0.5 size-4 shrink-0" />
            Chain broken at entry #{r.firstBroken?.seq} (chain position {r.firstBroken?.chainIndex}): {r.firstBroken?.detail}.
          </p>
        )}
        {verify.isError && (
          <p className="text-red-800">{verify.error instanceof ApiError ? verify.error.message : "Verification failed to run. Try again."}</p>
        )}
      </div>
    </div>
  );
}
