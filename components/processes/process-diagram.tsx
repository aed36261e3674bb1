"use client";

import "@xyflow/react/dist/style.css";
import { useEffect, useMemo, useRef } from "react";
import { Background, Controls, Handle, MarkerType, Position, ReactFlow, useReactFlow, useStore, type Edge, type Node, type NodeProps } from "@xyflow/react";
import clsx from "clsx";
import { Check, CircleDot, CircleDashed, X, Undo2, SkipForward } from "lucide-react";
import { layoutDefinition, NODE_H, NODE_W } from "@/lib/processes/graph";
import type { ProcessDocument } from "@/lib/processes/schemas";

// The read-only diagram of a process version: steps as nodes, transitions as edges labelled with
// their condition or outcome, laid out by lib/processes/graph. On an instance, each step says in
// words (and shape, and colour) whether it is current, done, failed or not reached.

const FIT = { padding: 0.15, maxZoom: 1 };

/**
 * Fits the diagram to its box again when the box changes width (a phone turned, a window
 * resized): `fitView` alone fits it once, and a diagram fitted at 1280 px shows an empty corner at
 * 390 px.
 */
function FitOnResize() {
  const { fitView } = useReactFlow();
  const width = useStore((s) => s.width);
  // The first width is the `fitView` prop's to fit (once the nodes are measured).
  const fitted = useRef(0);
  useEffect(() => {
    if (width > 0 && fitted.current > 0 && width !== fitted.current) void fitView(FIT);
    if (width > 0) fitted.current = width;
  }, [width, fitView]);
  return null;
}

type StepState = "current" | "done" | "failed" | "skipped" | "compensated" | "not-reached";

const KIND_LABELS: Record<string, string> = {
  http: "HTTP call",
  set: "Set variables",
  decision: "Decision",
  human: "Human task",
  wait: "Wait for event",
  end: "End",
  parallel: "Parallel split",
  join: "Join",
};

const STATE_TEXT: Record<StepState, string> = {
  current: "Current",
  done: "Done",
  failed: "Failed",
  skipped: "Skipped",
  compensated: "Compensated",
  "not-reached": "Not reached",
};

const STATE_STYLE: Record<StepState, string> = {
  current: "border-indigo-600 border-[3px] bg-indigo-50 text-indigo-950",
  done: "border-emerald-600 border-2 bg-emerald-50 text-emerald-950",
  failed: "border-red-600 border-[3px] border-double bg-red-50 text-red-950",
  skipped: "border-slate-400 border-2 border-dotted bg-white text-slate-700",
  compensated: "border-amber-600 border-2 border-dashed bg-amber-50 text-amber-950",
  "not-reached": "border-slate-300 border border-dashed bg-white text-slate-700",
};

function StateIcon({ state }: { state: StepState }) {
  const cls = "size-3.5 shrink-0";
  if (state === "current") return <CircleDot aria-hidden className={cls} />;
  if (state === "done") return <Check aria-hidden className={cls} />;
  if (state === "failed") return <X aria-hidden className={cls} />;
  if (state === "compensated") return <Undo2 aria-hidden className={cls} />;
  if (state === "skipped") return <SkipForward aria-hidden className={cls} />;
  return <CircleDashed aria-hidden className={cls} />;
}

type StepNodeData = { stepId: string; kind: string; name: string | null; state: StepState | null; detail: string | null; isStart: boolean };
type StepNodeType = Node<StepNodeData, "step">;

function StepNode({ data }: NodeProps<StepNodeType>) {
  const state = data.state;
  return (
    <div
      className={clsx(
        "flex h-full w-full flex-col justify-center rounded-lg px-3 py-1.5 text-left shadow-xs",
        state ? STATE_STYLE[state] : data.kind === "end" ? "border-2 border-slate-500 bg-slate-50 text-slate-900" : "border border-slate-300 bg-white text-slate-900",
      )}
      data-testid={`diagram-step-${data.stepId}`}
      data-state={state ?? undefined}
    >
      <Handle type="target" position={Position.Top} isConnectable={false} className="size-1.5! border-0! bg-slate-400!" />
      <div className="flex items-center justify-between gap-2 text-[11px] font-medium tracking-wide whitespace-nowrap uppercase opacity-80">
        <span className="truncate">
          {KIND_LABELS[data.kind] ?? data.kind}
          {data.isStart && " · start"}
        </span>
        {state && (
          <span className="inline-flex shrink-0 items-center gap-0.5 normal-case">
            <StateIcon state={state} />
            {STATE_TEXT[state]}
          </span>
        )}
      </div>
      <div className="truncate text-sm font-semibold" title={data.name ?? data.stepId}>
        {data.name ?? data.stepId}
      </div>
      <div className="truncate font-mono text-[11px] opacity-75">{data.detail ?? data.stepId}</div>
      <Handle type="source" position={Position.Bottom} isConnectable={false} className="size-1.5! border-0! bg-slate-400!" />
    </div>
  );
}

const nodeTypes = { step: StepNode };

