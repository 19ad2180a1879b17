import i18next from 'i18next';
import { beforeAll, describe, expect, it } from 'vitest';
import { RESOURCES } from '../../lib/i18n/resources.ts';
import { statusTextKey, statusTextLabel } from './status-text.ts';

beforeAll(async () => {
  await i18next.init({
    resources: { 'zh-CN': { translation: RESOURCES['zh-CN'] }, en: { translation: RESOURCES.en } },
    lng: 'zh-CN',
    interpolation: { escapeValue: false },
  });
});

describe('status texts', () => {
  it('says what the console knows in the user language, with PX4 trailing tabs and case ignored', () => {
    const zh = i18next.getFixedT('zh-CN');
    expect(statusTextLabel(zh, 'Landing detected')).toBe('检测到着陆');
    expect(statusTextLabel(zh, 'Critical battery level!\t')).toBe('电量严重不足！');
    expect(statusTextLabel(zh, 'Arming denied: dock lid is not open')).toBe('无法解锁：机场舱盖未打开');
    expect(statusTextLabel(i18next.getFixedT('en'), 'Arming denied: dock lid is not open')).toBe(
      'Arming denied: dock lid is not open',
    );
  });

  it("keeps an unknown reason and an unknown text in the vehicle's own words", () => {
    const zh = i18next.getFixedT('zh-CN');
    expect(statusTextLabel(zh, 'Arming denied: baro inconsistent')).toBe(
      '无法解锁，机载原文：baro inconsistent',
    );
    expect(statusTextKey('Preflight Fail: Yaw estimate error')).toBeNull();
    expect(statusTextLabel(zh, 'Preflight Fail: Yaw estimate error ')).toBe(
      '机载原文：Preflight Fail: Yaw estimate error',
    );
    expect(statusTextLabel(i18next.getFixedT('en'), 'Preflight Fail: Yaw estimate error')).toBe(
      'Preflight Fail: Yaw estimate error',
    );
  });

  it("words the simulator's and PX4's texts with figures", () => {
    const zh = i18next.getFixedT('zh-CN');
    expect(statusTextLabel(zh, 'RTL: start return at 520 m (30 m above destination)\t')).toBe(
      '开始返航，返航高度 520 m（高于返航点 30 m）',
    );
    expect(statusTextLabel(zh, 'Failsafe activated: AUTO.RTL')).toBe('失控保护已触发：AUTO.RTL');
    expect(statusTextLabel(zh, 'Connection to ground station lost')).toBe('与地面站的连接中断');
    expect(statusTextLabel(zh, 'WPM: REJ. CMD: Busy')).toBe('航线传输被拒绝：飞控忙');
    expect(statusTextLabel(zh, 'Battery 1 is low')).toBe('电量低！');
  });
});
