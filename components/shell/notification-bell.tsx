"use client";

import { usePopover } from "./use-popover";
import Link from "next/link";
import { Bell, CheckCheck, Settings } from "lucide-react";
import clsx from "clsx";
import { useMarkNotificationsRead, useNotifications } from "./queries";
import { relative } from "@/components/tasks/format";
import { groupNotifications } from "./group-notifications";

export function NotificationBell() {
  const { open, setOpen, panelId, wrapper, button } = usePopover();
  const { data, isError } = useNotifications();
  const unread = data?.unread ?? 0;
  const markRead = useMarkNotificationsRead();

  const label = unread > 0 ? `Notifications, ${unread} unread` : "Notifications";
  return (
    <div ref={wrapper} className="relative">
      <button
        ref={button}
        type="button"
        aria-label={label}
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => setOpen((o) => !o)}
        className="relative grid size-9 place-items-center rounded-md text-slate-600 hover:bg-slate-100 hover:text-slate-900 focus-visible:outline-2 focus-visible:outline-indigo-600"
      >
        <Bell aria-hidden className="size-5" />
        {unread > 0 && (
          <span
            aria-hidden
            data-testid="unread-count"
            className="absolute -top-0.5 -right-0.5 min-w-[18px] rounded-full bg-red-600 px-1 text-center text-[11px] leading-[18px] font-semibold text-white"
          >
            {unread > 99 ? "99+" : unread}
          </span>
        )}
      </button>
      {open && (
        <div
          id={panelId}
          role="region"
          aria-label="Notifications"
          className="absolute right-0 mt-2 w-[min(24rem,calc(100vw-1.5rem))] overflow-hidden rounded-xl bg-white shadow-xl ring-1 ring-slate-200"
        >
          <div className="flex items-center justify-between border-b border-slate-100 px-4 py-2.5">
            <h2 className="text-sm font-semibold text-slate-900">Notifications</h2>
            <button
              type="button"
              disabled={unread === 0 || markRead.isPending}
              onClick={() => markRead.mutate({ all: true })}
              className="inline-flex items-center gap-1 rounded px-1.5 py-1 text-xs font-medium text-indigo-700 hover:bg-indigo-50 focus-visible:outline-2 focus-visible:outline-indigo-600 disabled:text-slate-400 disabled:hover:bg-transparent"
            >
              <CheckCheck aria-hidden className="size-3.5" /> Mark all read
            </button>
          </div>
          {isError && <p className="px-4 py-6 text-sm text-red-700">Couldn&apos;t load notifications.</p>}
          {data && data.data.length === 0 && <p className="px-4 py-8 text-center text-sm text-slate-500">Nothing new. You&apos;re all caught up.</p>}
          {data && data.data.length > 0 && (
            <ul className="max-h-[60vh] divide-y divide-slate-100 overflow-y-auto">
              {groupNotifications(data.data).map((g) => {
                const n = g.head;
                const unreadHere = g.unread > 0;
                const title = g.burst ? `${g.items.length} new tasks in your group's queue` : n.title;
                const more = !g.burst && g.items.length > 1 ? `${g.items.length - 1} earlier about this task` : null;
                const content = (
                  <span className="flex items-start gap-2">
                    <span aria-hidden className={clsx("mt-1.5 size-2 shrink-0 rounded-full", unreadHere ? "bg-indigo-600" : "bg-transparent")} />
                    <span className="min-w-0">
                      <span className={clsx("block text-sm", unreadHere ? "font-medium text-slate-900" : "text-slate-600")}>
                        {unreadHere && <span className="sr-only">Unread: </span>}
                        {title}
                      </span>
                      {g.burst ? (
                        <span className="mt-0.5 block truncate text-xs text-slate-600">Newest: {n.title}</span>
                      ) : (
                        n.body && <span className="mt-0.5 block truncate text-xs text-slate-600">{n.body}</span>
                      )}
                      <span className="mt-0.5 block text-xs text-slate-600">
                        {relative(n.createdAt)}
                        {more && ` · ${more}`}
                      </span>
                    </span>
                  </span>
                );
                const cls = "block w-full px-4 py-3 text-left hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-offset-[-2px] focus-visible:outline-indigo-600";
                const onOpen = () => {
                  const ids = g.items.filter((x) => !x.readAt).map((x) => x.id);
                  if (ids.length) markRead.mutate({ ids });
                  setOpen(false);
                };
                const href = g.burst ? "/inbox?view=group" : n.taskId ? `/inbox?task=${encodeURIComponent(n.taskId)}` : null;
                return (
                  <li key={g.key} data-testid="notification">
                    {href ? (
                      <Link href={href} className={cls} onClick={onOpen}>
                        {content}
                      </Link>
                    ) : (
                      <button type="button" className={cls} onClick={onOpen}>
                        {content}
                      </button>
                    )}
                  </li>
                );
              })}
            </ul>
          )}
          <div className="border-t border-slate-100 px-4 py-2">
            <Link
              href="/settings/notifications"
              onClick={() => setOpen(false)}
              className="inline-flex items-center gap-1.5 rounded px-1 py-0.5 text-xs font-medium text-slate-700 hover:text-slate-900 focus-visible:outline-2 focus-visible:outline-indigo-600"
            >
              <Settings aria-hidden className="size-3.5" /> Notification settings
            </Link>
          </div>
        </div>
      )}
    </div>
  );
}
