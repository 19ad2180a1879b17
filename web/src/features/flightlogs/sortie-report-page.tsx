/**
 * A sortie's report for the department to print (browser print or "save as PDF"): the figures,
 * the coverage of the planned area, a drawing of the route (planned area, planned path, flown
 * track, findings), and the findings and tickets of the flight. `report.css` lays it out on
 * A4 paper when printed and hides the console around it.
 */
import { PrinterOutlined } from '@ant-design/icons';
import { Button, Result, Space, Spin, Table, Tag } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { api } from '../../lib/api.ts';
import { categoryColour } from '../tickets/category-colours.ts';
import { formatAt } from './display-time.ts';
import { formatDuration, formatKm, formatNumber, formatPercent } from './format.ts';
import { reportDrawing } from './report-geometry.ts';
import type { SortieReport } from './types.ts';
import './report.css';

const DRAWING = { width: 640, height: 400 };

export default function SortieReportPage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const [report, setReport] = useState<SortieReport | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    let live = true;
    api
      .get<SortieReport>(`/api/sorties/${encodeURIComponent(id)}/report`)
      .then((r) => live && setReport(r))
      .catch((e: unknown) => live && setError(e));
    return () => {
      live = false;
    };
  }, [id]);

  const drawing = useMemo(
    () =>
      report
        ? reportDrawing(
            {
              area: report.plannedArea,
              path: report.plannedPath,
              track: report.track,
              points: report.findings,
            },
            DRAWING.width,
            DRAWING.height,
          )
        : null,
    [report],
  );

  if (error)
    return (
      <Result
        status="error"
        title={t('common.load.failed', { what: t('flightlogs.load.sortie') })}
        extra={<Button onClick={() => navigate('/sorties')}>{t('flightlogs.replay.back')}</Button>}
      />
    );
  if (!report) return <Spin className="page-spin" tip={t('flightlogs.replay.loading')} />;

  const s = report.sortie;
  const figures: Array<[string, string]> = [
    [t('flightlogs.report.vehicle'), report.vehicleName ?? s.vehicleId],
    [t('flightlogs.report.route'), report.routeName ?? '—'],
    [t('flightlogs.columns.startedAt'), formatAt(s.startedAt)],
    [t('flightlogs.report.endedAt'), formatAt(s.endedAt)],
    [t('flightlogs.columns.duration'), formatDuration(s.durationS)],
    [t('flightlogs.columns.distance'), formatKm(s.distanceM)],
    [t('flightlogs.columns.maxAlt'), formatNumber(s.maxAltRelM, 1)],
    [t('flightlogs.columns.status'), t(`flightlogs.status.${s.status}`)],
  ];

  return (
    <div className="page sortie-report" data-testid="sortie-report" data-coverage={s.coverageShare ?? ''}>
      <div className="report-actions">
        <Space>
          <Link to={`/sorties/${encodeURIComponent(s.id)}`}>{t('flightlogs.report.toReplay')}</Link>
          <Button
            type="primary"
            icon={<PrinterOutlined />}
            onClick={() => window.print()}
            data-testid="report-print"
          >
            {t('flightlogs.report.print')}
          </Button>
        </Space>
      </div>
      <header className="report-header">
        <h1>{t('flightlogs.report.title')}</h1>
        <div className="report-sub">
          {report.vehicleName ?? s.vehicleId} · {formatAt(s.startedAt, 'YYYY-MM-DD HH:mm')} · {s.id}
        </div>
      </header>

      <section className="report-figures">
        <div className="report-coverage" data-testid="report-coverage">
          <div className="report-coverage-value">{formatPercent(s.coverageShare)}</div>
          <div className="report-coverage-label">{t('flightlogs.report.coverage')}</div>
          {s.coveragePlannedM2 !== null && (
            <div className="report-coverage-area">
              {t('flightlogs.report.plannedArea', { km2: (s.coveragePlannedM2 / 1e6).toFixed(3) })}
            </div>
          )}
          {s.coverageShare === null && (
            <div className="report-coverage-area">{t('flightlogs.report.noPlan')}</div>
          )}
        </div>
        <dl className="report-dl">
          {figures.map(([k, v]) => (
            <div key={k}>
              <dt>{k}</dt>
              <dd>{v}</dd>
            </div>
          ))}
        </dl>
      </section>

      <section className="report-section">
        <h2>{t('flightlogs.report.map')}</h2>
        {drawing ? (
          <svg
            className="report-map"
            viewBox={`0 0 ${drawing.width} ${drawing.height}`}
            role="img"
            aria-label={t('flightlogs.report.map')}
            data-testid="report-map"
          >
            <rect width={drawing.width} height={drawing.height} className="report-map-bg" />
            {drawing.area && <path d={drawing.area} className="report-map-area" />}
            {drawing.path && <path d={drawing.path} className="report-map-path" />}
            {drawing.track && <path d={drawing.track} className="report-map-track" />}
            {drawing.points.map((p, i) => (
              <circle
                // biome-ignore lint/suspicious/noArrayIndexKey: findings have no id of their own
                key={i}
                cx={p.x}
                cy={p.y}
                r={5}
                className="report-map-finding"
              />
            ))}
            <ScaleBar metresPerUnit={drawing.metresPerUnit} height={drawing.height} />
          </svg>
        ) : (
          <p>{t('flightlogs.replay.noTrack')}</p>
        )}
        <div className="report-legend">
          <span className="report-key report-key-area" />
          {t('flightlogs.report.legend.area')}
          <span className="report-key report-key-path" />
          {t('flightlogs.report.legend.path')}
          <span className="report-key report-key-track" />
          {t('flightlogs.report.legend.track')}
          <span className="report-key report-key-finding" />
          {t('flightlogs.report.legend.finding')}
        </div>
      </section>

      <section className="report-section">
        <h2>
          {t('flightlogs.report.tickets')} ({report.tickets.length})
        </h2>
        <Table
          size="small"
          pagination={false}
          rowKey="id"
          data-testid="report-tickets"
          dataSource={report.tickets}
          locale={{ emptyText: t('flightlogs.report.noTickets') }}
          columns={[
            {
              key: 'number',
              title: t('tickets.columns.number'),
              render: (_, tk) => <Link to={`/tickets/${encodeURIComponent(tk.id)}`}>{tk.number}</Link>,
            },
            {
              key: 'category',
              title: t('tickets.columns.category'),
              render: (_, tk) => (
                <Tag color={categoryColour(tk.category)}>
                  {t(`tickets.category.${tk.category}`, { defaultValue: tk.category })}
                </Tag>
              ),
            },
            {
              key: 'status',
              title: t('tickets.columns.status'),
              render: (_, tk) => t(`tickets.status.${tk.status}`, { defaultValue: tk.status }),
            },
            {
              key: 'dep',
              title: t('tickets.columns.department'),
              render: (_, tk) => tk.departmentName ?? '—',
            },
            {
              key: 'at',
              title: t('flightlogs.report.location'),
              render: (_, tk) => `${tk.lat.toFixed(5)}, ${tk.lon.toFixed(5)}`,
            },
          ]}
        />
      </section>

      <section className="report-section">
        <h2>
          {t('flightlogs.report.findings')} ({report.findings.length})
        </h2>
        <Table
          size="small"
          pagination={false}
          rowKey={(f) => `${f.ticketId}-${f.capturedAt}`}
          dataSource={report.findings}
          locale={{ emptyText: t('flightlogs.report.noFindings') }}
          columns={[
            { key: 'at', title: t('flightlogs.report.capturedAt'), render: (_, f) => formatAt(f.capturedAt) },
            {
              key: 'ticket',
              title: t('tickets.columns.number'),
              render: (_, f) => report.tickets.find((tk) => tk.id === f.ticketId)?.number ?? f.ticketId,
            },
            { key: 'score', title: t('flightlogs.report.score'), render: (_, f) => formatNumber(f.score, 2) },
            {
              key: 'loc',
              title: t('flightlogs.report.location'),
              render: (_, f) => `${f.lat.toFixed(5)}, ${f.lon.toFixed(5)}`,
            },
          ]}
        />
      </section>
      <footer className="report-footer">
        {t('flightlogs.report.printedAt', { at: formatAt(Date.now()) })}
      </footer>
    </div>
  );
}

/** A round-number scale bar in the drawing's lower left. */
function ScaleBar({ metresPerUnit, height }: { metresPerUnit: number; height: number }) {
  const target = metresPerUnit * 120;
  const pow = 10 ** Math.floor(Math.log10(target));
  const metres =
    [1, 2, 5, 10]
      .map((k) => k * pow)
      .filter((m) => m <= target)
      .at(-1) ?? pow;
  const len = metres / metresPerUnit;
  const y = height - 14;
  return (
    <g className="report-scale">
      <line x1={14} y1={y} x2={14 + len} y2={y} />
      <text x={14} y={y - 5}>
        {metres >= 1000 ? `${metres / 1000} km` : `${metres} m`}
      </text>
    </g>
  );
}
