import { describe, expect, it } from "vitest";
import { mayReceive, sseFrame, type Viewer } from "./events";

const member: Viewer = { seesEverything: false, userId: "u1", groupIds: ["g1"], reportIds: [] };
const lead: Viewer = { seesEverything: false, userId: "lead", groupIds: [], reportIds: ["u9"] };
const admin: Viewer = { seesEverything: true, userId: "adm", groupIds: [], reportIds: [] };

describe("mayReceive", () => {
  it("a person gets events of their own tasks and their groups' queues", () => {
    expect(mayReceive(member, { userIds: ["u1"], groupIds: [] }, "task.decided")).toBe(true);
    expect(mayReceive(member, { userIds: ["u2"], groupIds: ["g1"] }, "task.claimed")).toBe(true);
  });
  it("not of tasks they cannot see", () => {
    expect(mayReceive(member, { userIds: ["u2"], groupIds: ["g2"] }, "task.created")).toBe(false);
  });
  it("a supervisor gets their reports' tasks", () => {
    expect(mayReceive(lead, { userIds: ["u9"], groupIds: ["g7"] }, "task.decided")).toBe(true);
    expect(mayReceive(lead, { userIds: ["u8"], groupIds: ["g7"] }, "task.decided")).toBe(false);
  });
  it("admins see every task event but only their own notifications", () => {
    expect(mayReceive(admin, { userIds: ["u2"], groupIds: ["g2"] }, "task.created")).toBe(true);
    expect(mayReceive(admin, { userIds: ["u2"], groupIds: [] }, "notification.created")).toBe(false);
    expect(mayReceive(member, { userIds: ["u1"], groupIds: [] }, "notification.created")).toBe(true);
  });
  it("frames carry only type, id and version", () => {
    expect(sseFrame({ type: "task.decided", taskId: "t1", version: 3 })).toBe('event: task\ndata: {"type":"task.decided","taskId":"t1","version":3}\n\n');
  });
});
