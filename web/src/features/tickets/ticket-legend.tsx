/** The globe's ticket pin colours, one swatch per category plus urgent fire and smoke. */
import { useTranslation } from 'react-i18next';
import { CATEGORY_COLOURS, URGENT_FIRE_COLOUR } from './category-colours.ts';
import { TICKET_CATEGORIES } from './types.ts';

export function TicketLegend() {
  const { t } = useTranslation();
  const items = [
    { key: 'urgent', colour: URGENT_FIRE_COLOUR, label: t('tickets.legend.urgentFire') },
    ...TICKET_CATEGORIES.map((c) => ({
      key: c,
      colour: CATEGORY_COLOURS[c],
      label: t(`tickets.category.${c}`),
    })),
  ];
  return (
    <span className="ticket-legend" data-testid="ticket-legend">
      {items.map((i) => (
        <span key={i.key} className="ticket-legend-item">
          <span className="ticket-legend-dot" style={{ background: i.colour }} />
          {i.label}
        </span>
      ))}
    </span>
  );
}
