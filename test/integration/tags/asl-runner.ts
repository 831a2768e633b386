/**
 * Runs a state machine definition in-process for the subset `tags schedule --fan-out` uses
 * (Task on a Lambda ARN, Map with ItemsPath/ItemSelector/ItemProcessor/MaxConcurrency, Pass,
 * Parameters, ResultPath, Catch), calling `invoke` where Step Functions would call Lambda.
 * moto stores state machines but does not run Lambda tasks; this checks the definition's
 * wiring — what each invocation receives — with the real handler behind `invoke`.
 */
type Json = unknown;
interface State {
  Type: "Task" | "Map" | "Pass";
  Resource?: string;
  Parameters?: Record<string, Json>;
  ItemSelector?: Record<string, Json>;
  ItemsPath?: string;
  MaxConcurrency?: number;
  ItemProcessor?: Machine;
  ResultPath?: string | null;
  Catch?: { ErrorEquals: string[]; ResultPath?: string; Next: string }[];
  Next?: string;
  End?: boolean;
}
interface Machine {
  StartAt: string;
  States: Record<string, State>;
}

export interface AslRun {
  output: Json;
  /** Highest number of Map iterations running at once. */
  peakConcurrency: number;
}

export async function runStateMachine(definition: Machine, input: Json, invoke: (arn: string, payload: Json) => Promise<Json>): Promise<AslRun> {
  let running = 0;
  let peak = 0;
  const run = async (machine: Machine, data: Json, context: Record<string, Json>): Promise<Json> => {
    let name: string | undefined = machine.StartAt;
    let current = data;
    while (name) {
      const state: State = machine.States[name]!;
      let next = state.Next;
      if (state.Type === "Pass") {
        current = state.Parameters ? fill(state.Parameters, current, context) : current;
      } else if (state.Type === "Task") {
        const payload = state.Parameters ? fill(state.Parameters, current, context) : current;
        try {
          current = place(current, await invoke(state.Resource!, payload), state.ResultPath);
        } catch (error) {
          const handler = state.Catch?.find((c) => c.ErrorEquals.includes("States.ALL"));
          if (!handler) throw error;
          const cause = JSON.stringify({ errorType: "Error", errorMessage: (error as Error).message });
          current = place(current, { Error: "Error", Cause: cause }, handler.ResultPath);
          next = handler.Next;
        }
      } else {
        const items = read(current, state.ItemsPath ?? "$", context) as Json[];
        const results: Json[] = new Array(items.length);
        let index = 0;
        const worker = async () => {
          while (index < items.length) {
            const i = index++;
            running++;
            peak = Math.max(peak, running);
            try {
              const itemContext = { ...context, Map: { Item: { Value: items[i], Index: i } } };
              const itemInput = state.ItemSelector ? fill(state.ItemSelector, current, itemContext) : items[i];
              results[i] = await run(state.ItemProcessor!, itemInput, itemContext);
            } finally {
              running--;
            }
          }
        };
        await Promise.all(Array.from({ length: Math.min(state.MaxConcurrency || items.length, items.length) }, worker));
        current = place(current, results, state.ResultPath);
      }
      name = state.End ? undefined : next;
    }
    return current;
  };
  const output = await run(definition, input, {});
  return { output, peakConcurrency: peak };
}

function read(data: Json, path: string, context: Record<string, Json>): Json {
  const [root, rest] = path.startsWith("$$") ? [context, path.slice(2)] : [data, path.slice(1)];
  return rest.split(".").filter(Boolean).reduce<Json>((v, key) => (v as Record<string, Json> | undefined)?.[key], root);
}

function fill(template: Record<string, Json>, data: Json, context: Record<string, Json>): Json {
  const out: Record<string, Json> = {};
  for (const [key, value] of Object.entries(template)) {
    if (key.endsWith(".$")) out[key.slice(0, -2)] = read(data, value as string, context);
    else out[key] = value !== null && typeof value === "object" && !Array.isArray(value) ? fill(value as Record<string, Json>, data, context) : value;
  }
  return out;
}

function place(data: Json, result: Json, path: string | null | undefined): Json {
  if (path === null) return data;
  if (path === undefined || path === "$") return result;
  const keys = path.slice(2).split(".");
  const copy = structuredClone(data) as Record<string, Json>;
  let at = copy;
  for (const key of keys.slice(0, -1)) at = (at[key] ??= {}) as Record<string, Json>;
  at[keys.at(-1)!] = result;
  return copy;
}
