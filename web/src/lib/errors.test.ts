import { API_ERROR_CODES } from '@aerie/contracts';
import { beforeAll, describe, expect, it } from 'vitest';
import { ApiError, apiErrorFrom } from './api.ts';
import { errorText } from './errors.ts';
import { en, initTestI18n, zh } from './i18n/testing.ts';

beforeAll(initTestI18n);

describe('an API error in the console', () => {
  it('is worded by its code and the server figures, in Chinese and in English', () => {
    const taken = apiErrorFrom(409, 'Conflict', {
      error: {
        code: 'Conflict',
        message: 'username wang is taken',
        path: 'body.username',
        params: { detail: 'UsernameTaken', username: 'wang' },
      },
    });
    expect(taken.path).toBe('body.username');
    expect(errorText(zh(), taken)).toBe('用户名 wang 已被占用');
    expect(errorText(en(), taken)).toBe('Username wang is taken');
  });

  it('translates the role and the kind of record the server names', () => {
    const forbidden = new ApiError(403, 'Forbidden', 'role pilot may not docks.command', undefined, {
      detail: 'RoleMayNot',
      role: 'pilot',
      permission: 'docks.command',
    });
    expect(errorText(zh(), forbidden)).toBe('飞手无权执行此操作');
    expect(errorText(en(), forbidden)).toBe('A Pilot is not allowed to do this');
    const missing = new ApiError(404, 'NotFound', 'no dock with id d9', undefined, {
      detail: 'NoSuchRecord',
      what: 'dock',
      id: 'd9',
    });
    expect(errorText(zh(), missing)).toBe('未找到机场（编号 d9）');
    expect(errorText(en(), missing)).toBe('No dock with id d9');
  });

  it('has Chinese words, not the English message, for every code the server can answer', () => {
    for (const code of API_ERROR_CODES) {
      const text = errorText(zh(), new ApiError(400, code, 'ENGLISH DETAIL'));
      // ValidationFailed without figures keeps the field detail after its Chinese words.
      if (code === 'ValidationFailed') expect(text).toBe('输入有误：ENGLISH DETAIL');
      else expect(text, code).not.toContain('ENGLISH DETAIL');
      expect(text, code).toMatch(/[\u4e00-\u9fff]/);
    }
  });

  it('words a detail the console does not know by its code', () => {
    const e = new ApiError(409, 'Conflict', 'something new', undefined, { detail: 'SomethingNew' });
    expect(errorText(zh(), e)).toBe('与现有数据冲突，请刷新后重试');
  });

  it("shows the server's message only for a code the console does not know", () => {
    const e = new ApiError(418, 'Teapot', 'the server is a teapot');
    expect(errorText(zh(), e)).toBe('操作失败：the server is a teapot');
    expect(errorText(en(), e)).toBe('It did not work: the server is a teapot');
  });

  it('reads a body without an error object as an HTTP status', () => {
    const e = apiErrorFrom(502, 'Bad Gateway', null);
    expect([e.code, e.message, e.params]).toEqual(['Http502', 'Bad Gateway', undefined]);
  });
});
