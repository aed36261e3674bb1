// The part of autocannon's API the benchmarks use (the package ships no types).
declare module "autocannon" {
  interface Request {
    method?: string;
    path?: string;
    headers?: Record<string, string>;
    body?: string;
    /** Called before each request; returns the request to send (a distinct task per call). */
    setupRequest?: (req: Request) => Request;
  }
  interface Client {
    on(event: "response", listener: (statusCode: number, resBytes: number, responseTime: number) => void): void;
  }
  interface Options {
    url: string;
    method?: string;
    connections?: number;
    duration?: number;
    amount?: number;
    timeout?: number;
    idReplacement?: boolean;
    headers?: Record<string, string>;
    body?: string;
    requests?: Request[];
    setupClient?: (client: Client) => void;
  }
  interface Result {
    "2xx": number;
    non2xx: number;
    errors: number;
    timeouts: number;
    duration: number;
    latency: { p50: number; p99: number };
  }
  function autocannon(opts: Options): Promise<Result>;
  export default autocannon;
}
