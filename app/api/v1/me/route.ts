import { withApi } from "../../_lib/with-api";
import { getMe } from "@/lib/identity/service";

export const GET = withApi(async ({ actor }) => getMe(actor));
