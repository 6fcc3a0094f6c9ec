// Keeps the interactions table in step with the durable event stream: rows of unfinished
// sessions live in memory, changed rows are written in batches (one statement per batch).
import { getInteraction, upsertInteractions, type Database, type Interaction } from '@atende/db';
import type { Logger } from 'pino';
import type { RoutingEvent } from '../../core/index.js';
import type { Annotation } from '../../store/engine.js';
import { isFinished, projectAnnotation, projectEvent, type ProjectedRow } from './projection.js';

// 17 columns a row; Postgres takes at most 65,535 parameters in one statement.
const ROWS_PER_STATEMENT = 1_000;
const RETRY_MS = 1_000;
/** Finished rows kept in memory so a read right after the end needs no database round trip. */
const RECENT_ROWS = 10_000;

export class Projector {
  /** Rows of sessions not yet ended or abandoned. */
  private readonly live = new Map<string, ProjectedRow>();
  private readonly recent = new Map<string, ProjectedRow>();
  /** Every interaction id the log has ever seen (for idempotent create). */
  private readonly known = new Set<string>();
  private dirty = new Map<string, ProjectedRow>();
  private version = 0;
  private written = 0;
  private draining: Promise<void> | undefined;
  private waiters: { version: number; resolve: () => void }[] = [];
  private retry: NodeJS.Timeout | undefined;
  private readonly inflight = new Set<Promise<void>>();
  private closing = false;

  constructor(
    private readonly db: Database,
    private readonly log: Logger,
    rows: Iterable<ProjectedRow>,
  ) {
    for (const row of rows) {
      this.known.add(row.id);
      if (!isFinished(row)) this.live.set(row.id, row);
    }
  }

  /** Number of changed rows waiting to be written (a metric: projection lag). */
  get pending(): number {
    return this.dirty.size;
  }

  /** The row of an unfinished session, as of the last applied event. */
  liveRow(id: string): ProjectedRow | undefined {
    return this.live.get(id);
  }

  /** The row of a session that finished recently (since start, up to a bound). */
  recentRow(id: string): ProjectedRow | undefined {
    return this.recent.get(id);
  }

  knows(id: string): boolean {
    return this.known.has(id);
  }

  /** Called with each command's durable events; synchronous, so readers see them at once. */
  apply(events: readonly RoutingEvent[], annotations: readonly Annotation[]): void {
    // Annotations follow their command's events (a tabulation after the wrap-up that ends the
    // session), so rows leave the live map only once both are applied.
    const touched = new Set<string>();
    for (const e of events) {
      if (e.type === 'interaction.queued') this.known.add(e.interaction.id);
      const id = projectEvent(this.live, e);
      if (id !== undefined) touched.add(id);
    }
    for (const a of annotations) {
      const id = projectAnnotation(this.live, a);
      if (id !== undefined) touched.add(id);
    }
    for (const id of touched) this.touch(id);
  }

  /** An annotation about a session that already finished: patch its stored row. */
  annotateStored(annotation: Annotation): Promise<void> {
    projectAnnotation(this.recent, annotation);
    const work = this.patchStored(annotation).finally(() => this.inflight.delete(work));
    this.inflight.add(work);
    return work;
  }

  private async patchStored(annotation: Annotation): Promise<void> {
    if (annotation.interactionId === undefined) return;
    await this.settled();
    const stored = await getInteraction(this.db, annotation.interactionId);
    if (!stored) return;
    const { updatedAt: _updatedAt, ...row } = stored;
    const rows = new Map([[row.id, row as ProjectedRow]]);
    if (projectAnnotation(rows, annotation) !== undefined) await upsertInteractions(this.db, [row]);
  }

  /** The stored row, once every change applied so far is written. */
  async stored(id: string): Promise<Interaction | undefined> {
    await this.settled();
    return getInteraction(this.db, id);
  }

  /** Resolves once every change applied before the call is written. */
  settled(): Promise<void> {
    const target = this.version;
    const patches = [...this.inflight].map((p) => p.catch(() => undefined));
    const rows = this.written >= target ? Promise.resolve() : new Promise<void>((resolve) => this.waiters.push({ version: target, resolve }));
    return patches.length === 0 ? rows : Promise.all([rows, ...patches]).then(() => undefined);
  }

  /** Writes what is pending (one attempt) and stops. */
  async close(): Promise<void> {
    this.closing = true;
    if (this.retry) clearTimeout(this.retry);
    this.retry = undefined;
    this.schedule();
    await this.draining;
    for (const w of this.waiters.splice(0)) w.resolve();
  }

  private touch(id: string): void {
    const row = this.live.get(id)!;
    this.dirty.set(id, row);
    this.version++;
    if (isFinished(row)) {
      this.live.delete(id);
      this.recent.set(id, row);
      if (this.recent.size > RECENT_ROWS) this.recent.delete(this.recent.keys().next().value!);
    }
    this.schedule();
  }

  private schedule(): void {
    if (this.draining || this.retry || this.dirty.size === 0) return;
    this.draining = this.drain().finally(() => {
      this.draining = undefined;
    });
  }

  private async drain(): Promise<void> {
    // Let the rest of this turn's events join the batch: a group commit publishes its commands'
    // events over many microtasks (a microtask here wrote the first command's row alone).
    await new Promise((resolve) => setImmediate(resolve));
    while (this.dirty.size > 0) {
      const upTo = this.version;
      const batch = [...this.dirty.values()].map((row) => ({ ...row }));
      this.dirty = new Map();
      try {
        for (let i = 0; i < batch.length; i += ROWS_PER_STATEMENT) {
          await upsertInteractions(this.db, batch.slice(i, i + ROWS_PER_STATEMENT));
        }
      } catch (err) {
        this.log.error({ err, rows: batch.length }, 'interactions projection write failed; retrying');
        for (const row of batch) if (!this.dirty.has(row.id)) this.dirty.set(row.id, this.live.get(row.id) ?? row);
        if (!this.closing) this.retry = setTimeout(() => ((this.retry = undefined), this.schedule()), RETRY_MS);
        return;
      }
      this.written = upTo;
      this.waiters = this.waiters.filter((w) => (w.version <= upTo ? (w.resolve(), false) : true));
    }
  }
}
