import pino from "pino";
import { currentRequestId } from "./request-context";

// Structured JSON logs to stdout, or appended to LOG_FILE when set. Level from LOG_LEVEL (read
// directly so logging works before env validation has run, e.g. to report that it failed).
const options: pino.LoggerOptions = {
  level: process.env.LOG_LEVEL ?? "info",
  base: { service: process.env.BATON_SERVICE ?? (/workers[\\/]index\.ts$/.test(process.argv[1] ?? "") ? "worker" : "web") },
  redact: { paths: ["password", "*.password", "token", "*.token", "authorization", "*.authorization"], remove: true },
  timestamp: pino.stdTimeFunctions.isoTime,
  // Every line written while serving a request or running a job carries its request id.
  mixin() {
    const requestId = currentRequestId();
    return requestId ? { requestId } : {};
  },
};

export const logger = process.env.LOG_FILE ? pino(options, pino.destination({ dest: process.env.LOG_FILE, mkdir: true, sync: true })) : pino(options);

