// One shared ticking clock for every live figure on screen (times in state, countdowns, waits),
// so all of them advance together and only one timer runs.

class Clock {
  now = $state(Date.now());
  private timer: ReturnType<typeof setInterval> | undefined;
  private users = 0;

  /** Starts ticking for a component; call the returned function when it goes away. */
  use(intervalMs = 250): () => void {
    this.users++;
    if (!this.timer) {
      this.now = Date.now();
      this.timer = setInterval(() => (this.now = Date.now()), intervalMs);
    }
    return () => {
      this.users--;
      if (this.users === 0 && this.timer) {
        clearInterval(this.timer);
        this.timer = undefined;
      }
    };
  }
}

export const clock = new Clock();
