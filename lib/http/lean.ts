import type { IncomingHttpHeaders, IncomingMessage } from "node:http";

// The API router's request and the JSON responses, without undici's machinery (#17, #25).
//
// A WHATWG `Request` built for every call costs a Headers copy of every header, a body stream and
// a URL parse; a `Response` costs a body stream that the router then reads back. Under the decide
// and event loads these were among the web process's top costs. The router has already buffered
// the body and node has already parsed the headers, so:
// - `NodeRequest` answers what handlers read (method, url, headers, text/json/arrayBuffer, clone,
//   signal) from node's request and the buffered body, and builds a real Request only if some code
//   asks for anything else (then every other member is served by that real Request);
// - `JsonResponse` (json() and problem+json) keeps its body as a string and its headers in a map;
//   the router writes them straight to the socket, and code that reads it as a Response (tests,
//   the idempotency store) gets the same answers a real Response gives.
// Both are `instanceof Request`/`Response`, so code typed against the standard classes is unchanged
// (the pattern @hono/node-server uses).

/** Request headers read from node's parsed headers, without a copy. Read-only, as a request's are to a handler. */
class NodeHeaders {
  constructor(private readonly raw: IncomingHttpHeaders) {}
  get(name: string): string | null {
    const v = this.raw[name.toLowerCase()];
    return v === undefined ? null : Array.isArray(v) ? v.join(", ") : v;
  }
  has(name: string): boolean {
    return this.raw[name.toLowerCase()] !== undefined;
  }
  getSetCookie(): string[] {
    return this.raw["set-cookie"] ?? [];
  }
  forEach(cb: (value: string, key: string, parent: Headers) => void): void {
    for (const [k, v] of this.entries()) cb(v, k, this as unknown as Headers);
  }
  *entries(): HeadersIterator<[string, string]> {
    for (const k of Object.keys(this.raw).sort()) {
      const v = this.get(k);
      if (v !== null) yield [k, v];
    }
  }
  *keys(): HeadersIterator<string> {
    for (const [k] of this.entries()) yield k;
  }
  *values(): HeadersIterator<string> {
    for (const [, v] of this.entries()) yield v;
  }
  [Symbol.iterator](): HeadersIterator<[string, string]> {
    return this.entries();
  }
  set(): never {
    throw new TypeError("The request's headers are immutable.");
  }
  append(): never {
    throw new TypeError("The request's headers are immutable.");
  }
  delete(): never {
    throw new TypeError("The request's headers are immutable.");
  }
}

/** Serves every member the class defines itself from `own`, and every other member of `proto` from the real object `real()` builds. */
function delegateTheRest(target: object, proto: object, real: (self: object) => object): void {
  for (const key of Reflect.ownKeys(proto)) {
    if (key === "constructor" || Object.prototype.hasOwnProperty.call(target, key)) continue;
    const desc = Object.getOwnPropertyDescriptor(proto, key)!;
    if (typeof desc.value === "function") {
      Object.defineProperty(target, key, {
        value(this: object, ...args: unknown[]) {
          const r = real(this) as Record<PropertyKey, (...a: unknown[]) => unknown>;
          return r[key]!(...args);
        },
      });
    } else if (desc.get) {
      Object.defineProperty(target, key, {
        get(this: object) {
          return (real(this) as Record<PropertyKey, unknown>)[key];
        },
      });
    }
  }
  Object.setPrototypeOf(target, proto);
}

// Instance state lives in private fields behind getters: Request.prototype's accessors (url,
// signal…) have no setters, so a plain instance property could not be assigned under them.
export class NodeRequest {
  readonly #msg: IncomingMessage;
  readonly #url: string;
  readonly #buffered: Buffer | null;
  readonly #signal: AbortSignal;
  #headers: NodeHeaders | undefined;
  #text: string | undefined;
  #real: Request | undefined;

  /** `buffered`: the whole body the router read (null when there was none). */
  constructor(msg: IncomingMessage, url: string, buffered: Buffer | null, signal: AbortSignal = NEVER_ABORTED) {
    this.#msg = msg;
    this.#url = url;
    this.#buffered = buffered;
    this.#signal = signal;
  }

