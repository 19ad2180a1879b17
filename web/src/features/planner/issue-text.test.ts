import { type Route, validateRoute } from '@aerie/missions';
import i18next from 'i18next';
import { beforeAll, describe, expect, it } from 'vitest';
import { RESOURCES } from '../../lib/i18n/resources.ts';
import { issueDetail, issueTitle } from './issue-text.ts';

beforeAll(async () => {
  await i18next.init({
    resources: { 'zh-CN': { translation: RESOURCES['zh-CN'] }, en: { translation: RESOURCES.en } },
    lng: 'zh-CN',
    interpolation: { escapeValue: false },
  });
});

const home = { lat: 30.5, lon: 114.3 };
const route = (items: Route['items']): Route => ({
  name: 'r',
  home,
  defaults: { altM: 50, speedMps: 8 },
  items,
});

describe('a validation issue in the planner', () => {
  it('shows its figures in Chinese words, not the library English', () => {
    const issues = validateRoute(
      route([
        { type: 'takeoff', altM: 30 },
        { type: 'waypoint', lat: 30.5, lon: 114.3, altM: 900 },
        { type: 'rtl' },
      ]),
      { ceilingM: 120 },
    );
    const high = issues.find((i) => i.code === 'AltitudeAboveCeiling');
    expect(high?.params).toEqual({ heightM: '900.0', ceilingM: 120 });
    const zh = issueDetail(i18next.getFixedT('zh-CN'), high!);
    expect(zh).toBe('相对起飞点高度 900.0 米，超过 120 米限高');
    expect(issueDetail(i18next.getFixedT('en'), high!)).toBe(
      'Height 900.0 m above home is above the 120 m ceiling',
    );
    const name = i18next.getFixedT('zh-CN')('planner.issueCodes.AltitudeAboveCeiling');
    expect(issueTitle(i18next.getFixedT('zh-CN'), high!)).toBe(`${name}: ${zh}`);
  });

  it('translates the words of a zone crossing and picks the variant', () => {
    const zones = [
      {
        kind: 'nofly' as const,
        name: '机场净空区',
        geometry: {
          type: 'polygon' as const,
          points: [
            { lat: 30.51, lon: 114.29 },
            { lat: 30.51, lon: 114.31 },
            { lat: 30.52, lon: 114.31 },
            { lat: 30.52, lon: 114.29 },
          ],
        },
        floorM: 0,
        ceilingM: 300,
      },
    ];
    const issues = validateRoute(
      route([
        { type: 'takeoff', altM: 30 },
        { type: 'waypoint', lat: 30.53, lon: 114.3, altM: 50 },
        { type: 'land', lat: 30.5, lon: 114.3 } as Route['items'][number],
      ]),
      { zones },
    );
    const enters = issues.find((i) => i.code === 'EntersNoFlyZone');
    expect(enters?.params).toMatchObject({ leg: 'item', zone: '"机场净空区"', band: '0-300' });
    expect(issueDetail(i18next.getFixedT('zh-CN'), enters!)).toBe(
      '飞往该任务项的航段进入禁飞区 "机场净空区"（0-300 米）',
    );
    expect(issueDetail(i18next.getFixedT('en'), enters!)).toBe(
      'The leg to this item enters no-fly zone "机场净空区" (0-300 m)',
    );
  });

  it("keeps the library's message for an issue without figures it has no words for", () => {
    const t = i18next.getFixedT('zh-CN');
    expect(issueDetail(t, { code: 'NoSuchCode' as never, message: 'raw detail' })).toBe('raw detail');
  });
});
