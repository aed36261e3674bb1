"use client";
// A secret shown once (a new API token, a webhook signing secret): the value, Copy, and
// "I've stored it". Focus moves here so keyboard and screen-reader users meet it first.
import { useId, useState, type ReactNode } from "react";
import clsx from "clsx";
import { Check, Copy, TriangleAlert } from "lucide-react";
import { Button } from "@/components/ui/button";

export function SecretOnce({
  title,
  children,
  secret,
  secretLabel,
  onDone,
  className,
  testId,
}: {
  title: ReactNode;
  /** Why it is shown only once. */
  children: ReactNode;
  secret: string;
  secretLabel: string;
  onDone: () => void;
  className?: string;
  testId?: string;
}) {
  const [copied, setCopied] = useState(false);
  const headingId = useId();
  return (
    <section
      aria-labelledby={headingId}
      data-testid={testId}
      className={clsx("rounded-xl bg-amber-50 p-4 ring-1 ring-amber-300", className)}
      ref={(el) => el?.focus()}
      tabIndex={-1}
    >
      <h2 id={headingId} className="flex items-center gap-2 text-sm font-semibold text-amber-950">
        <TriangleAlert aria-hidden className="size-4" /> {title}
      </h2>
      <p className="mt-1 text-sm text-amber-900">{children}</p>
      <div className="mt-3 flex flex-wrap items-center gap-2">
        <code className="min-w-0 flex-1 rounded-md bg-white px-3 py-2 font-mono text-sm break-all text-slate-900 ring-1 ring-amber-200" aria-label={secretLabel}>
          {secret}
        </code>
        <Button
          onClick={async () => {
            try {
              await navigator.clipboard.writeText(secret);
              setCopied(true);
            } catch {
              setCopied(false);
            }
          }}
        >
          {copied ? <Check aria-hidden className="size-4" /> : <Copy aria-hidden className="size-4" />}
          {copied ? "Copied" : "Copy"}
        </Button>
        <Button variant="ghost" onClick={onDone}>
          I&apos;ve stored it
        </Button>
      </div>
    </section>
  );
}
