/**
 * Administration: the registers (users, departments, sites, docks, vehicles, bridges) as tabs,
 * each shown to the roles that may read it and editable by those that may write it, as the
 * server's routes enforce.
 */
import { Tabs, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { useSession } from '../auth/session.ts';
import { ENTITIES, ENTITY_KINDS, type EntityKind } from './entities.ts';
import { EntityTable } from './entity-table.tsx';
import './admin.css';

export default function AdminPage() {
  const { t } = useTranslation();
  const permissions = useSession((s) => s.user?.permissions ?? []);
  const [params, setParams] = useSearchParams();
  const kinds = ENTITY_KINDS.filter((k) => permissions.includes(ENTITIES[k].read));
  const asked = params.get('tab') as EntityKind | null;
  const active = asked && kinds.includes(asked) ? asked : kinds[0];
  return (
    <div className="page admin-page" data-testid="admin-page">
      <Typography.Title level={3}>{t('admin.title')}</Typography.Title>
      <Tabs
        activeKey={active}
        onChange={(k) => setParams({ tab: k }, { replace: true })}
        destroyOnHidden
        items={kinds.map((k) => ({
          key: k,
          label: <span data-testid={`admin-tab-${k}`}>{t(`admin.lists.${k}`)}</span>,
          children: <EntityTable spec={ENTITIES[k]} />,
        }))}
      />
    </div>
  );
}
