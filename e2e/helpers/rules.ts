import { expect, type APIRequestContext } from "@playwright/test";
import { invoiceRoutingTable } from "../../lib/rules/examples/invoice-routing";
import { modelToDmnXml } from "../../lib/rules/serialize";

/** Uploads the demo invoice-routing table under `key` as a new draft, after an optional change. */
export async function uploadRoutingTable(api: APIRequestContext, key: string, change?: (m: typeof invoiceRoutingTable) => void): Promise<void> {
  const m = structuredClone(invoiceRoutingTable);
  m.key = key;
  change?.(m);
  const res = await api.post("/api/v1/decision-tables", { data: modelToDmnXml(m), headers: { "content-type": "application/xml" } });
  expect(res.status(), await res.text()).toBe(201);
}
