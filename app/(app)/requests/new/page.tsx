import type { Metadata } from "next";
import { CatalogueView } from "@/components/requests/catalogue-view";
import { requirePage } from "../../require-actor";

export const metadata: Metadata = { title: "New request" };

export default async function NewRequestPage() {
  await requirePage("/requests/new");
  return <CatalogueView />;
}