  get url(): string {
    return this.#url;
  }
  get signal(): AbortSignal {
    return this.#signal;
  }
  get method(): string {
    return this.#msg.method ?? "GET";
  }
  get headers(): Headers {
    return (this.#headers ??= new NodeHeaders(this.#msg.headers)) as unknown as Headers;
  }
  /** Whether a body was sent (cheaper than `body !== null`, which builds a stream). */
  get hasBody(): boolean {
    return this.#buffered !== null;
  }
  get bodyUsed(): boolean {
    return false;
  }
  text(): Promise<string> {
    return Promise.resolve((this.#text ??= this.#buffered ? this.#buffered.toString("utf8") : ""));
  }
  json(): Promise<unknown> {
    return this.text().then((t) => JSON.parse(t) as unknown);
  }
  arrayBuffer(): Promise<ArrayBuffer> {
    const b = this.#buffered;
    return Promise.resolve(b ? (b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer) : new ArrayBuffer(0));
  }
  /** The body stays buffered, so a clone shares it. */
  clone(): Request {
    return new NodeRequest(this.#msg, this.#url, this.#buffered, this.#signal) as unknown as Request;
  }
  /** The standard Request, for any member not served above (built once, on first need). */
  static real(self: NodeRequest): Request {
    return (self.#real ??= new Request(self.url, {
      method: self.method,
      headers: [...self.headers] as [string, string][],
      body: self.#buffered as Uint8Array<ArrayBuffer> | null,
      signal: self.#signal,
    }));
  }
}
const NEVER_ABORTED = new AbortController().signal;
delegateTheRest(NodeRequest.prototype, Request.prototype, (self) => NodeRequest.real(self as NodeRequest));

/** Whether a request carries a body, without building a body stream for the lean request. */
export function requestHasBody(req: Request): boolean {
  return req instanceof NodeRequest ? req.hasBody : req.body !== null;
}

/** Response headers as a small map (lower-case names), with the Headers methods code uses on a response. */
class ResponseHeaders {
  private readonly map = new Map<string, string>();
  private cookies: string[] = [];
  constructor(init: Record<string, string>) {
    for (const k of Object.keys(init)) this.set(k, init[k]!);
  }
  get(name: string): string | null {
    const k = name.toLowerCase();
    if (k === "set-cookie") return this.cookies.length ? this.cookies.join(", ") : null;
    return this.map.get(k) ?? null;
  }
  has(name: string): boolean {
    return this.get(name) !== null;
  }
  set(name: string, value: string): void {
    const k = name.toLowerCase();
    if (k === "set-cookie") this.cookies = [value];
    else this.map.set(k, String(value));
  }
  append(name: string, value: string): void {
    const k = name.toLowerCase();
    if (k === "set-cookie") this.cookies.push(value);
    else this.map.set(k, this.map.has(k) ? `${this.map.get(k)}, ${value}` : String(value));
  }
  delete(name: string): void {
    const k = name.toLowerCase();
    if (k === "set-cookie") this.cookies = [];
    else this.map.delete(k);
  }
  getSetCookie(): string[] {
    return [...this.cookies];
  }
  forEach(cb: (value: string, key: string, parent: Headers) => void): void {
    for (const [k, v] of this.entries()) cb(v, k, this as unknown as Headers);
  }
  *entries(): HeadersIterator<[string, string]> {
    const all: [string, string][] = [...this.map];
    for (const c of this.cookies) all.push(["set-cookie", c]);
    yield* all.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  }
  *keys(): HeadersIterator<string> {
    for (const [k] of this.entries()) yield k;
  }
  *values(): HeadersIterator<string> {
    for (const [, v] of this.entries()) yield v;
  }
  [Symbol.iterator](): HeadersIterator<[string, string]> {
    return this.entries();
  }
  /** The headers as node's writeHead takes them. */
  toNode(): Record<string, string | string[]> {
    const out: Record<string, string | string[]> = Object.fromEntries(this.map);
    if (this.cookies.length) out["set-cookie"] = this.cookies;
    return out;
  }
}

/** A complete JSON (or problem+json) answer: the router writes `bodyText` and the header map as they are. */
export class JsonResponse {
  readonly #body: string;
  readonly #status: number;
  readonly #headers: ResponseHeaders;
  #real: Response | undefined;
  constructor(body: string, status: number, headers: Record<string, string>) {
    this.#body = body;
    this.#status = status;
    this.#headers = new ResponseHeaders(headers);
  }
  get bodyText(): string {
    return this.#body;
  }
  get status(): number {
    return this.#status;
  }
  get headers(): Headers {
    return this.#headers as unknown as Headers;
  }
  get ok(): boolean {
    return this.status >= 200 && this.status < 300;
  }
  get statusText(): string {
    return "";
  }
  get bodyUsed(): boolean {
    return false;
  }
  get type(): ResponseType {
    return "default";
  }
  get url(): string {
    return "";
  }
  get redirected(): boolean {
    return false;
  }
  text(): Promise<string> {
    return Promise.resolve(this.bodyText);
  }
  json(): Promise<unknown> {
    return Promise.resolve(JSON.parse(this.bodyText) as unknown);
  }
  clone(): Response {
    const copy = new JsonResponse(this.bodyText, this.status, {});
    for (const [k, v] of this.headers) copy.headers.append(k, v);
    return copy as unknown as Response;
  }
  /** The headers as node's writeHead takes them. */
  nodeHeaders(): Record<string, string | string[]> {
    return this.#headers.toNode();
  }
  static real(self: JsonResponse): Response {
    return (self.#real ??= new Response(self.#body, { status: self.#status, headers: [...self.#headers] as [string, string][] }));
  }
}
delegateTheRest(JsonResponse.prototype, Response.prototype, (self) => JsonResponse.real(self as JsonResponse));
