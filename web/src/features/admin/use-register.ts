/** A register's rows and the names of the registers its fields point into. */
import { api, type Page } from '../../lib/api.ts';
import { useLoad } from '../../lib/load/index.ts';
import { useCan } from '../auth/session.ts';
import { ENTITIES, type EntityKind, type EntitySpec } from './entities.ts';

export type Row = Record<string, unknown> & { id: string };

/** Every row (the server pages by at most 500). */
export async function listAll(path: string): Promise<Row[]> {
  const out: Row[] = [];
  for (let offset = 0; ; offset += 500) {
    const page = await api.get<Page<Row>>(path, { limit: 500, offset });
    out.push(...page.items);
    if (page.items.length < 500 || out.length >= page.total) return out;
  }
}

export function useRegister(spec: EntitySpec) {
  return useLoad(() => listAll(spec.path), [spec.path]);
}

/** Id -> name of the registers `spec` refers to and the user may read. */
export function useRefNames(spec: EntitySpec) {
  const kinds = [...new Set(spec.fields.flatMap((f) => (f.ref ? [f.ref] : [])))];
  const can = {
    departments: useCan('departments.read'),
    sites: useCan('sites.read'),
    docks: useCan('docks.read'),
    bridges: useCan('bridges.read'),
    users: useCan('users.read'),
    vehicles: useCan('vehicles.read'),
  } satisfies Record<EntityKind, boolean>;
  const key = kinds.join(',');
  return useLoad(async () => {
    const out: Partial<Record<EntityKind, { id: string; name: string }[]>> = {};
    await Promise.all(
      kinds
        .filter((k) => can[k])
        .map(async (k) => {
          out[k] = (await listAll(ENTITIES[k].path)).map((r) => ({ id: r.id, name: String(r.name ?? r.id) }));
        }),
    );
    return out;
  }, [key]);
}
