// The scenario's HTTP side: an admin API client, and the creator that posts the planned sessions
// at a steady pace, retrying across a server outage with the same id (create is idempotent).
import { setTimeout as sleep } from 'node:timers/promises';
import type { PlannedSession } from './agency.js';

export interface Answer {
  status: number;
  body: any;
}

export class ApiClient {
  /** `base` may be a function: each request goes where it points then (a live node of several). */
  constructor(
    private readonly target: string | (() => string),
    private readonly token: string,
  ) {}

  get base(): string {
    return typeof this.target === 'string' ? this.target : this.target();
  }

  async request(method: string, path: string, body?: unknown): Promise<Answer> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${this.base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await response.text();
    return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
  }

  /** The body of an answer that must have this status; anything else fails the scenario. */
  async expect(method: string, path: string, status: number, body?: unknown): Promise<any> {
    const answer = await this.request(method, path, body);
    if (answer.status !== status) throw new Error(`${method} ${path}: expected ${status}, got ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body;
  }

  /** Every interaction of the listing, following the cursor. */
  async allInteractions(): Promise<any[]> {
    const items: any[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.expect('GET', `/api/interactions?limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, 200);
      items.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return items;
  }

  /** Resolves once GET /health answers 200 (the server is listening and accepting work). */
  async waitHealthy(timeoutMs = 90_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        if ((await fetch(`${this.base}/health`)).status === 200) return;
      } catch {
        // Not listening yet.
      }
      if (Date.now() > deadline) throw new Error(`${this.base} not healthy within ${timeoutMs} ms`);
      await sleep(100);
    }
  }
}

/** What the server answered when it acknowledged a create (201, or 200 for a retry it already had). */
export interface Acknowledged {
  status: 200 | 201;
  createdAt: string;
  waitingSince: string;
}

export interface CreatorOptions {
  intervalMs: number;
  /** Called after each acknowledgement (the crash test kills the server from here). */
  onAcknowledged?: (count: number) => void;
}

/**
 * Posts the plan one session per interval. A network failure (the server died) pauses the pace:
 * the session is retried with the same id until the server answers, so nothing is skipped and a
 * create that was durable before the crash is answered 200 with the original session.
 */
export class SessionCreator {
  readonly acknowledged = new Map<string, Acknowledged>();
  /** Creates that failed at the network level and were retried. */
  retries = 0;
  /** Creates sent and not answered yet. */
  inFlight = 0;
  private outage: Promise<void> | undefined;

  constructor(
    private readonly api: ApiClient,
    private readonly options: CreatorOptions,
  ) {}

  async run(plan: readonly PlannedSession[]): Promise<void> {
    const pending: Promise<void>[] = [];
    let failure: unknown;
    let next = Date.now();
    for (const session of plan) {
      if (failure !== undefined) break;
      if (this.outage) await this.outage;
      // Late (a stalled event loop, an outage): carry on from now rather than catch up in a burst.
      next = Math.max(next + this.options.intervalMs, Date.now());
      const wait = next - Date.now();
      if (wait > 0) await sleep(wait);
      pending.push(this.create(session).catch((err: unknown) => void (failure ??= err)));
    }
    await Promise.all(pending);
    if (failure !== undefined) throw failure;
  }

  private async create(session: PlannedSession): Promise<void> {
    for (;;) {
      if (this.outage) await this.outage;
      let answer: Answer;
      this.inFlight++;
      try {
        answer = await this.api.request('POST', '/api/interactions', session);
      } catch {
        this.inFlight--;
        this.retries++;
        this.outage ??= this.api.waitHealthy().finally(() => (this.outage = undefined));
        continue;
      }
      this.inFlight--;
      if (answer.status !== 201 && answer.status !== 200) {
        throw new Error(`create ${session.id}: ${answer.status} ${JSON.stringify(answer.body)}`);
      }
      this.acknowledged.set(session.id, { status: answer.status, createdAt: answer.body.createdAt, waitingSince: answer.body.waitingSince });
      this.options.onAcknowledged?.(this.acknowledged.size);
      return;
    }
  }
}
