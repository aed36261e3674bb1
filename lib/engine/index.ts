// The process engine: what the API routes, the event intake and the worker use.
export { runStep, runFirstSteps, onTaskDecided, onWaitTimeout } from "./run-step";
export { describeJob, type JobResult } from "./kernel";
export { startInstanceInTx, withdrawInstanceInTx, type Advanced } from "./transitions";
export { lockCorrelation, lockInstance, type InstanceRef, type StepRunRef } from "./store";
export { deliverEventInTx, type ReceivedEvent } from "./steps/wait";
export { recoverEngineJobs } from "./recovery";
export { startInstance, listInstances, getInstance, retryFailedStep, skipFailedStep, cancelInstance, listCircuitBreakers } from "./service";
export { previewMigration, migrateInstances } from "./migration";
