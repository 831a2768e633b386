import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import { AwsJsonFault, awsJsonError, listenLoopback, readBody } from "./aws-json.js";

/**
 * Step Functions activities, which moto lacks (no GetActivityTask): a loopback double speaking
 * the service's awsJson1_0 protocol (X-Amz-Target AWSStepFunctions.<Op>) with its error codes.
 *
 * - Tasks queued with `queue()` are handed out one per GetActivityTask, for any activity.
 * - State machines (CreateStateMachine or `addStateMachine`) run Task states whose Resource is
 *   an activity, and Pass/Succeed/Fail states: StartExecution queues the activity's task with a
 *   fresh token; SendTaskSuccess moves on with its output, SendTaskFailure fails the execution.
 * - An empty poll answers after `holdMs` (default at once, no token), or waits up to
 *   `longPollMs` for a task and answers as soon as one is queued, as AWS's 60 s long poll does.
 */
export interface ActivityDouble {
  url: string;
  queue(task: { taskToken: string; input: unknown }, activityArn?: string): void;
  /** Creates an activity; returns its ARN. */
  addActivity(name: string): string;
  /** Creates a state machine from an Amazon States Language definition; returns its ARN. */
  addStateMachine(name: string, definition: object): string;
  execution(arn: string): { status: string; output?: string; error?: string; cause?: string } | undefined;
  requests: Array<{ target: string; body: Record<string, unknown> }>;
  /** Resolves once at least `count` GetActivityTask polls are held open waiting for a task (needs `longPollMs`). */
  whenPolling(count: number): Promise<void>;
  /** GetActivityTask polls held open right now. */
  pollsOpen(): number;
  close(): Promise<void>;
}

interface State {
  Type: string;
  Resource?: string;
  Next?: string;
  End?: boolean;
  Error?: string;
  Cause?: string;
}
interface Execution {
  arn: string;
  stateMachineArn: string;
  status: "RUNNING" | "SUCCEEDED" | "FAILED";
  input: string;
  output?: string;
  error?: string;
  cause?: string;
  startDate: number;
  stopDate?: number;
}
interface Task {
  taskToken: string;
  input: string;
  activityArn?: string;
  execution?: Execution;
  state?: State;
}

const ACCOUNT = "123456789012";
const REGION = "us-east-1";
const JSON_1_0 = "application/x-amz-json-1.0";

