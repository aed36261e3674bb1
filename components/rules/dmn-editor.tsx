"use client";

import "dmn-js/dist/assets/diagram-js.css";
import "dmn-js/dist/assets/dmn-js-shared.css";
import "dmn-js/dist/assets/dmn-js-drd.css";
import "dmn-js/dist/assets/dmn-js-decision-table.css";
import "dmn-js/dist/assets/dmn-js-decision-table-controls.css";
import "dmn-js/dist/assets/dmn-js-literal-expression.css";
import "dmn-js/dist/assets/dmn-js-boxed-expression.css";
import "dmn-js/dist/assets/dmn-js-boxed-expression-controls.css";
import "dmn-js/dist/assets/dmn-font/css/dmn-embedded.css";
import "./dmn-editor.css";
import { useEffect, useRef, useState } from "react";
import clsx from "clsx";
import { Save, X } from "lucide-react";
import type DmnModeler from "dmn-js/lib/Modeler";
import type { DmnView } from "dmn-js/lib/Modeler";
import { isApiError } from "@/components/data/api";
import { Button } from "@/components/ui/button";
import { Skeleton } from "@/components/ui/skeleton";
import { convertDmnNamespaces, detectDmnVersion } from "@/lib/rules/dmn-versions";
import { ruleNumberHeaderModule } from "./dmn-rule-number-header";
import { ProblemMessage } from "./problem-message";
import { useUploadModel } from "./model-queries";
import { useDmnXml, useUploadDmn } from "./queries";

// The standard DMN editor (bpmn.io dmn-js, the one Camunda Modeler embeds) around one stored
// version: its DRD, decision tables, literal expressions and BKMs. dmn-js reads DMN 1.3, so a file
// of another version opens with its namespaces mapped to 1.3's and saves as DMN 1.3. Saving uploads
// the whole file through the same path as a .dmn upload: the server validates it, answers with the
// element it refuses, and stores a new draft version of every decision table in the model.

const VIEW_KIND: Record<DmnView["type"], string> = {
  drd: "diagram",
  decisionTable: "decision table",
  literalExpression: "literal expression",
  boxedExpression: "business knowledge model",
};

export function viewLabel(v: DmnView): string {
  return v.type === "drd" ? "Decision requirements diagram" : `${v.name || v.id} (${VIEW_KIND[v.type]})`;
}

/** The view to open first: the table's own decision, else the only table, else dmn-js' choice. */
function initialView(views: DmnView[], tableKey: string): DmnView | undefined {
  const tables = views.filter((v) => v.type === "decisionTable");
  return views.find((v) => v.type !== "drd" && v.element.id === tableKey) ?? (tables.length === 1 ? tables[0] : undefined);
}

/**
 * `tableKey` is the table's key, or with `model` the decision model's key (ADR 054): a model is
 * saved as a new draft version of itself (`?key=` keeps its key).
 */
