import { describe, expect, it } from 'vitest';
import { parsePrinterTarget } from '../../printing/transports/targets.ts';
import {
  canCancel,
  canReprint,
  canRetry,
  defaultPrinter,
  joinTarget,
  osFailureReason,
  secondsUntil,
  splitTarget,
  type JobStatus,
} from '../../renderer/src/printing/format.ts';

describe('printer form helpers (renderer)', () => {
  it.each([
    ['tcp', '192.168.1.50', 'tcp://192.168.1.50:9100'],
    ['tcp', '192.168.1.50:6101', 'tcp://192.168.1.50:6101'],
    ['tcp', '[fe80::1]', 'tcp://[fe80::1]:9100'],
    ['tcp', '[fe80::1]:9101', 'tcp://[fe80::1]:9101'],
    ['cups', 'DOCK1', 'cups:DOCK1'],
    ['pdf', '/home/dock/labels', 'pdf:/home/dock/labels'],
    ['os', 'ZDesigner GK420d', 'os:ZDesigner GK420d'],
    ['os', ' HP LaserJet M404 (Office) ', 'os:HP LaserJet M404 (Office)'],
    // A whole target pasted into the field, as the printer list shows it.
    ['tcp', 'tcp://127.0.0.1:9100', 'tcp://127.0.0.1:9100'],
    ['cups', 'cups:DOCK1', 'cups:DOCK1'],
  ] as const)('%s %s → %s, a target the host accepts, and back', (kind, value, target) => {
    expect(joinTarget(kind, value)).toBe(target);
    expect(() => parsePrinterTarget(target)).not.toThrow();
    expect(joinTarget(splitTarget(target).kind, splitTarget(target).value)).toBe(target);
  });

  it('names why an OS printer job failed, only for OS printers', () => {
    expect(osFailureReason({ target: 'os:Office', lastErrorCode: 'print.bad-target' })).toBe(
      'os-printing-needs-desktop-app',
    );
    expect(osFailureReason({ target: 'os:Office', lastErrorCode: 'print.unreachable' })).toBe('no-such-os-printer');
    expect(osFailureReason({ target: 'os:Office', lastErrorCode: 'print.spooler-failed' })).toBeNull();
    expect(osFailureReason({ target: 'os:Office', lastErrorCode: null })).toBeNull();
    expect(osFailureReason({ target: 'tcp://10.0.0.5:9100', lastErrorCode: 'print.unreachable' })).toBeNull();
  });

  it('offers retry, cancel and reprint exactly where the host allows them', () => {
    const all: JobStatus[] = ['queued', 'sending', 'sent', 'done', 'failed', 'cancelled'];
    expect(all.filter((status) => canRetry({ status }))).toEqual(['queued', 'failed', 'cancelled']);
    expect(all.filter((status) => canCancel({ status }))).toEqual(['queued', 'sending', 'sent', 'failed']);
    expect(all.filter((status) => canReprint({ status }))).toEqual(['sent', 'done']);
  });

  it('picks the default active printer, counts down to the next retry', () => {
    const p = (id: string, isDefault: boolean, active = true) =>
      ({ id, isDefault, active }) as Parameters<typeof defaultPrinter>[0][number];
    expect(defaultPrinter([p('a', false), p('b', true)])?.id).toBe('b');
    expect(defaultPrinter([p('a', false), p('b', true, false)])?.id).toBe('a');
    expect(defaultPrinter([])).toBeUndefined();
    expect(secondsUntil('2026-01-01T00:00:08.500Z', Date.parse('2026-01-01T00:00:00Z'))).toBe(9);
    expect(secondsUntil('2026-01-01T00:00:00Z', Date.parse('2026-01-01T00:00:05Z'))).toBe(0);
    expect(secondsUntil(null)).toBeNull();
  });
});