export async function startActivityDouble(options: { holdMs?: number; longPollMs?: number } = {}): Promise<ActivityDouble> {
  const requests: ActivityDouble["requests"] = [];
  const activities = new Set<string>();
  const machines = new Map<string, { name: string; definition: { StartAt: string; States: Record<string, State> } }>();
  const executions = new Map<string, Execution>();
  const queued: Task[] = [];
  const handedOut = new Map<string, Task>();
  const waiting: Array<{ activityArn: string; answer(task: Task | undefined): void }> = [];
  const watchers: Array<{ count: number; resolve(): void }> = [];
  const pollsChanged = () => {
    for (const watcher of [...watchers]) {
      if (waiting.length < watcher.count) continue;
      watchers.splice(watchers.indexOf(watcher), 1);
      watcher.resolve();
    }
  };

  const takeFor = (activityArn: string) => {
    const index = queued.findIndex((t) => !t.activityArn || t.activityArn === activityArn);
    return index < 0 ? undefined : queued.splice(index, 1)[0];
  };
  const enqueue = (task: Task) => {
    const poller = waiting.findIndex((w) => !task.activityArn || w.activityArn === task.activityArn);
    if (poller >= 0) waiting.splice(poller, 1)[0]!.answer(task);
    else queued.push(task);
  };

  /** Runs states from `name` until one waits on an activity or the execution ends. */
  function run(execution: Execution, name: string | undefined, input: string): void {
    const definition = machines.get(execution.stateMachineArn)!.definition;
    for (let current = name, data = input; ; ) {
      const state = current === undefined ? undefined : definition.States[current];
      if (!state || state.Type === "Succeed" || (state.Type === "Pass" && state.End)) return end(execution, "SUCCEEDED", { output: data });
      if (state.Type === "Fail") return end(execution, "FAILED", { error: state.Error, cause: state.Cause });
      if (state.Type === "Task" && state.Resource && activities.has(state.Resource)) {
        return enqueue({ taskToken: `${randomUUID()}${randomUUID()}`.replace(/-/g, ""), input: data, activityArn: state.Resource, execution, state });
      }
      if (state.Type !== "Pass") return end(execution, "FAILED", { error: "States.Runtime", cause: `the double runs Pass, Succeed, Fail and activity Task states, not ${state.Type}` });
      current = state.Next;
    }
  }
  function end(execution: Execution, status: Execution["status"], fields: Partial<Execution>): void {
    Object.assign(execution, { status, stopDate: Date.now() / 1000 }, fields);
  }
  const arnOf = (kind: string, name: string) => `arn:aws:states:${REGION}:${ACCOUNT}:${kind}:${name}`;
  const taskOf = (token: unknown) => {
    if (typeof token !== "string" || token.length < 1 || token.length > 2048) throw new AwsJsonFault("InvalidToken", "Invalid Token");
    const task = handedOut.get(token);
    if (!task || (task.execution && task.execution.status !== "RUNNING")) throw new AwsJsonFault("TaskDoesNotExist", "Task Does Not Exist");
    return task;
  };
  const json = (text: unknown, code: string) => {
    try {
      JSON.parse(String(text ?? "{}"));
      return String(text ?? "{}");
    } catch {
      throw new AwsJsonFault(code, "Invalid JSON");
    }
  };

  const handlers: Record<string, (body: Record<string, unknown>) => unknown> = {
    CreateActivity(body) {
      const arn = double.addActivity(String(body.name));
      return { activityArn: arn, creationDate: Date.now() / 1000 };
    },
    // Tasks are handed out for any activity, so any well-formed activity ARN is described.
    DescribeActivity(body) {
      const arn = String(body.activityArn ?? "");
      const name = /^arn:aws[\w-]*:states:[\w-]+:\d{12}:activity:(.+)$/.exec(arn)?.[1];
      if (!name) throw new AwsJsonFault("InvalidArn", `Invalid Arn: '${arn}'`);
      return { activityArn: arn, name, creationDate: Date.now() / 1000 };
    },
    CreateStateMachine(body) {
      const arn = double.addStateMachine(String(body.name), JSON.parse(String(body.definition)) as object);
      return { stateMachineArn: arn, creationDate: Date.now() / 1000 };
    },
    StartExecution(body) {
      const machineArn = String(body.stateMachineArn);
      const machine = machines.get(machineArn);
      if (!machine) throw new AwsJsonFault("StateMachineDoesNotExist", `State Machine Does Not Exist: '${machineArn}'`);
      const name = String(body.name ?? randomUUID());
      const arn = `arn:aws:states:${REGION}:${ACCOUNT}:execution:${machine.name}:${name}`;
      if (executions.has(arn)) throw new AwsJsonFault("ExecutionAlreadyExists", `Execution Already Exists: '${arn}'`);
      const input = json(body.input, "InvalidExecutionInput");
      const execution: Execution = { arn, stateMachineArn: machineArn, status: "RUNNING", input, startDate: Date.now() / 1000 };
      executions.set(arn, execution);
      run(execution, machine.definition.StartAt, input);
      return { executionArn: arn, startDate: execution.startDate };
    },
    DescribeExecution(body) {
      const execution = executions.get(String(body.executionArn));
      if (!execution) throw new AwsJsonFault("ExecutionDoesNotExist", `Execution Does Not Exist: '${String(body.executionArn)}'`);
      const { arn, stateMachineArn, status, input, output, error, cause, startDate, stopDate } = execution;
      return { executionArn: arn, stateMachineArn, status, input, output, error, cause, startDate, stopDate };
    },
    SendTaskSuccess(body) {
      const task = taskOf(body.taskToken);
      const output = json(body.output, "InvalidOutput");
      handedOut.delete(task.taskToken);
      if (task.execution && task.state?.End) end(task.execution, "SUCCEEDED", { output });
      else if (task.execution) run(task.execution, task.state?.Next, output);
      return {};
    },
    SendTaskFailure(body) {
      const task = taskOf(body.taskToken);
      handedOut.delete(task.taskToken);
      if (task.execution) end(task.execution, "FAILED", { error: String(body.error ?? ""), cause: String(body.cause ?? "") });
      return {};
    },
    SendTaskHeartbeat(body) {
      taskOf(body.taskToken);
      return {};
    },
  };

  const double: ActivityDouble = {
    url: "",
    requests,
    queue: (task, activityArn) => enqueue({ taskToken: task.taskToken, input: JSON.stringify(task.input), activityArn }),
    addActivity(name) {
      const arn = arnOf("activity", name);
      activities.add(arn);
      return arn;
    },
    addStateMachine(name, definition) {
      const arn = arnOf("stateMachine", name);
      machines.set(arn, { name, definition: definition as { StartAt: string; States: Record<string, State> } });
      return arn;
    },
    execution: (arn) => executions.get(arn),
    pollsOpen: () => waiting.length,
    whenPolling: (count) =>
      new Promise<void>((resolve) => {
        watchers.push({ count, resolve });
        pollsChanged();
      }),
    close: async () => {},
  };

  function poll(body: Record<string, unknown>, reply: (status: number, payload: unknown) => void): void {
    const activityArn = String(body.activityArn);
    if (activities.size && !activities.has(activityArn)) return reply(400, { __type: "ActivityDoesNotExist", message: `Activity Does Not Exist: '${activityArn}'` });
    const answer = (task: Task | undefined) => {
      if (task) handedOut.set(task.taskToken, task);
      reply(200, task ? { taskToken: task.taskToken, input: task.input } : {});
    };
    // holdMs: keep the poll open a while, as AWS does, then answer.
    setTimeout(() => {
      const task = takeFor(activityArn);
      if (task || !options.longPollMs) return answer(task);
      const waiter = { activityArn, answer };
      waiting.push(waiter);
      pollsChanged();
      const timer = setTimeout(() => {
        waiting.splice(waiting.indexOf(waiter), 1);
        answer(undefined);
      }, options.longPollMs);
      waiter.answer = (t) => (clearTimeout(timer), answer(t));
    }, options.holdMs ?? 0);
  }

  const server = createServer((req, res) => {
    void readBody(req).then((raw) => {
      const target = String(req.headers["x-amz-target"] ?? "").replace(/^AWSStepFunctions\./, "");
      const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
      requests.push({ target, body });
      const reply = (status: number, payload: unknown) => {
        res.writeHead(status, { "content-type": JSON_1_0 });
        res.end(JSON.stringify(payload));
      };
      if (target === "GetActivityTask") return poll(body, reply);
      const handler = handlers[target];
      if (!handler) return reply(400, { __type: "UnknownOperationException", message: target });
      try {
        reply(200, handler(body));
      } catch (error) {
        if (error instanceof AwsJsonFault) return awsJsonError(res, error.code, error.message, 400, JSON_1_0);
        awsJsonError(res, "InternalFailure", String(error), 500, JSON_1_0);
      }
    });
  });
  const listening = await listenLoopback(server);
  double.url = listening.url;
  double.close = listening.stop;
  return double;
}
