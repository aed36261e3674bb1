import type { ReactNode } from "react";

/** The signed-out pages' frame (sign in, accept an invitation): the brand above one card. */
export function AuthCard({ children, after }: { children: ReactNode; after?: ReactNode }) {
  return (
    <main id="main" className="flex min-h-dvh items-center justify-center bg-gradient-to-b from-indigo-50 to-slate-50 px-4 py-10">
      <div className="w-full max-w-sm">
        <div className="mb-6 flex items-center justify-center gap-2">
          <span aria-hidden className="grid size-9 place-items-center rounded-lg bg-indigo-600 text-lg font-bold text-white">
            B
          </span>
          <span className="text-xl font-semibold text-slate-900">Baton</span>
        </div>
        <div className="rounded-xl bg-white p-6 shadow-sm ring-1 ring-slate-200">{children}</div>
        {after}
      </div>
    </main>
  );
}
