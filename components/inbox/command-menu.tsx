"use client";

import type { ReactNode } from "react";
import { Command } from "cmdk";
import { Search } from "lucide-react";
import { Dialog, useDialogClose } from "@/components/ui/dialog";

export interface MenuCommand {
  id: string;
  label: string;
  group: string;
  /** The key that does the same in the inbox: the menu teaches the shortcuts. */
  shortcut?: string;
  icon?: ReactNode;
  /** Extra words the filter matches ("accept" finds Approve). */
  keywords?: string[];
  run: () => void;
}

/**
 * Ctrl+K / ⌘K: every inbox action with its shortcut, filtered as you type (cmdk), in the app's
 * modal dialog (focus stays inside, Esc closes and returns focus where it was).
 */
export function CommandMenu({ open, onClose, commands }: { open: boolean; onClose: () => void; commands: MenuCommand[] }) {
  return (
    <Dialog open={open} onClose={onClose} title="Command menu" description="Type to filter; Enter runs the command. The key on the right does the same in the inbox." className="max-w-xl">
      <CommandList commands={commands} />
    </Dialog>
  );
}

function CommandList({ commands }: { commands: MenuCommand[] }) {
  const close = useDialogClose();
  const groups = [...new Set(commands.map((c) => c.group))];
  return (
    <Command label="Commands" loop className="-mx-5 -mb-5 border-t border-slate-200">
      <div className="flex items-center gap-2 border-b border-slate-200 px-4">
        <Search aria-hidden className="size-4 text-slate-500" />
        <Command.Input data-autofocus placeholder="Search commands…" className="h-11 w-full bg-transparent text-sm outline-none placeholder:text-slate-500" />
      </div>
      <Command.List className="max-h-[min(24rem,60dvh)] overflow-y-auto p-2">
        <Command.Empty className="px-3 py-6 text-center text-sm text-slate-600">No command matches.</Command.Empty>
        {groups.map((g) => (
          <Command.Group
            key={g}
            heading={g}
            className="[&_[cmdk-group-heading]]:px-2 [&_[cmdk-group-heading]]:pt-2 [&_[cmdk-group-heading]]:pb-1 [&_[cmdk-group-heading]]:text-xs [&_[cmdk-group-heading]]:font-medium [&_[cmdk-group-heading]]:text-slate-600"
          >
            {commands
              .filter((c) => c.group === g)
              .map((c) => (
                <Command.Item
                  key={c.id}
                  value={`${c.group} ${c.label}`}
                  keywords={c.keywords}
                  onSelect={() => {
                    close();
                    // After the menu has closed and focus is back, like a key press in the inbox.
                    requestAnimationFrame(() => c.run());
                  }}
                  className="flex cursor-pointer items-center gap-2.5 rounded-md px-2 py-2 text-sm text-slate-800 data-[selected=true]:bg-indigo-50 data-[selected=true]:text-indigo-900"
                >
                  <span aria-hidden className="text-slate-500">
                    {c.icon}
                  </span>
                  <span className="flex-1">{c.label}</span>
                  {c.shortcut && (
                    <kbd className="rounded border border-slate-300 bg-slate-50 px-1.5 py-0.5 font-mono text-[11px] text-slate-700">
                      <span className="sr-only">shortcut </span>
                      {c.shortcut}
                    </kbd>
                  )}
                </Command.Item>
              ))}
          </Command.Group>
        ))}
      </Command.List>
    </Command>
  );
}
