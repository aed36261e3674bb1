"use client";

import { DataTable, type DataColumn } from "@/components/ui/data-table";
import { Dialog } from "@/components/ui/dialog";

const SHORTCUTS: [string, string][] = [
  ["j", "Next task"],
  ["k", "Previous task"],
  ["↑ / ↓", "Move in the list (when it has focus)"],
  ["Enter", "Open the task"],
  ["a", "Approve"],
  ["r", "Reject (asks for a reason)"],
  ["1 – 9", "Choose an outcome of the open task's decision form (1 approves)"],
  ["i", "Ask for more information"],
  ["c", "Claim"],
  ["f", "Forward your task to a colleague (asks who and why)"],
  ["z", "Undo your last decision (for a few seconds after it)"],
  ["x", "Tick the task for a bulk action (shift-click ticks a range)"],
  ["?", "Show these shortcuts"],
  ["Ctrl K / ⌘K", "Command menu: every action, searchable"],
  ["Esc", "Close a dialog"],
];

const COLUMNS: DataColumn<[string, string]>[] = [
  {
    id: "key",
    header: "Key",
    meta: { rowHeader: true, className: "w-32" },
    cell: ({ row: { original } }) => <kbd className="rounded border border-slate-300 bg-slate-50 px-1.5 py-0.5 font-mono text-xs text-slate-800 shadow-xs">{original[0]}</kbd>,
  },
  { id: "what", header: "What it does", meta: { className: "text-slate-700" }, cell: ({ row: { original } }) => original[1] },
];

export function ShortcutsDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  return (
    <Dialog open={open} onClose={onClose} title="Keyboard shortcuts" description="Single-key shortcuts work while the inbox has focus and you are not typing in a field. Ctrl+K (⌘K) opens the command menu. You can switch single-key shortcuts off in Settings.">
      <DataTable label="Keyboard shortcuts" columns={COLUMNS} data={SHORTCUTS} getRowId={([key]) => key} density="compact" headerStyle="plain" />
    </Dialog>
  );
}
