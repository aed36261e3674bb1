"use client";

import { useLayoutEffect, useRef, useState } from "react";
import { usePopover } from "./use-popover";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { Menu, X } from "lucide-react";
import clsx from "clsx";
import { useMe } from "@/components/data/queries";
import { inboxCount } from "@/components/inbox/views";

export interface NavItem {
  href: string;
  label: string;
}

function isActive(pathname: string, href: string): boolean {
  return pathname === href || pathname.startsWith(`${href}/`) || (href === "/inbox" && pathname.startsWith("/tasks"));
}

/** The inbox's count, the same sum as its "Inbox" tab (updates live). */
function useInboxCount(): number | null {
  const me = useMe().data;
  return me ? inboxCount(me) : null;
}

function InboxCount({ count }: { count: number | null }) {
  if (count === null || count <= 0) return null;
  return (
    <span data-testid="inbox-count" className="ml-1.5 rounded-full bg-indigo-600 px-1.5 text-xs font-semibold text-white tabular-nums">
      {count > 999 ? "999+" : count}
      <span className="sr-only"> waiting</span>
    </span>
  );
}

/**
 * Whether the strip's links fit its box (measured whenever either changes size). The strip takes
 * the header's free space; an admin's thirteen links do not fit beside the user's name at 1280 px.
 */
function useStripFits() {
  const box = useRef<HTMLElement>(null);
  const row = useRef<HTMLDivElement>(null);
  const [fits, setFits] = useState(true);
  useLayoutEffect(() => {
    const nav = box.current;
    const links = row.current;
    if (!nav || !links) return;
    // Hidden below `lg` (both measure 0): the Menu button is shown there anyway.
    const measure = () => setFits(links.offsetWidth <= nav.clientWidth);
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(nav);
    observer.observe(links);
    return () => observer.disconnect();
  }, []);
  return { box, row, fits };
}

/**
 * The main navigation: a strip of links from `lg` up when they fit; otherwise (phones, tablets, and
 * a header too narrow for an admin's links beside the name) a Menu button that opens the same
 * links as a list. The strip stays in the layout, invisible, while it does not fit, so that it is
 * measured again when the window widens.
 */
export function NavLinks({ items }: { items: NavItem[] }) {
  const pathname = usePathname();
  const inboxCount = useInboxCount();
  const { box, row, fits } = useStripFits();
  return (
    <>
      <NavMenu items={items} pathname={pathname} inboxCount={inboxCount} always={!fits} />
      <nav ref={box} aria-label="Main" className={clsx("hidden min-w-0 flex-1 overflow-hidden lg:flex", !fits && "invisible")}>
        <div ref={row} className="flex items-center gap-0.5">
          {items.map((item) => {
            const active = isActive(pathname, item.href);
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
                {item.href === "/inbox" && <InboxCount count={inboxCount} />}
              </Link>
            );
          })}
        </div>
      </nav>
    </>
  );
}

/** `always`: shown at every width (the strip does not fit); else only below `lg`. */
function NavMenu({ items, pathname, inboxCount, always }: { items: NavItem[]; pathname: string; inboxCount: number | null; always: boolean }) {
  const { open, setOpen, panelId, wrapper, button } = usePopover();
  const current = items.find((i) => isActive(pathname, i.href));

  return (
    <div ref={wrapper} className={clsx("min-w-0", !always && "lg:hidden")}>
      <button
        ref={button}
        type="button"
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => setOpen((o) => !o)}
        className="flex min-h-9 min-w-0 items-center gap-1.5 rounded-md px-2 py-1.5 text-sm font-medium text-slate-700 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-indigo-600"
      >
        {open ? <X aria-hidden className="size-5 shrink-0" /> : <Menu aria-hidden className="size-5 shrink-0" />}
        <span className="truncate">Menu</span>
        {current && <span className="sr-only">, on {current.label}</span>}
        {current?.href !== "/inbox" && <InboxCount count={inboxCount} />}
      </button>
      {open && (
        <nav
          id={panelId}
          aria-label="Main"
          className="absolute inset-x-0 top-full border-b border-slate-200 bg-white px-3 py-2 shadow-lg"
        >
          <ul className="grid gap-0.5 sm:grid-cols-2">
            {items.map((item) => {
              const active = isActive(pathname, item.href);
              return (
                <li key={item.href}>
                  <Link
                    href={item.href}
                    aria-current={active ? "page" : undefined}
                    onClick={() => setOpen(false)}
                    className={clsx(
                      "flex min-h-11 items-center rounded-md px-3 text-base font-medium focus-visible:outline-2 focus-visible:outline-indigo-600",
                      active ? "bg-indigo-50 text-indigo-800" : "text-slate-700 hover:bg-slate-100",
                    )}
                  >
                    {item.label}
                    {item.href === "/inbox" && <InboxCount count={inboxCount} />}
                  </Link>
                </li>
              );
            })}
          </ul>
        </nav>
      )}
    </div>
  );
}
