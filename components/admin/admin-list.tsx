import type { ReactNode, Ref } from "react";

/** An admin screen's list panel: a titled card the table sits in (the heading takes focus after a delete). */
export function AdminList({ title, headingRef, children }: { title: string; headingRef?: Ref<HTMLHeadingElement>; children: ReactNode }) {
  const id = `list-${title.toLowerCase().replace(/\W+/g, "-")}`;
  return (
    <section aria-labelledby={id} className="h-fit min-w-0 overflow-hidden rounded-xl bg-white ring-1 ring-slate-200">
      <h2 id={id} ref={headingRef} tabIndex={-1} className="border-b border-slate-100 px-4 py-3 text-sm font-semibold text-slate-900 outline-none">
        {title}
      </h2>
      {children}
    </section>
  );
}
