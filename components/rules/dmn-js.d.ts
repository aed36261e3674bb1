// dmn-js ships no type declarations; these cover what the browser editor uses.
declare module "dmn-js/lib/Modeler" {
  export interface DmnElement {
    $type: string;
    id: string;
    name?: string;
    drgElement?: DmnElement[];
    [key: string]: unknown;
  }
  export interface DmnView {
    id: string;
    name?: string;
    type: "drd" | "decisionTable" | "literalExpression" | "boxedExpression";
    element: DmnElement;
  }
  export interface DmnViewer {
    on(event: string, callback: (e: unknown) => void): void;
    off(event: string, callback: (e: unknown) => void): void;
  }
  export default class DmnModeler {
    constructor(options: { container: HTMLElement; common?: Record<string, unknown>; [key: string]: unknown });
    importXML(xml: string): Promise<{ warnings: { message: string }[] }>;
    saveXML(options?: { format?: boolean }): Promise<{ xml: string }>;
    getViews(): DmnView[];
    getActiveView(): DmnView | null;
    getActiveViewer(): DmnViewer | null;
    getDefinitions(): DmnElement | null;
    open(view: DmnView): Promise<unknown>;
    on(event: "views.changed", callback: (e: { views: DmnView[]; activeView: DmnView | null }) => void): void;
    destroy(): void;
  }
}

// Inferno, dmn-js' renderer, by its file: its package types declare a global JSX namespace that
// would clash with React's. Only what components/rules/dmn-rule-number-header.ts uses.
declare module "inferno/dist/index.esm.js" {
  export interface VNode {
    type: unknown;
    className: string | null | undefined;
    children: unknown;
    childFlags: number;
  }
  export function createVNode(flags: number, type: string, className?: string | null, children?: unknown, childFlags?: number): VNode;
  export function createTextVNode(text: string): VNode;
}