export default function DmnEditor({ tableKey, version, onDone, model = false }: { tableKey: string; version: number; onDone: (savedVersion: number | null) => void; model?: boolean }) {
  const xml = useDmnXml(tableKey, version, model ? "model" : "table");
  const container = useRef<HTMLDivElement>(null);
  const modeler = useRef<DmnModeler | null>(null);
  const [views, setViews] = useState<{ all: DmnView[]; active: DmnView | null }>({ all: [], active: null });
  const [importError, setImportError] = useState<string | null>(null);
  const [changed, setChanged] = useState(false);
  const tableUpload = useUploadDmn();
  const modelUpload = useUploadModel();
  const upload = model ? modelUpload : tableUpload;
  const refusedElement = isApiError(upload.error) && typeof upload.error.problem.elementId === "string" ? upload.error.problem.elementId : null;

  useEffect(() => {
    if (xml.data === undefined || !container.current) return;
    const source = xml.data;
    const host = container.current;
    let cancelled = false;
    let instance: DmnModeler | null = null;
    void (async () => {
      // Client-only: dmn-js touches the DOM when it loads.
      const { default: Modeler } = await import("dmn-js/lib/Modeler");
      if (cancelled) return;
      // Baton's module names the rule-number column's header, which dmn-js leaves empty.
      instance = new Modeler({ container: host, decisionTable: { additionalModules: [ruleNumberHeaderModule] } });
      modeler.current = instance;
      const markChanged = () => setChanged(true);
      instance.on("views.changed", ({ views: all, activeView }) => {
        setViews({ all, active: activeView });
        // Every view has its own command stack: listen to the one now shown.
        instance?.getActiveViewer()?.off("elements.changed", markChanged);
        instance?.getActiveViewer()?.on("elements.changed", markChanged);
      });
      const from = detectDmnVersion(source);
      try {
        await instance.importXML(from && from !== "1.3" ? convertDmnNamespaces(source, from, "1.3") : source);
        const first = initialView(instance.getViews(), tableKey);
        if (first && !cancelled) await instance.open(first);
      } catch (e) {
        if (!cancelled) setImportError(e instanceof Error ? e.message : String(e));
      }
    })();
    return () => {
      cancelled = true;
      instance?.destroy();
      modeler.current = null;
    };
  }, [xml.data, tableKey]);

  // Marks the element the server refused, in whichever view shows it.
  useEffect(() => {
    const host = container.current;
    if (!host || !refusedElement) return;
    const marked = host.querySelectorAll(`[data-element-id="${CSS.escape(refusedElement)}"]`);
    marked.forEach((el) => el.classList.add("baton-dmn-refused"));
    return () => marked.forEach((el) => el.classList.remove("baton-dmn-refused"));
  }, [refusedElement, views.active]);

  async function save() {
    const m = modeler.current;
    if (!m) return;
    const { xml: saved } = await m.saveXML({ format: true });
    if (model) {
      modelUpload.mutate({ xml: saved, key: tableKey }, { onSuccess: (r) => onDone(r.version) });
      return;
    }
    const decisions = (m.getDefinitions()?.drgElement ?? []).filter((e) => e.$type === "dmn:Decision").map((e) => e.id);
    // A table stored under an explicit key (not its decision's id) keeps that key.
    tableUpload.mutate(
      { xml: saved, key: decisions.includes(tableKey) ? undefined : tableKey },
      { onSuccess: (r) => onDone(r.tables.find((t) => t.key === tableKey)?.version ?? null) },
    );
  }

  return (
    <section aria-label="DMN editor" className="space-y-3 rounded-lg bg-white p-3 ring-2 ring-indigo-300" data-testid="dmn-editor">
      <div className="flex flex-wrap items-center gap-2">
        <nav aria-label="Parts of the model" className="flex flex-wrap gap-1">
          {views.all.map((v) => (
            <button
              key={`${v.type}:${v.id}`}
              type="button"
              aria-pressed={views.active === v}
              onClick={() => void modeler.current?.open(v)}
              className={clsx(
                "rounded-md px-2.5 py-1 text-sm ring-1 ring-inset focus-visible:ring-2 focus-visible:ring-indigo-600 focus-visible:outline-none",
                views.active === v ? "bg-indigo-50 font-medium text-indigo-900 ring-indigo-300" : "text-slate-700 ring-slate-300 hover:bg-slate-50",
              )}
            >
              {viewLabel(v)}
            </button>
          ))}
        </nav>
        <div className="ml-auto flex gap-2">
          <Button variant="ghost" onClick={() => onDone(null)}>
            <X aria-hidden className="size-4" /> Cancel
          </Button>
          <Button variant="primary" onClick={() => void save()} loading={upload.isPending} disabled={!changed || importError !== null}>
            <Save aria-hidden className="size-4" /> Save as new draft
          </Button>
        </div>
      </div>
      {upload.isError && <ProblemMessage error={upload.error} title="Not saved" />}
      {xml.isError && <ProblemMessage error={xml.error} title="Couldn't load the DMN file" />}
      {importError && <ProblemMessage error={importError} title="The editor couldn't open this file" />}
      {xml.isPending && <Skeleton className="h-96 w-full" />}
      <div ref={container} className="baton-dmn-editor h-[32rem] min-h-80 resize-y overflow-auto rounded-md ring-1 ring-slate-200" data-testid="dmn-canvas" />
    </section>
  );
}
