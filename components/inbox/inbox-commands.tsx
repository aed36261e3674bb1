import { ArrowDown, ArrowUp, Check, CircleHelp, Forward, Hand, Inbox, ListChecks, MessageCircleQuestion, PanelRightOpen, Undo2, X } from "lucide-react";
import { canForward } from "@/components/tasks/can-forward";
import { goToCommands } from "@/components/shell/global-commands";
import type { NavItem } from "@/components/shell/nav-links";
import type { TaskDto } from "@/lib/tasks/schemas";
import type { InboxView } from "@/components/data/keys";
import type { MenuCommand } from "./command-menu";
import type { ViewDef } from "./views";

interface CommandContext {
  /** The signed-in person (forwarding is for their own tasks). */
  meId: string | undefined;
  isTicked: (id: string) => boolean;
  heldLabel: string | null;
  views: ViewDef[];
  openTask: (t: TaskDto) => void;
  approve: (t: TaskDto) => void;
  reject: (t: TaskDto) => void;
  askInfo: (t: TaskDto) => void;
  claim: (t: TaskDto) => void;
  forward: (t: TaskDto) => void;
  toggle: (id: string) => void;
  undo: () => void;
  moveBy: (delta: number) => void;
  showView: (id: InboxView) => void;
  openHelp: () => void;
  goTo: (path: string) => void;
  /** The pages in the main navigation ("Go to"). */
  nav: NavItem[];
}

const icon = (I: typeof Check) => <I className="size-4" />;

/** The command menu's entries for the task in focus when it opened (built then, not on every render). */
export function buildInboxCommands(menuTask: TaskDto | null, c: CommandContext): MenuCommand[] {
  const cmds: MenuCommand[] = [];
  if (menuTask) {
    const g = `Task ${menuTask.reference}`;
    const can = menuTask.can;
    const all: (MenuCommand | false)[] = [
      { id: "open", group: g, label: "Open the task", shortcut: "Enter", icon: icon(PanelRightOpen), run: () => c.openTask(menuTask) },
      // Only what the task allows now (no "Approve" on a task waiting for an answer).
      can.decide && { id: "approve", group: g, label: "Approve", shortcut: "a", keywords: ["accept", "ok"], icon: icon(Check), run: () => c.approve(menuTask) },
      can.decide && { id: "reject", group: g, label: "Reject…", shortcut: "r", keywords: ["decline", "deny"], icon: icon(X), run: () => c.reject(menuTask) },
      can.requestInfo && { id: "ask", group: g, label: "Ask for more information…", shortcut: "i", keywords: ["question", "info"], icon: icon(MessageCircleQuestion), run: () => c.askInfo(menuTask) },
      can.claim && { id: "claim", group: g, label: "Claim", shortcut: "c", keywords: ["take", "assign to me"], icon: icon(Hand), run: () => c.claim(menuTask) },
      canForward(menuTask, c.meId) && { id: "forward", group: g, label: "Forward…", shortcut: "f", keywords: ["colleague", "pass on", "delegate"], icon: icon(Forward), run: () => c.forward(menuTask) },
      {
        id: "tick",
        group: g,
        label: c.isTicked(menuTask.id) ? "Untick for bulk action" : "Tick for a bulk action",
        shortcut: "x",
        keywords: ["select", "bulk"],
        icon: icon(ListChecks),
        run: () => c.toggle(menuTask.id),
      },
    ];
    cmds.push(...all.filter((x): x is MenuCommand => !!x));
  }
  if (c.heldLabel) cmds.push({ id: "undo", group: "Decision", label: `Undo: ${c.heldLabel}`, shortcut: "z", icon: icon(Undo2), run: c.undo });
  cmds.push(
    { id: "next", group: "Move", label: "Next task", shortcut: "j", icon: icon(ArrowDown), run: () => c.moveBy(1) },
    { id: "prev", group: "Move", label: "Previous task", shortcut: "k", icon: icon(ArrowUp), run: () => c.moveBy(-1) },
  );
  for (const v of c.views) cmds.push({ id: `view-${v.id}`, group: "Views", label: `Show ${v.label}`, icon: icon(Inbox), run: () => c.showView(v.id) });
  cmds.push(
    { id: "shortcuts", group: "Help", label: "Keyboard shortcuts", shortcut: "?", icon: icon(CircleHelp), run: c.openHelp },
  );
  cmds.push(...goToCommands(c.nav, c.goTo));
  return cmds;
}
