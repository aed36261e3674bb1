"use client";

import { createContext, useContext, useEffect, useState, type ReactNode } from "react";
import { useRouter } from "next/navigation";
import { Bell, BookOpen, Compass, Settings } from "lucide-react";
import { CommandMenu, type MenuCommand } from "@/components/inbox/command-menu";
import type { NavItem } from "./nav-links";
import { useFocusKeeper } from "./use-focus-keeper";

const NavCtx = createContext<NavItem[]>([]);

/** The pages this person may open (the main navigation), for any component that lists them. */
export function useNavItems(): NavItem[] {
  return useContext(NavCtx);
}

const icon = (I: typeof Compass) => <I className="size-4" />;

/** "Go to" entries for every page in the navigation, plus settings and the API reference. */
export function goToCommands(nav: NavItem[], goTo: (path: string) => void): MenuCommand[] {
  return [
    ...nav.map((n) => ({ id: `go-${n.href}`, group: "Go to", label: n.label, keywords: [n.href], icon: icon(Compass), run: () => goTo(n.href) })),
    { id: "settings", group: "Go to", label: "Settings (shortcuts, time zone)", keywords: ["preferences"], icon: icon(Settings), run: () => goTo("/settings") },
    { id: "notification-settings", group: "Go to", label: "Notification settings", keywords: ["digest", "e-mail"], icon: icon(Bell), run: () => goTo("/settings/notifications") },
    { id: "api-docs", group: "Go to", label: "API documentation", keywords: ["openapi", "rest"], icon: icon(BookOpen), run: () => goTo("/api/docs") },
  ];
}

/**
 * Ctrl+K / ⌘K on every signed-in page. The inbox opens its own, richer menu first (its listener
 * on the document claims the key); everywhere else this one offers the pages to go to.
 */
export function GlobalCommands({ nav, children }: { nav: NavItem[]; children: ReactNode }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  useFocusKeeper();
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || !(e.metaKey || e.ctrlKey) || e.altKey || e.key.toLowerCase() !== "k") return;
      if (document.querySelector("dialog[open]")) return;
      e.preventDefault();
      setOpen(true);
    };
    // On window: it runs after the inbox's document listener, which claims the key first.
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);
  return (
    <NavCtx.Provider value={nav}>
      {children}
      <CommandMenu open={open} onClose={() => setOpen(false)} commands={open ? goToCommands(nav, (p) => router.push(p)) : []} />
    </NavCtx.Provider>
  );
}
