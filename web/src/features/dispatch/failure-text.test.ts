import { groundingParams, weatherGate } from '@aerie/missions';
import { beforeAll, describe, expect, it } from 'vitest';
import { ApiError, apiErrorFrom } from '../../lib/api.ts';
import { en, initTestI18n, zh } from '../../lib/i18n/testing.ts';
import { failureText, launchErrorText } from './failure-text.ts';

beforeAll(initTestI18n);

describe('a sortie failure in the console', () => {
  it('is worded from its code and figures, not the English message', () => {
    const f = {
      code: 'LowBatteryReturn',
      message: 'battery 24% fell below 25%; sent home',
      params: { batteryPct: 24, limitPct: 25 },
    };
    expect(failureText(zh(), f)).toBe('电量低返航 – 电量 24% 低于 25%，已返航');
    expect(failureText(en(), f)).toBe('Returned on low battery – Battery 24% fell below 25%; sent home');
  });

  it("keeps the vehicle's own words, labelled, and words a known refusal code", () => {
    const f = {
      code: 'ArmRefused',
      message: 'the aircraft refused to arm (Denied): Preflight Fail: baro',
      params: { result: 'Denied', said: 'Preflight Fail: baro' },
    };
    expect(failureText(zh(), f)).toBe('无人机拒绝解锁 – 结果：飞控拒绝执行；机载原文：Preflight Fail: baro');
    const known = { ...f, params: { result: 'Denied', said: 'Arming denied: dock lid is not open' } };
    expect(failureText(zh(), known)).toBe('无人机拒绝解锁 – 结果：飞控拒绝执行；无法解锁：机场舱盖未打开');
    expect(failureText(zh(), { ...f, params: { result: 'Timeout', said: '' } })).toBe(
      '无人机拒绝解锁 – 结果：设备无应答（指令可能已执行）',
    );
  });

  it('words each weather reason with its reading and limit', () => {
    const gate = weatherGate({ windSpeedMps: 13, windGustMps: 15, rainMmPerH: 0, temperatureC: 20 });
    if (gate.ok) throw new Error('expected grounded');
    const f = {
      code: 'WeatherGrounded',
      message: 'x',
      params: { dock: '一号机场', ...groundingParams(gate.reasons) },
    };
    expect(failureText(zh(), f)).toBe(
      '天气原因停飞 – 一号机场：风速 13 m/s 超过上限 10 m/s；阵风 15 m/s 超过上限 14 m/s',
    );
  });

  it('words timeouts by step, dock faults by name, pre-emption and operator aborts', () => {
    const z = zh();
    expect(
      failureText(z, { code: 'DockTimeout', message: 'x', params: { step: 'lid_closing', seconds: 60 } }),
    ).toBe('机场操作超时 – 关舱超过 60 秒仍未完成');
    expect(
      failureText(z, {
        code: 'DockFault',
        message: 'x',
        params: { variant: 'closing', faults: 'lid_jam, E42' },
      }),
    ).toBe('机场故障 – 关舱时机场报告故障：舱盖卡滞；机载原文：E42');
    expect(failureText(z, { code: 'Preempted', message: 'x', params: { sortieClass: 'emergency' } })).toBe(
      '被紧急任务抢占 – 被紧急架次抢占',
    );
    expect(failureText(z, { code: 'OperatorAbort', message: 'x', params: { who: 'wang', reason: '' } })).toBe(
      '人工中止 – 由 wang 中止',
    );
    // Relayed by a node older than the code on the cluster bus: the code, and its own message.
    expect(failureText(z, { code: 'OperatorAbort', message: 'aborted by wang: 改期', params: null })).toBe(
      '人工中止 – aborted by wang: 改期',
    );
    expect(
      failureText(z, { code: 'NoDock', message: 'x', params: { docks: 2, codes: 'LowCharge,OutOfRange' } }),
    ).toBe('没有可用机场 – 2 个机场均无法执飞（电量不足；超出航程）');
    expect(
      failureText(z, {
        code: 'VehicleUnavailable',
        message: 'x',
        params: { variant: 'offline', vehicleId: 'v7' },
      }),
    ).toBe('飞行器不可用 – 飞机 v7 离线');
    expect(failureText(z, { code: 'WindowMissed', message: 'its time window closed', params: null })).toBe(
      '错过起飞时间窗口 – 等待其他航班让出空域期间，起飞时间窗口已关闭',
    );
  });

  it('shows the stored message after the worded code when the failure has no figures', () => {
    expect(failureText(zh(), { code: 'LinkLost', message: 'link lost for 10 s', params: null })).toBe(
      '数据链路中断 – link lost for 10 s',
    );
  });

  it('has a title and, with its figures, a Chinese detail for every failure the orchestrator records', () => {
    const samples: Record<string, Record<string, string | number>> = {
      LowBatteryReturn: { batteryPct: 20, limitPct: 25 },
      DockFault: { variant: '', faults: 'lid_jam' },
      DockTimeout: { step: 'dock_preparing', seconds: 90 },
      PhaseTimeout: { step: 'arming', seconds: 30 },
      LinkLost: { seconds: 12 },
      DockPrepareFailed: { result: 'Failed', said: '' },
      UploadRefused: { result: 'Timeout', said: '' },
      MissionIdMismatch: { result: 'MissionIdMismatch', said: '' },
      ArmRefused: { result: 'Denied', said: '' },
      StartRefused: { result: 'Denied', said: '' },
      WeatherGrounded: { reasons: 'Raining', RainingValue: 2, RainingLimit: 0.5 },
      WeatherAbort: { reasons: 'NoWeatherData' },
      Preempted: { sortieClass: 'on_demand' },
      OperatorAbort: { who: 'li', reason: '改期' },
      NoDock: { docks: 0, codes: '' },
      VehicleUnavailable: { variant: 'busy', vehicleId: 'v1', sortieId: 's9' },
      WindowMissed: {},
      Conflict: {},
      OrchestratorRestarted: {},
    };
    for (const [code, params] of Object.entries(samples)) {
      const text = failureText(zh(), { code, message: 'ENGLISH', params });
      expect(text, code).not.toContain('ENGLISH');
      expect(text, code).not.toContain(code);
      expect(text.split(' – ')[1], code).toMatch(/[\u4e00-\u9fff]/);
    }
  });

  it('words a refused launch (409 with the failure) as a sortie failure, other errors as API errors', () => {
    const refused = apiErrorFrom(409, 'Conflict', {
      error: {
        code: 'VehicleUnavailable',
        message: 'vehicle v3 is offline',
        params: { vehicleId: 'v3', variant: 'offline' },
      },
      sortieId: null,
      rejected: [],
    });
    expect(launchErrorText(zh(), refused)).toBe('飞行器不可用 – 飞机 v3 离线');
    const forbidden = new ApiError(403, 'Forbidden', 'role pilot may not sorties.launch', undefined, {
      detail: 'RoleMayNot',
      role: 'pilot',
    });
    expect(launchErrorText(zh(), forbidden)).toBe('飞手无权执行此操作');
  });
});
