import type { MeDto } from "@/lib/identity/schemas";
import type { InboxView } from "@/components/data/keys";

export interface ViewDef {
  id: InboxView;
  label: string;
  count?: (me: MeDto) => number;
  empty: { title: string; body: string };
}

/** The "Inbox" view's count: the header's badge shows the same number (one sum, never two). */
export const inboxCount = (me: MeDto) => me.counts.mine + me.counts.infoRequested + me.counts.group + me.counts.askedOfMe;

export const VIEWS: ViewDef[] = [
  {
    id: "inbox",
    label: "Inbox",
    count: inboxCount,
    empty: { title: "All caught up", body: "Nothing is waiting for you or your groups. New work shows up here on its own." },
  },
  {
    id: "mine",
    label: "Assigned to me",
    count: (me) => me.counts.mine + me.counts.infoRequested,
    empty: { title: "Nothing assigned to you", body: "Claim a task from the group queue, or enjoy the quiet." },
  },
  {
    id: "group",
    label: "Group queue",
    count: (me) => me.counts.group,
    empty: { title: "The queue is empty", body: "No unclaimed tasks in your groups right now." },
  },
  {
    id: "asked",
    label: "Info requested of me",
    count: (me) => me.counts.askedOfMe,
    empty: { title: "No questions for you", body: "When someone asks you for more information on a task, it waits here for your answer." },
  },
  { id: "decided", label: "Recently decided", empty: { title: "No decisions yet", body: "Tasks you approve or reject are listed here." } },
  { id: "all", label: "All tasks", empty: { title: "No tasks", body: "There are no tasks you can see." } },
];

export function parseView(raw: string | null, allowAll: boolean): InboxView {
  const v = VIEWS.find((x) => x.id === raw)?.id ?? "inbox";
  return v === "all" && !allowAll ? "inbox" : v;
}
