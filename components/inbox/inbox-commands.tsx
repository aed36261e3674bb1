import { ArrowDown, ArrowUp, BookOpen, Check, CircleHelp, Hand, Inbox, ListChecks, MessageCircleQuestion, PanelRightOpen, Settings, Undo2, X } from "lucide-react";
import type { TaskDto } from "@/lib/tasks/schemas";
import type { InboxView } from "@/components/data/keys";
import type { MenuCommand } from "./command-menu";
import type { ViewDef } from "./views";

interface CommandContext {
  isTicked: (id: string) => boolean;
  heldLabel: string | null;
  views: ViewDef[];
  openTask: (t: TaskDto) => void;
  approve: (t: TaskDto) => void;
  reject: (t: TaskDto) => void;
  askInfo: (t: TaskDto) => void;
  claim: (t: TaskDto) => void;
  toggle: (id: string) => void;
  undo: () => void;
  moveBy: (delta: number) => void;
  showView: (id: InboxView) => void;
  openHelp: () => void;
  goTo: (path: string) => void;
}

const icon = (I: typeof Check) => <I className="size-4" />;

/** The command menu's entries for the task in focus when it opened (built then, not on every render). */
export function buildInboxCommands(menuTask: TaskDto | null, c: CommandContext): MenuCommand[] {
  const cmds: MenuCommand[] = [];
  if (menuTask) {
    const g = `Task ${menuTask.reference}`;
    cmds.push(
      { id: "open", group: g, label: "Open the task", shortcut: "Enter", icon: icon(PanelRightOpen), run: () => c.openTask(menuTask) },
      { id: "approve", group: g, label: "Approve", shortcut: "a", keywords: ["accept", "ok"], icon: icon(Check), run: () => c.approve(menuTask) },
      { id: "reject", group: g, label: "Reject…", shortcut: "r", keywords: ["decline", "deny"], icon: icon(X), run: () => c.reject(menuTask) },
      { id: "ask", group: g, label: "Ask for more information…", shortcut: "i", keywords: ["question", "info"], icon: icon(MessageCircleQuestion), run: () => c.askInfo(menuTask) },
      { id: "claim", group: g, label: "Claim", shortcut: "c", keywords: ["take", "assign to me"], icon: icon(Hand), run: () => c.claim(menuTask) },
      {
        id: "tick",
        group: g,
        label: c.isTicked(menuTask.id) ? "Untick for bulk action" : "Tick for a bulk action",
        shortcut: "x",
        keywords: ["select", "bulk"],
        icon: icon(ListChecks),
        run: () => c.toggle(menuTask.id),
      },
    );
  }
  if (c.heldLabel) cmds.push({ id: "undo", group: "Decision", label: `Undo: ${c.heldLabel}`, shortcut: "z", icon: icon(Undo2), run: c.undo });
  cmds.push(
    { id: "next", group: "Move", label: "Next task", shortcut: "j", icon: icon(ArrowDown), run: () => c.moveBy(1) },
    { id: "prev", group: "Move", label: "Previous task", shortcut: "k", icon: icon(ArrowUp), run: () => c.moveBy(-1) },
  );
  for (const v of c.views) cmds.push({ id: `view-${v.id}`, group: "Views", label: `Show ${v.label}`, icon: icon(Inbox), run: () => c.showView(v.id) });
  cmds.push(
    { id: "shortcuts", group: "Help", label: "Keyboard shortcuts", shortcut: "?", icon: icon(CircleHelp), run: c.openHelp },
    { id: "settings", group: "Go to", label: "Settings (shortcuts, time zone)", keywords: ["preferences"], icon: icon(Settings), run: () => c.goTo("/settings") },
    { id: "api-docs", group: "Go to", label: "API documentation", keywords: ["openapi", "rest"], icon: icon(BookOpen), run: () => c.goTo("/api/docs") },
  );
  return cmds;
}
