import { z } from "zod";

export const notificationDtoSchema = z.object({
  id: z.string(),
  kind: z.string(),
  title: z.string(),
  body: z.string().nullable(),
  taskId: z.string().nullable(),
  readAt: z.string().nullable(),
  createdAt: z.string(),
});
export type NotificationDto = z.infer<typeof notificationDtoSchema>;

export const markReadSchema = z.union([
  z.object({ ids: z.array(z.string().min(1)).min(1).max(200) }).strict(),
  z.object({ all: z.literal(true) }).strict(),
]);
