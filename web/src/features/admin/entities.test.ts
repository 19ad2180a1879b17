import { describe, expect, it } from 'vitest';
import { ENTITIES, formBody, formValues, missingRequired } from './entities.ts';

describe('admin form bodies', () => {
  it('a new dock sends its filled fields with numbers as numbers and leaves empty optional ones out', () => {
    const body = formBody(
      ENTITIES.docks,
      {
        name: ' 桂城机场 ',
        serial: 'D-1',
        model: 'M1',
        siteId: 's1',
        departmentId: undefined,
        latDeg: '23.03',
        lonDeg: 113.14,
        altAmslM: '12',
        bridgeId: '',
        sysid: '',
        compid: undefined,
      },
      null,
    );
    expect(body).toEqual({
      name: '桂城机场',
      serial: 'D-1',
      model: 'M1',
      siteId: 's1',
      latDeg: 23.03,
      lonDeg: 113.14,
      altAmslM: 12,
    });
  });

  it('an edit sends only what changed, and a cleared nullable field as null', () => {
    const record = {
      id: 'v1',
      name: 'UAV-01',
      serial: 'S',
      model: 'M',
      departmentId: null,
      dockId: 'd1',
      bridgeId: 'b1',
      sysid: 3,
    };
    const values = { ...formValues(ENTITIES.vehicles, record), name: 'UAV-01 东', dockId: undefined };
    expect(formBody(ENTITIES.vehicles, values, record)).toEqual({ name: 'UAV-01 东', dockId: null });
  });

  it('a user edit never sends the username; an empty password leaves the password as it was', () => {
    const record = {
      id: 'u',
      username: 'li.ming',
      displayName: '李明',
      role: 'pilot',
      departmentId: null,
      disabled: false,
    };
    const values = { ...formValues(ENTITIES.users, record), username: 'other', password: '', disabled: true };
    expect(formBody(ENTITIES.users, values, record)).toEqual({ disabled: true });
    expect(formBody(ENTITIES.users, { ...values, password: 'new-secret-1' }, record)).toEqual({
      disabled: true,
      password: 'new-secret-1',
    });
  });

  it('names the required fields still empty, but not a password when editing', () => {
    expect(missingRequired(ENTITIES.users, { username: 'a.b', role: 'pilot' }, false)).toEqual([
      'displayName',
      'password',
    ]);
    expect(missingRequired(ENTITIES.users, { displayName: '甲', role: 'pilot' }, true)).toEqual([]);
  });
});
