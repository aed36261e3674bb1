import type { Metadata } from "next";
import { Suspense } from "react";
import { InboxView } from "@/components/inbox/inbox-view";
import { pathWithQuery, requirePage } from "../require-actor";

export const metadata: Metadata = { title: "Inbox" };

export default async function InboxPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { actor } = await requirePage("/inbox", pathWithQuery("/inbox", await searchParams));
  // People who oversee work (or only read it) also get an "All tasks" view.
  const allowAllView = actor.role !== "MEMBER";
  return (
    <Suspense>
      <InboxView allowAllView={allowAllView} />
    </Suspense>
  );
}
