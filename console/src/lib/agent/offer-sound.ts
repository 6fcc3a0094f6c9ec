// The offer chime: two short tones made with WebAudio (no audio file to load). Browsers only let
// a page play sound after a user gesture, so the context is created on the first click or key.

let context: AudioContext | undefined;

export function unlockAudio(): void {
  if (typeof window === 'undefined' || typeof AudioContext === 'undefined') return;
  context ??= new AudioContext();
  if (context.state === 'suspended') void context.resume().catch(() => undefined);
}

export function playOfferChime(): void {
  if (!context || context.state !== 'running') return;
  const start = context.currentTime + 0.01;
  tone(context, 880, start, 0.16);
  tone(context, 1175, start + 0.2, 0.22);
}

function tone(ctx: AudioContext, frequency: number, at: number, seconds: number): void {
  const oscillator = ctx.createOscillator();
  const gain = ctx.createGain();
  oscillator.type = 'sine';
  oscillator.frequency.value = frequency;
  // A quick attack and exponential release: no click at either end.
  gain.gain.setValueAtTime(0.0001, at);
  gain.gain.exponentialRampToValueAtTime(0.25, at + 0.02);
  gain.gain.exponentialRampToValueAtTime(0.0001, at + seconds);
  oscillator.connect(gain).connect(ctx.destination);
  oscillator.start(at);
  oscillator.stop(at + seconds + 0.02);
}
