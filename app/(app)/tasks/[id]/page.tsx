import type { Metadata } from "next";
import { TaskPageView } from "@/components/tasks/task-page-view";
import { requirePage } from "../../require-actor";

export const metadata: Metadata = { title: "Task" };

export default async function TaskPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  await requirePage("/tasks/[id]", `/tasks/${encodeURIComponent(id)}`);
  return <TaskPageView taskId={id} />;
}
