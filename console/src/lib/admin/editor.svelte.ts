// The state every admin form shares: the record being edited, the field problems next to the
// fields, the form's message, the confirmation after a save and the busy flag that keeps a second
// submit from racing the first. Each form supplies only its validation and its request.
import { describeFailure } from './save';
import { slugify, type Problems } from './validation';

/** Shown when the form's own checks fail, before anything is sent. */
export const FIX_FIELDS = 'Corrija os campos destacados.';

export interface SaveSteps<F> {
  /** Field problems in pt-BR, keyed by field path; empty when the form may be sent. */
  validate: (form: F) => Problems;
  /** Sends the form; resolves to the confirmation shown to the admin. */
  send: (form: F) => Promise<string>;
  /** Runs after a successful send (reloading the lists), before the form settles. */
  reload?: () => Promise<void>;
  /**
   * After a save: `edit` keeps the saved record in the form in edit mode (its id can no longer
   * change), `reset` clears the form for the next record.
   */
  then: 'edit' | 'reset';
}

export class AdminEditor<F extends object> {
  form = $state() as F;
  editing = $state(false);
  problems = $state<Problems>({});
  message = $state<string | undefined>(undefined);
  saved = $state<string | undefined>(undefined);
  busy = $state(false);
  /** The admin typed an id: the name no longer suggests one. */
  private idTouched = false;

  constructor(
    private readonly blank: () => F,
    /** The field focused when a record is opened or a new one started. */
    private readonly focusId?: string,
  ) {
    this.form = blank();
  }

  /** Open an existing record (already converted to the form's text fields). */
  edit(form: F): void {
    this.form = form;
    this.editing = true;
    this.clearFeedback();
    this.focus();
  }

  /** Start a new record. */
  create(): void {
    this.form = this.blank();
    this.editing = false;
    this.idTouched = false;
    this.clearFeedback();
    this.focus();
  }

  /** The name changed: a new record's id follows it until the admin types an id. */
  nameChanged(name: string): void {
    if (!this.editing && !this.idTouched && 'id' in this.form) (this.form as { id: string }).id = slugify(name);
  }

  idChanged(): void {
    this.idTouched = true;
  }

  /** Validate, send and settle the form; true when the record was saved. */
  async save(steps: SaveSteps<F>, event?: Event): Promise<boolean> {
    event?.preventDefault();
    if (this.busy) return false;
    this.saved = this.message = undefined;
    this.problems = steps.validate(this.form);
    if (Object.keys(this.problems).length > 0) {
      this.message = FIX_FIELDS;
      return false;
    }
    this.busy = true;
    try {
      const confirmation = await steps.send(this.form);
      await steps.reload?.();
      if (steps.then === 'edit') this.editing = true;
      else {
        this.form = this.blank();
        this.editing = false;
        this.idTouched = false;
      }
      this.saved = confirmation;
      return true;
    } catch (err) {
      ({ problems: this.problems, message: this.message } = describeFailure(err));
      return false;
    } finally {
      this.busy = false;
    }
  }

  /** Report the outcome of an action outside the form (a deletion from the list). */
  async act(action: () => Promise<string>): Promise<void> {
    this.saved = this.message = undefined;
    try {
      this.saved = await action();
    } catch (err) {
      this.message = describeFailure(err).message;
    }
  }

  private clearFeedback(): void {
    this.problems = {};
    this.message = this.saved = undefined;
  }

  private focus(): void {
    if (this.focusId && typeof document !== 'undefined') document.getElementById(this.focusId)?.focus();
  }
}
