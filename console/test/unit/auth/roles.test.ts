import { describe, expect, it } from 'vitest';
import { canOpen, homeFor, screensFor } from '$lib/auth/roles';

describe('roles', () => {
  it('sends each role to its own screen', () => {
    expect(homeFor('agent')).toBe('/atendente');
    expect(homeFor('supervisor')).toBe('/supervisor');
    expect(homeFor('admin')).toBe('/admin');
  });

  it('lets agents open only the workspace and supervisors only the board', () => {
    expect(canOpen('agent', '/atendente')).toBe(true);
    expect(canOpen('agent', '/supervisor')).toBe(false);
    expect(canOpen('agent', '/admin')).toBe(false);
    expect(canOpen('supervisor', '/supervisor')).toBe(true);
    expect(canOpen('supervisor', '/admin')).toBe(false);
  });

  it('lets admins open everything, sub-paths included', () => {
    expect(screensFor('admin')).toEqual(['/atendente', '/supervisor', '/admin']);
    expect(canOpen('admin', '/admin/grupos')).toBe(true);
    expect(canOpen('admin', '/administrador')).toBe(false);
  });
});
