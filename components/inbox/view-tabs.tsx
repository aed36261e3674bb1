import clsx from "clsx";
import type { MeDto } from "@/lib/identity/schemas";
import type { InboxView } from "@/components/data/keys";
import type { ViewDef } from "./views";

/**
 * The inbox's views as tabs with their counts; a click changes the view without a page load. The
 * tabs wrap onto a second line rather than scroll: no view hides behind the edge of the bar.
 */
export function ViewTabs({ views, current, me, onShow }: { views: ViewDef[]; current: InboxView; me: MeDto | undefined; onShow: (id: InboxView) => void }) {
  return (
    <nav aria-label="Views" className="border-b border-slate-200 px-2 pt-2">
      <ul className="relative -mb-px flex flex-wrap gap-x-1">
        {views.map((v) => {
          const count = v.count && me ? v.count(me) : null;
          const isCurrent = v.id === current;
          return (
            <li key={v.id}>
              <a
                href={v.id === "inbox" ? "/inbox" : `/inbox?view=${v.id}`}
                aria-current={isCurrent ? "page" : undefined}
                onClick={(e) => {
                  e.preventDefault();
                  onShow(v.id);
                }}
                className={clsx(
                  "inline-flex items-center gap-1.5 rounded-t-md border-b-2 px-2 py-2 text-sm font-medium whitespace-nowrap",
                  isCurrent ? "border-indigo-600 text-indigo-800" : "border-transparent text-slate-600 hover:border-slate-300 hover:text-slate-900",
                )}
              >
                {v.label}
                {count !== null && (
                  <span className={clsx("min-w-5 rounded-full px-1.5 text-center text-xs tabular-nums", isCurrent ? "bg-indigo-100 text-indigo-800" : "bg-slate-100 text-slate-600")}>
                    {count}
                    <span className="sr-only"> tasks</span>
                  </span>
                )}
              </a>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
