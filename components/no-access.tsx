import Link from "next/link";
import { ShieldX } from "lucide-react";

/** Rendered by a server page when the signed-in person's role lacks the permission. No data is loaded. */
export function NoAccess({ what, permission }: { what: string; permission: string }) {
  return (
    <main id="main" className="mx-auto flex max-w-xl flex-col items-center px-6 py-20 text-center">
      <div className="mb-4 rounded-full bg-red-50 p-4 text-red-600">
        <ShieldX aria-hidden className="size-8" />
      </div>
      <h1 className="text-xl font-semibold text-slate-900">You don&apos;t have access to {what}</h1>
      <p className="mt-2 text-sm text-slate-600">
        This page needs the <code className="rounded bg-slate-100 px-1 py-0.5 text-xs">{permission}</code> permission, which your role doesn&apos;t
        include. If you need it for your work, ask an administrator.
      </p>
      <Link
        href="/inbox"
        className="mt-6 inline-flex h-9 items-center rounded-md bg-indigo-600 px-3.5 text-sm font-medium text-white hover:bg-indigo-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600"
      >
        Back to your inbox
      </Link>
    </main>
  );
}
