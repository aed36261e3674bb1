// The part of autocannon's API the benchmarks use (the package ships no types).
declare module "autocannon" {
  interface Options {
    url: string;
    method?: string;
    connections?: number;
    duration?: number;
    amount?: number;
    idReplacement?: boolean;
    headers?: Record<string, string>;
    body?: string;
  }
  interface Result {
    "2xx": number;
    non2xx: number;
    errors: number;
    duration: number;
    latency: { p50: number; p99: number };
  }
  function autocannon(opts: Options): Promise<Result>;
  export default autocannon;
}
