"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import clsx from "clsx";
import { useMe } from "@/components/data/queries";

export interface NavItem {
  href: string;
  label: string;
}

export function NavLinks({ items }: { items: NavItem[] }) {
  const pathname = usePathname();
  const me = useMe().data;
  // Everything waiting on me: my tasks, my groups' queue and questions put to me (updates live).
  const inboxCount = me ? me.counts.mine + me.counts.group + me.counts.askedOfMe : null;
  return (
    // min-w-0: on a phone the links scroll inside the header instead of widening the page.
    <nav aria-label="Main" className="relative flex min-w-0 items-center gap-0.5 overflow-x-auto">
      {items.map((item) => {
        const active = pathname === item.href || pathname.startsWith(`${item.href}/`) || (item.href === "/inbox" && pathname.startsWith("/tasks"));
        return (
          <Link
            key={item.href}
            href={item.href}
            aria-current={active ? "page" : undefined}
            className={clsx(
              "rounded-md px-2.5 py-1.5 text-sm font-medium whitespace-nowrap focus-visible:outline-2 focus-visible:outline-indigo-600",
              active ? "bg-indigo-50 text-indigo-800" : "text-slate-600 hover:bg-slate-100 hover:text-slate-900",
            )}
          >
            {item.label}
            {item.href === "/inbox" && inboxCount !== null && inboxCount > 0 && (
              <span data-testid="inbox-count" className="ml-1.5 rounded-full bg-indigo-600 px-1.5 text-xs font-semibold text-white tabular-nums">
                {inboxCount > 999 ? "999+" : inboxCount}
                <span className="sr-only"> waiting</span>
              </span>
            )}
          </Link>
        );
      })}
    </nav>
  );
}
