import type { Metadata } from "next";
import { Suspense } from "react";
import { MyRequestsView } from "@/components/requests/my-requests-view";
import { requirePage } from "../require-actor";

export const metadata: Metadata = { title: "My requests" };

export default async function MyRequestsPage() {
  await requirePage("/requests");
  return (
    <Suspense>
      <MyRequestsView />
    </Suspense>
  );
}
