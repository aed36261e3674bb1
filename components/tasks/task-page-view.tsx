"use client";

import { useEffect } from "react";
import Link from "next/link";
import { ArrowLeft } from "lucide-react";
import { TaskDetail } from "./task-detail";
import { RejectDialog } from "./reject-dialog";
import { RequestInfoDialog } from "./request-info-dialog";
import { useMe } from "@/components/data/queries";
import { useTaskActions } from "./use-task-actions";
import { UndoToast } from "./undo-toast";

/** A task on its own page (deep links, notifications, the audit log). */
export function TaskPageView({ taskId }: { taskId: string }) {
  const actions = useTaskActions();
  const me = useMe();
  const { held, undo } = actions;
  // z undoes your decision while its window is open (the inbox has the full key map).
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== "z" || e.metaKey || e.ctrlKey || e.altKey || !held) return;
      if (e.target instanceof HTMLElement && e.target.closest("input, textarea, select, [contenteditable], dialog")) return;
      e.preventDefault();
      void undo();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [held, undo]);
  return (
    <main id="main" className="mx-auto w-full max-w-3xl flex-1 px-4 py-6 sm:px-6">
      <Link href="/inbox" className="mb-4 inline-flex items-center gap-1 rounded text-sm text-slate-600 hover:text-slate-900">
        <ArrowLeft aria-hidden className="size-4" /> Inbox
      </Link>
      <div className="rounded-xl bg-white p-5 shadow-xs ring-1 ring-slate-200 sm:p-7">
        <TaskDetail pageHeading taskId={taskId} actions={actions} onApprove={(t) => void actions.run(t, "approve")} />
      </div>
      <RejectDialog
        task={actions.rejecting}
        onCancel={actions.closeReject}
        onSubmit={(task, reason) => {
          actions.closeReject();
          void actions.run(task, "reject", reason);
        }}
      />
      <UndoToast actions={actions} />
      <RequestInfoDialog
        task={actions.asking}
        meId={me.data?.id}
        onCancel={actions.closeAsk}
        onSubmit={(task, question, askTo) => {
          actions.closeAsk();
          void actions.run(task, "requestInfo", question, { askTo });
        }}
      />
    </main>
  );
}
