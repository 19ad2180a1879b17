import i18next from 'i18next';
import { beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../lib/api.ts';
import { RESOURCES } from '../../lib/i18n/resources.ts';
import { outcomeDetail, outcomeOfAnswer, outcomeOfError, outcomeText } from './command-outcome.ts';

const t = i18next.getFixedT('zh-CN');

beforeAll(async () => {
  await i18next.init({
    resources: { 'zh-CN': { translation: RESOURCES['zh-CN'] }, en: { translation: RESOURCES.en } },
    lng: 'zh-CN',
    interpolation: { escapeValue: false },
  });
});

/** The vehicle refuses to arm and says why in its STATUSTEXT. */
const LID_CLOSED = {
  commandId: 'c',
  ok: false,
  error: {
    code: 'Denied',
    message: 'vehicle answered command 400 with DENIED',
    detail: { statusText: 'Arming denied: dock lid is not open' },
  },
};

describe('a command outcome', () => {
  it("shows the vehicle's own reason for a refusal, not the result code", () => {
    const o = outcomeOfAnswer(LID_CLOSED);
    const text = outcomeText(i18next.getFixedT('zh-CN'), '起飞', o);
    expect(text).toBe('起飞 被拒绝：无法解锁：机场舱盖未打开');
    expect(outcomeText(i18next.getFixedT('en'), 'Take off', o)).toBe(
      'Take off refused: Arming denied: dock lid is not open',
    );
    expect(text).not.toMatch(/DENIED|400/);
  });

  it('says a refusal without a reason in words of the console, not the wire', () => {
    const o = outcomeOfAnswer({
      commandId: 'c',
      ok: false,
      error: {
        code: 'TemporarilyRejected',
        message: 'vehicle answered command 400 with TEMPORARILY_REJECTED',
      },
    });
    expect(outcomeText(i18next.getFixedT('en'), 'Take off', o)).toBe(
      'Take off refused: the vehicle is not ready yet (still starting up); try again shortly',
    );
  });

  it('says a command that did not reach the vehicle was not delivered', () => {
    const o = outcomeOfError(new ApiError(409, 'VehicleOffline', 'vehicle v is offline'));
    expect(o).toEqual({ kind: 'undelivered', code: 'VehicleOffline', message: 'vehicle v is offline' });
    expect(outcomeText(t, '返航', o)).toBe('返航 未送达：无人机离线');
  });

  it("keeps the server message, labelled as the server's words, for a code it has no words for", () => {
    const o = outcomeOfError(new ApiError(500, 'Internal', 'the command could not be sent'));
    expect(outcomeText(i18next.getFixedT('en'), 'Hold', o)).toBe(
      'Hold not delivered: the server said: the command could not be sent',
    );
    expect(outcomeText(t, '悬停', o)).toBe('悬停 未送达：服务器原文：the command could not be sent');
  });

  it('puts the result code in words in the tooltip, with the vehicle text labelled as its own', () => {
    const refused = outcomeOfAnswer(LID_CLOSED);
    expect(outcomeDetail(t, refused)).toBe(
      '结果代码 Denied：飞控拒绝执行；机载原文：Arming denied: dock lid is not open',
    );
    expect(
      outcomeDetail(t, outcomeOfError(new ApiError(409, 'BridgeOffline', 'bridge b1 is not connected'))),
    ).toBe('结果代码 BridgeOffline：网关未连接');
    expect(outcomeDetail(t, { kind: 'ok' })).toBeUndefined();
  });
});
