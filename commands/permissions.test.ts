import { describe, expect, it } from 'vitest';
import { commandsByName } from './registry.ts';
import { accessOf, commandsWithPermissions, mayRun } from '../core/auth/permissions.ts';

describe('permissions', () => {
  it('names only commands that exist, and every synced command has an entry', () => {
    const registered = [...commandsByName.values()].filter((c) => !c.localOnly).map((c) => c.name);
    expect(commandsWithPermissions().filter((n) => !registered.includes(n))).toEqual([]);
    expect(registered.filter((n) => !commandsWithPermissions().includes(n))).toEqual([]);
  });

  it('lets the administrator run everything and others only what their roles list', () => {
    expect(mayRun('createWarehouse', ['administrator'])).toBe(true);
    expect(mayRun('createWarehouse', ['warehouse-clerk'])).toBe(false);
    expect(mayRun('setCreditPosition', ['finance-clerk'])).toBe(true);
    expect(mayRun('reserveStock', ['supplier-clerk'])).toBe(false);
    expect(mayRun('noSuchCommand', ['supervisor'])).toBe(false);
  });

  it('narrows anyone holding a supplier grant to that supplier, whatever the roles', () => {
    const a = accessOf('u', ['supervisor'], [{ kind: 'supplier', id: 'S1' }]);
    expect(a.supplier).toBe('S1');
    expect(a.warehouses).toEqual(new Set());
    const clerk = accessOf('u', ['supplier-clerk'], []);
    expect(clerk.supplier).not.toBeNull();
    expect(accessOf('u', ['supervisor'], []).warehouses).toBe('all');
  });
});
