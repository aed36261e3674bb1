import Link from "next/link";
import clsx from "clsx";

/** The dashboard's two pages: process KPIs and live queue health. */
export function DashboardTabs({ current }: { current: "kpis" | "queues" }) {
  const tabs = [
    { id: "kpis", href: "/dashboard", label: "Process KPIs" },
    { id: "queues", href: "/dashboard/queues", label: "Queue health" },
  ] as const;
  return (
    <nav aria-label="Dashboard pages" className="flex gap-1 rounded-lg bg-slate-100 p-1">
      {tabs.map((t) => (
        <Link
          key={t.id}
          href={t.href}
          aria-current={current === t.id ? "page" : undefined}
          className={clsx(
            "rounded-md px-3 py-1.5 text-sm font-medium focus-visible:outline-2 focus-visible:outline-indigo-600",
            current === t.id ? "bg-white text-slate-900 shadow-xs" : "text-slate-600 hover:text-slate-900",
          )}
        >
          {t.label}
        </Link>
      ))}
    </nav>
  );
}
