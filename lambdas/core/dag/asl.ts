/** Just enough Amazon States Language typing for the compiler: states are JSON objects with a `Type`. */
export type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json };
export type JsonObject = { readonly [key: string]: Json };

export type AslState = JsonObject & { readonly Type: string };

export interface StateMachineDefinition {
  readonly Comment?: string;
  readonly StartAt: string;
  readonly States: Record<string, AslState>;
  readonly TimeoutSeconds?: number;
}

export interface CompileOptions {
  /** Kairos's latch / task-state function: status reports and the callback latch. */
  readonly latchFunctionArn: string;
  /** Kairos's http executor function; it applies the SSRF guard before calling the URL. */
  readonly httpExecutorFunctionArn: string;
  /** Only the local runtime maps it; the deployed API rejects `command` targets. */
  readonly commandFunctionArn: string;
  /** Required when a task has a `fargate` target. */
  readonly fargate?: {
    readonly clusterArn: string;
    readonly subnets: readonly string[];
    readonly securityGroups: readonly string[];
    readonly assignPublicIp?: boolean;
  };
  /** Whole-run limit (state machine TimeoutSeconds); also bounds tasks and latch waits without their own. */
  readonly runTimeoutSeconds?: number;
}

/** Step Functions' own limits the compiler reports against. */
export const MAX_DEFINITION_BYTES = 1_048_576;
