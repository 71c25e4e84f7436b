import { describe, expect, it } from 'vitest';
import { actionInvasiveness, isMoreInvasive, maxInvasiveness } from './action-invasiveness.js';

describe('actionInvasiveness', () => {
  it('orders looking < working in place < restarting < changing the system', () => {
    expect(actionInvasiveness('manual')).toBe(0);
    expect(actionInvasiveness('check_dependencies')).toBe(0);
    expect(actionInvasiveness('clear_cache')).toBe(1);
    expect(actionInvasiveness('restart_container')).toBe(2);
    expect(actionInvasiveness('container_restart')).toBe(2);
    expect(actionInvasiveness('configuration_change')).toBe(3);
  });

  it('treats an unknown plugin action as the most invasive', () => {
    expect(actionInvasiveness('drop_database')).toBe(maxInvasiveness);
  });

  it('compares two actions', () => {
    expect(isMoreInvasive('restart_container', 'clear_cache')).toBe(true);
    expect(isMoreInvasive('reset_connections', 'restart_container')).toBe(false);
    expect(isMoreInvasive('clear_cache', 'manual')).toBe(true);
  });
});
