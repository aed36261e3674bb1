// The tasks domain: what other domains, the API routes and the worker use. Client code imports
// only ./schemas and ./forms (no server imports there).
export { getTask, getTaskHistory, claimTask, unclaimTask, decideTask, cancelTask } from "./actions";
export { createTask, createTaskInTx, validateNewTask, type NewTask, type CreatedTask } from "./create";
export { listTasks } from "./list";
export { requestInfo, answerInfoRequest } from "./info-requests";
export { reassignTask } from "./reassign";
export { forwardTask } from "./forward";
export { bulkAction } from "./bulk";
export { undoDecision, commitHeldDecision, commitDueHeldDecisions, type CommitResult } from "./held-decisions";
export { getTaskEscalations } from "./escalations";
export { fireDueEscalations, escalationActor, type FiredEscalation, type FiredBy } from "./escalate";
export { EscalationBatcher, timerVerdict, sweepDueEscalations } from "./escalation-timers";
export { canView, loadForAction, peopleWhoCannotSee } from "./access";
export { getTaskCase } from "./context";
export { heartbeat, leave, viewersOf, viewersOfMany } from "./presence";
export { changeTask, addParticipants, LostRace, type TaskChange } from "./change";
export { cancellationConsequences } from "./consequences";
export { insertComment, type TaskRow } from "./repository";
export { isApprovingOutcome } from "./decisions";
