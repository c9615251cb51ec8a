/**
 * Short beeps after each scan (Web Audio, no sound files): one high tone for a receipt, a low
 * double tone for anything refused, so a clerk looking at the carton hears the outcome.
 */

export type Beep = 'ok' | 'error' | 'info';

const MUTE_KEY = 'oms.dock.muted';

let ctx: AudioContext | null = null;

function audio(): AudioContext | null {
  if (typeof window === 'undefined' || typeof window.AudioContext !== 'function') return null;
  ctx ??= new window.AudioContext();
  // A context made before any user gesture starts suspended; a key press is one.
  if (ctx.state === 'suspended') void ctx.resume();
  return ctx;
}

function tone(a: AudioContext, freq: number, start: number, ms: number): void {
  const osc = a.createOscillator();
  const gain = a.createGain();
  osc.type = 'square';
  osc.frequency.value = freq;
  gain.gain.setValueAtTime(0.0001, start);
  gain.gain.exponentialRampToValueAtTime(0.15, start + 0.01);
  gain.gain.exponentialRampToValueAtTime(0.0001, start + ms / 1000);
  osc.connect(gain).connect(a.destination);
  osc.start(start);
  osc.stop(start + ms / 1000 + 0.02);
}

export function beep(kind: Beep): void {
  if (isMuted()) return;
  try {
    const a = audio();
    if (!a) return;
    const t = a.currentTime;
    if (kind === 'ok') tone(a, 1760, t, 120);
    else if (kind === 'info') tone(a, 1320, t, 60);
    else {
      tone(a, 220, t, 150);
      tone(a, 220, t + 0.22, 150);
    }
  } catch {
    // No audio device: the colour still says it.
  }
}

let mutedHere: boolean | null = null;

export function isMuted(): boolean {
  if (mutedHere !== null) return mutedHere;
  try {
    mutedHere = localStorage.getItem(MUTE_KEY) === '1';
  } catch {
    mutedHere = false;
  }
  return mutedHere;
}

export function setMuted(muted: boolean): void {
  mutedHere = muted;
  try {
    localStorage.setItem(MUTE_KEY, muted ? '1' : '0');
  } catch {
    // Storage disabled: muted for this session only.
  }
}
