import type { CodeDelivery } from "../aws/cognito.js";

/** ` (code sent by EMAIL to j***@e***)`, or nothing when Cognito did not say where. */
export function deliveryText(delivery: CodeDelivery | undefined): string {
  if (!delivery?.destination) return "";
  return ` (code sent by ${delivery.deliveryMedium ?? "message"} to ${delivery.destination})`;
}