interface ProcessDiagramProps {
  document: ProcessDocument;
  /** Per step id, its state on an instance (omit for the definition alone). */
  states?: Record<string, StepState>;
  /** Extra text per step (e.g. "waiting for invoice.paid"). */
  details?: Record<string, string>;
  label: string;
}

/** The latest run of each step decides its state: pending, running or waiting is current. */
export function stepStates(runs: { stepId: string; status: string }[]): Record<string, StepState> {
  const out: Record<string, StepState> = {};
  for (const r of runs) {
    out[r.stepId] =
      r.status === "COMPLETED" ? "done" : r.status === "FAILED" ? "failed" : r.status === "SKIPPED" ? "skipped" : r.status === "COMPENSATED" ? "compensated" : "current";
  }
  return out;
}

export function ProcessDiagram({ document, states, details, label }: ProcessDiagramProps) {
  const graph = useMemo(() => layoutDefinition(document), [document]);
  const nodes = useMemo<StepNodeType[]>(
    () =>
      graph.nodes.map((n) => {
        const state = states ? (states[n.id] ?? "not-reached") : null;
        const kind = KIND_LABELS[n.kind] ?? n.kind;
        return {
          id: n.id,
          type: "step",
          position: { x: n.x, y: n.y },
          width: NODE_W,
          height: NODE_H,
          draggable: false,
          connectable: false,
          ariaLabel: `${kind} "${n.name ?? n.id}" (step ${n.id})${n.id === graph.start ? ", start" : ""}${state ? `: ${STATE_TEXT[state].toLowerCase()}` : ""}${details?.[n.id] ? `, ${details[n.id]}` : ""}`,
          data: { stepId: n.id, kind: n.kind, name: n.name, state, detail: details?.[n.id] ?? null, isStart: n.id === graph.start },
        };
      }),
    [graph, states, details],
  );
  const edges = useMemo<Edge[]>(
    () =>
      graph.edges.map((e) => {
        const travelled = states && states[e.source] && states[e.source] !== "not-reached" && states[e.target] && states[e.target] !== "not-reached";
        return {
          id: e.id,
          source: e.source,
          target: e.target,
          type: "smoothstep",
          label: e.label ?? undefined,
          focusable: false,
          markerEnd: { type: MarkerType.ArrowClosed, width: 16, height: 16, color: travelled ? "#4338ca" : "#64748b" },
          style: e.compensation
            ? { stroke: "#b45309", strokeWidth: 1.5, strokeDasharray: "2 4" }
            : { stroke: travelled ? "#4338ca" : "#64748b", strokeWidth: travelled ? 2.5 : 1.5, strokeDasharray: e.back ? "6 4" : undefined },
          labelStyle: { fontSize: 11, fill: "#1e293b" },
          labelBgStyle: { fill: "#ffffff" },
          labelBgPadding: [4, 2] as [number, number],
          labelShowBg: true,
        };
      }),
    [graph, states],
  );
  const height = Math.min(Math.max(graph.height + 96, 260), 680);
  return (
    <figure className="m-0">
      <div style={{ height }} className="w-full rounded-lg bg-slate-50 ring-1 ring-slate-200" data-testid="process-diagram" role="group" aria-label={label}>
        <ReactFlow
          nodes={nodes}
          edges={edges}
          nodeTypes={nodeTypes}
          fitView
          fitViewOptions={FIT}
          minZoom={0.2}
          maxZoom={1.5}
          nodesDraggable={false}
          nodesConnectable={false}
          elementsSelectable
          nodesFocusable
          edgesFocusable={false}
          zoomOnScroll={false}
          preventScrolling={false}
          proOptions={{ hideAttribution: true }}
        >
          <FitOnResize />
          <Background gap={24} size={1} color="#cbd5e1" />
          <Controls showInteractive={false} position="bottom-right" />
        </ReactFlow>
      </div>
      <figcaption className="mt-2 flex flex-wrap items-center gap-x-4 gap-y-1 text-xs text-slate-700" data-testid="diagram-legend">
        {states ? (
          (["current", "done", "failed", "not-reached"] as const).map((s) => (
            <span key={s} className="inline-flex items-center gap-1.5">
              <span className={clsx("inline-flex size-5 items-center justify-center rounded", STATE_STYLE[s])}>
                <StateIcon state={s} />
              </span>
              {STATE_TEXT[s]}
            </span>
          ))
        ) : (
          <span>Steps from the start (top) down; labels on arrows are the condition or outcome that takes that path.</span>
        )}
        <span className="inline-flex items-center gap-1.5">
          <svg width="28" height="8" aria-hidden>
            <line x1="0" y1="4" x2="28" y2="4" stroke="#64748b" strokeWidth="1.5" strokeDasharray="6 4" />
          </svg>
          Loops back
        </span>
        {graph.edges.some((e) => e.compensation) && (
          <span className="inline-flex items-center gap-1.5">
            <svg width="28" height="8" aria-hidden>
              <line x1="0" y1="4" x2="28" y2="4" stroke="#b45309" strokeWidth="1.5" strokeDasharray="2 4" />
            </svg>
            Compensated by (runs when a later step fails)
          </span>
        )}
        <span className="text-slate-500">Tab moves between steps.</span>
      </figcaption>
    </figure>
  );
}
