// Compiles the core's validators into the state checks the routing script runs, in the core's
// order, and turns the step that failed there back into the core's own error (code, message, details).

import { RoutingError } from '../../core/errors.js';
import type { RouterState } from '../../core/state.js';
import type { RoutingErrorInfo } from '../../core/types.js';

/** G: the group must exist; D: the interaction must not; L: agent, channel index, new capacity; E: a static error. */
export type CheckStep = ['G', string] | ['D', string] | ['L', string, number, number] | ['E'];

export type Validator = (state: RouterState) => void;

/**
 * Runs the validator against a stand-in state that records each question it asks and answers
 * it as passing, except question `failAt`, answered as failing (with `observed` as the load).
 */
function probe(validate: Validator, capacityOf: (channel: number) => number, failAt: number, observed: number): { steps: CheckStep[]; error?: RoutingErrorInfo } {
  const steps: CheckStep[] = [];
  // The same question asked again (the core reads a load for the test, the message and the details) gets the same answer.
  const answers = new Map<string, boolean>();
  const failing = (step: CheckStep): boolean => {
    const key = JSON.stringify(step);
    let answer = answers.get(key);
    if (answer === undefined) {
      answer = steps.push(step) - 1 === failAt;
      answers.set(key, answer);
    }
    return answer;
  };
  const state = {
    groups: { has: (id: string) => !failing(['G', id]) },
    interactions: { has: (id: string) => failing(['D', id]) },
    agents: {
      get: (id: string) => ({
        load: new Proxy([], {
          get: (_target, prop) => {
            const c = Number(prop);
            return failing(['L', id, c, capacityOf(c)]) ? observed : -Infinity;
          },
        }),
      }),
    },
  } as unknown as RouterState;
  try {
    validate(state);
    return { steps };
  } catch (err) {
    if (!(err instanceof RoutingError)) throw err;
    return { steps, error: err.toJSON() };
  }
}

export class CompiledChecks {
  readonly steps: CheckStep[];
  /** The command fails validation whatever the state (the script stops at the E step at the latest). */
  readonly staticallyInvalid: boolean;

  constructor(
    private readonly validate: Validator,
    private readonly capacityOf: (channel: number) => number = () => 0,
  ) {
    const { steps, error } = probe(validate, capacityOf, -1, 0);
    if (error) steps.push(['E']);
    this.steps = steps;
    this.staticallyInvalid = error !== undefined;
  }

  /** The core's error for the step (0-based) the script found failing, with the load it saw. */
  errorAt(step: number, observed: number): RoutingErrorInfo {
    const { error } = probe(this.validate, this.capacityOf, step, observed);
    if (!error) throw new Error(`check ${step} failed in Redis but not in the validator`);
    return error;
  }
}
