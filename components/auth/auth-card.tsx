import type { ReactNode } from "react";

/**
 * The signed-out pages' frame: the Baton mark and one card (sign in, forgot and reset password,
 * accept an invitation). Without a title the content brings its own heading (the invitation's
 * changes with the link).
 */
export function AuthCard({ title, lead, children, after }: { title?: string; lead?: string; children: ReactNode; after?: ReactNode }) {
  return (
    <main id="main" className="flex min-h-dvh items-center justify-center bg-gradient-to-b from-indigo-50 to-slate-50 px-4 py-10">
      <div className="w-full max-w-sm">
        <div className="mb-6 flex items-center justify-center gap-2">
          <span aria-hidden className="grid size-9 place-items-center rounded-lg bg-indigo-600 text-lg font-bold text-white">
            B
          </span>
          <span className="text-xl font-semibold text-slate-900">Baton</span>
        </div>
        <div className="rounded-xl bg-white p-6 shadow-sm ring-1 ring-slate-200">
          {title && <h1 className="text-lg font-semibold text-slate-900">{title}</h1>}
          {lead && <p className="mt-1 mb-5 text-sm text-slate-600">{lead}</p>}
          {children}
        </div>
        {after}
      </div>
    </main>
  );
}
