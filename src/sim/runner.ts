import type { ManualClock } from '../core/clock.ts';
import { seededRng } from '../core/rng.ts';
import type { Agent, AgentContext, AgentEvent, AgentRequest, AgentResponse } from './agent.ts';
import { createEventQueue } from './event-queue.ts';
import { EnumguardError } from '../core/errors.ts';

/** Carries one request to the system under test and brings back its answer. */
export type Transport = (request: AgentRequest) => AgentResponse | Promise<AgentResponse>;

/** Sees every exchange and every agent event: the scorecard is one. */
export interface Observer {
  onExchange(agent: Agent, request: AgentRequest, response: AgentResponse, at: number): void;
  onEvent(agent: Agent, event: AgentEvent, at: number): void;
}

export interface Progress {
  readonly virtualMs: number;
  readonly requests: number;
  readonly pending: number;
}

export interface SimulationOptions {
  readonly agents: readonly Agent[];
  readonly transport: Transport;
  readonly observer: Observer;
  /** Shared with the store and pipeline under test: the simulator sets it before each event. */
  readonly clock: ManualClock;
  readonly seed: number;
  /** Virtual run length in ms; events after it are not run. */
  readonly durationMs: number;
  /** Virtual time between sending a request and its answer arriving (default 50 ms). */
  readonly latencyMs?: number;
  /** Called every `progressEvery` requests (default 10,000). */
  readonly onProgress?: (p: Progress) => void;
  readonly progressEvery?: number;
  /** Polled between events; true ends the run early (Ctrl-C). The report is still produced. */
  readonly shouldStop?: () => boolean;
  /**
   * Pace the run at wall-clock speed: each event waits until that much real time has passed.
   * For driving a live gateway, whose limits run on its own clock.
   */
  readonly realTime?: boolean;
}

export interface SimulationResult {
  readonly virtualMs: number;
  readonly requests: number;
  readonly events: number;
  readonly wallMs: number;
  readonly stoppedEarly: boolean;
}

/** Longest real-time sleep between checks of shouldStop. */
const STOP_POLL_MS = 100;

type Scheduled =
  | { readonly kind: 'start'; readonly agent: number }
  | { readonly kind: 'wake'; readonly agent: number; readonly tag: number }
  | { readonly kind: 'send'; readonly agent: number; readonly tag: number; readonly request: AgentRequest }
  | {
      readonly kind: 'answer';
      readonly agent: number;
      readonly tag: number;
      readonly response: AgentResponse;
    };

/**
 * A discrete-event simulation on virtual time. Agents act only inside their callbacks, at
 * the virtual time of the event that called them; requests go through `transport` (the
 * real pipeline and service, in process) at that time. Same seed and agents, same run.
 */
export async function runSimulation(options: SimulationOptions): Promise<SimulationResult> {
  const { agents, transport, observer, clock } = options;
  const latency = options.latencyMs ?? 50;
  const progressEvery = options.progressEvery ?? 10_000;
  const origin = clock.now();
  const queue = createEventQueue<Scheduled>();
  let now = 0;
  let requests = 0;
  let events = 0;
  let stoppedEarly = false;
  const started = performance.now();

  const contexts: AgentContext[] = agents.map((agent, index) => {
    const rng = seededRng((options.seed * 2_654_435_761 + index * 40_503) >>> 0);
    return {
      now: () => now,
      rng,
      send(request, tag = 0) {
        queue.push(now, { kind: 'send', agent: index, tag, request });
      },
      wakeAt(at, tag = 0) {
        if (!Number.isFinite(at)) {
          // Agents may come from a scenario's own module: name the agent, not the queue.
          throw new EnumguardError(
            'ERR_SCENARIO_INVALID',
            `agent ${agent.id}: wakeAt() needs a finite time in virtual ms since the start, got ${at}`,
          );
        }
        queue.push(Math.max(at, now), { kind: 'wake', agent: index, tag });
      },
      record(event) {
        observer.onEvent(agent, event, now);
      },
    };
  });
  agents.forEach((_, index) => queue.push(0, { kind: 'start', agent: index }));

  /** In real time, waits until `at` ms after the start; false when the run was stopped meanwhile. */
  async function reach(at: number): Promise<boolean> {
    // Sleep in short slices so Ctrl-C is seen within one, even before a far-off event.
    let wait = at - (performance.now() - started);
    while (wait > 1 && !options.shouldStop?.()) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(wait, STOP_POLL_MS)));
      wait = at - (performance.now() - started);
    }
    return !options.shouldStop?.();
  }

  for (let next = queue.pop(); next !== undefined && next.at <= options.durationMs; next = queue.pop()) {
    if (options.shouldStop?.()) {
      stoppedEarly = true;
      break;
    }
    if (options.realTime && !(await reach(next.at))) {
      stoppedEarly = true;
      break;
    }
    now = next.at;
    clock.set(origin + now);
    events++;
    const event = next.item;
    const agent = agents[event.agent] as Agent;
    const ctx = contexts[event.agent] as AgentContext;
    switch (event.kind) {
      case 'start':
        agent.start(ctx);
        break;
      case 'wake':
        agent.onWake?.(event.tag, ctx);
        break;
      case 'send': {
        const pending = transport(event.request);
        const response = pending instanceof Promise ? await pending : pending;
        requests++;
        observer.onExchange(agent, event.request, response, now);
        queue.push(now + latency, { kind: 'answer', agent: event.agent, tag: event.tag, response });
        if (options.onProgress && requests % progressEvery === 0) {
          options.onProgress({ virtualMs: now, requests, pending: queue.size() });
        }
        break;
      }
      case 'answer':
        agent.onResponse(event.response, event.tag, ctx);
        break;
    }
  }
  // Nothing more is scheduled within the run (the attackers gave up, the next legit install
  // is later): on virtual time the run simply ends, but a real-time run lasts the duration it
  // was given, as `simulate --http --duration 30s` promises, rather than ending in a second.
  if (options.realTime && !stoppedEarly) {
    if (await reach(options.durationMs)) now = options.durationMs;
    else stoppedEarly = true;
  }
  return {
    virtualMs: now,
    requests,
    events,
    wallMs: performance.now() - started,
    stoppedEarly,
  };
}
