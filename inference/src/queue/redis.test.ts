import { describe, expect, it } from 'vitest';
import { checkRedisUrl, redactRedisUrl, redisOptions } from './redis.ts';

describe('Redis URL', () => {
  it('accepts redis:// and rediss://, and names anything else', () => {
    expect(checkRedisUrl('redis://10.0.0.5:6379/2')).toBeNull();
    expect(checkRedisUrl('rediss://cache.example:6380')).toBeNull();
    expect(checkRedisUrl('http://10.0.0.5')).toMatch(/not a redis:\/\/ or rediss:\/\/ URL/);
    expect(checkRedisUrl('10.0.0.5:6379')).toMatch(
      /'10.0.0.5:6379' is not a URL \(expected redis:\/\/host:port\)/,
    );
    expect(checkRedisUrl('nonsense')).toMatch(/'nonsense' is not a URL/);
    expect(() => redisOptions('http://x')).toThrow(/Redis URL/);
  });

  it('never shows a password in messages', () => {
    expect(redactRedisUrl('redis://:s3cret@10.0.0.5:6379')).toBe('redis://:***@10.0.0.5:6379');
    expect(redactRedisUrl('redis://10.0.0.5:6379')).toBe('redis://10.0.0.5:6379');
    expect(checkRedisUrl('http://u:s3cret@host')).not.toContain('s3cret');
  });

  it('workers get blocking connections that retry for ever (BullMQ requires it)', () => {
    expect(redisOptions('redis://h:1', { blocking: true })).toEqual({
      url: 'redis://h:1',
      maxRetriesPerRequest: null,
    });
    expect(redisOptions('redis://h:1').maxRetriesPerRequest).toBe(3);
  });
});
