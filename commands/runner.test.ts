import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { AppError } from '../core/errors.ts';
import { defineCommand } from './define.ts';
import { commandArgs } from './runner.ts';

/**
 * Command versions: the server accepts the current version of a command and the one before,
 * upgrading the older args; anything else is `command.unsupported-version` (sync turns it into
 * "update required" and pauses the desktop, never a rejection).
 */
const renamed = defineCommand({
  name: 'renameThing',
  version: 2,
  args: z.object({ id: z.string(), displayName: z.string().min(1) }),
  previous: {
    version: 1,
    args: z.object({ id: z.string(), name: z.string().min(1) }),
    upgrade: (a) => {
      const v1 = a as { id: string; name: string };
      return { id: v1.id, displayName: v1.name };
    },
  },
  run: async (_trx, a) => a,
});

describe('commandArgs', () => {
  it('takes the current version as is and upgrades the previous one', () => {
    expect(commandArgs(renamed, { id: 'x', displayName: 'New' }, 2)).toEqual({ id: 'x', displayName: 'New' });
    expect(commandArgs(renamed, { id: 'x', name: 'Old' }, 1)).toEqual({ id: 'x', displayName: 'Old' });
    expect(commandArgs(renamed, { id: 'x', displayName: 'Any' })).toEqual({ id: 'x', displayName: 'Any' });
  });

  it('validates previous-version args against that version schema', () => {
    expect(() => commandArgs(renamed, { id: 'x', displayName: 'New' }, 1)).toThrow(
      expect.objectContaining({ code: 'validation.invalid-input' }),
    );
  });

  it('refuses older and newer versions with the versions it supports', () => {
    for (const v of [0, 3]) {
      let error: unknown;
      try {
        commandArgs(renamed, { id: 'x', displayName: 'n' }, v);
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).code).toBe('command.unsupported-version');
      expect((error as AppError).details).toMatchObject({ supported: [1, 2], version: v });
    }
  });
});
