/**
 * The weather gate: whether a dock's own sensors allow a flight. Limits are configurable per
 * deployment (an aircraft's wind rating, the local rules on rain); the answer lists every limit
 * broken, in words a dispatcher can act on.
 */

/** What a dock's sensors read (the bridge channel's DockStatusPayload has these fields). */
export interface WeatherReading {
  windSpeedMps: number;
  windGustMps: number;
  rainMmPerH: number;
  temperatureC: number;
  humidityPct?: number;
}

export interface WeatherLimits {
  /** Highest mean wind, m/s (default 10: a typical dock aircraft's rating is 12). */
  maxWindMps: number;
  /** Highest gust, m/s (default 14). */
  maxGustMps: number;
  /** Highest rain rate, mm/h (default 0.5: drizzle; dock aircraft are splash-proof, not rain-proof). */
  maxRainMmPerH: number;
  /** Coldest and hottest air, °C (defaults -10 and 45, the usual battery limits). */
  minTemperatureC: number;
  maxTemperatureC: number;
  /** Highest relative humidity, % (default none). */
  maxHumidityPct?: number;
}

export const DEFAULT_WEATHER_LIMITS: WeatherLimits = {
  maxWindMps: 10,
  maxGustMps: 14,
  maxRainMmPerH: 0.5,
  minTemperatureC: -10,
  maxTemperatureC: 45,
};

/** Every reason the weather gate grounds a flight for. */
export const WEATHER_REASON_CODES = [
  'WindTooStrong',
  'GustsTooStrong',
  'Raining',
  'TooCold',
  'TooHot',
  'TooHumid',
  'NoWeatherData',
] as const;
export type WeatherReasonCode = (typeof WEATHER_REASON_CODES)[number];

export interface WeatherReason {
  code: WeatherReasonCode;
  message: string;
  /** The reading and the limit it broke. */
  value: number | null;
  limit: number | null;
}

export type WeatherVerdict = { ok: true } | { ok: false; grounded: true; reasons: WeatherReason[] };

const f1 = (v: number): string => v.toFixed(1);

/** Checks a reading against the limits (missing limits take the defaults). */
export function weatherGate(
  reading: WeatherReading | null,
  limits: Partial<WeatherLimits> = {},
): WeatherVerdict {
  const l: WeatherLimits = { ...DEFAULT_WEATHER_LIMITS, ...limits };
  if (!reading) {
    return {
      ok: false,
      grounded: true,
      reasons: [
        {
          code: 'NoWeatherData',
          message: 'the dock has not reported its weather sensors',
          value: null,
          limit: null,
        },
      ],
    };
  }
  const reasons: WeatherReason[] = [];
  const bad = (v: number): boolean => !Number.isFinite(v);
  if (
    bad(reading.windSpeedMps) ||
    bad(reading.windGustMps) ||
    bad(reading.rainMmPerH) ||
    bad(reading.temperatureC)
  ) {
    reasons.push({
      code: 'NoWeatherData',
      message: 'a weather sensor of the dock reads no value',
      value: null,
      limit: null,
    });
  }
  if (reading.windSpeedMps > l.maxWindMps)
    reasons.push({
      code: 'WindTooStrong',
      message: `wind ${f1(reading.windSpeedMps)} m/s is above the ${f1(l.maxWindMps)} m/s limit`,
      value: reading.windSpeedMps,
      limit: l.maxWindMps,
    });
  if (reading.windGustMps > l.maxGustMps)
    reasons.push({
      code: 'GustsTooStrong',
      message: `gusts of ${f1(reading.windGustMps)} m/s are above the ${f1(l.maxGustMps)} m/s limit`,
      value: reading.windGustMps,
      limit: l.maxGustMps,
    });
  if (reading.rainMmPerH > l.maxRainMmPerH)
    reasons.push({
      code: 'Raining',
      message: `rain ${f1(reading.rainMmPerH)} mm/h is above the ${f1(l.maxRainMmPerH)} mm/h limit`,
      value: reading.rainMmPerH,
      limit: l.maxRainMmPerH,
    });
  if (reading.temperatureC < l.minTemperatureC)
    reasons.push({
      code: 'TooCold',
      message: `${f1(reading.temperatureC)} °C is below the ${f1(l.minTemperatureC)} °C limit`,
      value: reading.temperatureC,
      limit: l.minTemperatureC,
    });
  if (reading.temperatureC > l.maxTemperatureC)
    reasons.push({
      code: 'TooHot',
      message: `${f1(reading.temperatureC)} °C is above the ${f1(l.maxTemperatureC)} °C limit`,
      value: reading.temperatureC,
      limit: l.maxTemperatureC,
    });
  if (
    l.maxHumidityPct !== undefined &&
    reading.humidityPct !== undefined &&
    reading.humidityPct > l.maxHumidityPct
  )
    reasons.push({
      code: 'TooHumid',
      message: `humidity ${f1(reading.humidityPct)} % is above the ${f1(l.maxHumidityPct)} % limit`,
      value: reading.humidityPct,
      limit: l.maxHumidityPct,
    });
  return reasons.length ? { ok: false, grounded: true, reasons } : { ok: true };
}

/** The reasons as one sentence ("grounded: wind 12.0 m/s is above the 10.0 m/s limit; ..."). */
export function describeGrounding(reasons: readonly WeatherReason[]): string {
  return `grounded by weather: ${reasons.map((r) => r.message).join('; ')}`;
}

/**
 * The reasons as flat figures a console words itself: `reasons` lists the codes
 * ("WindTooStrong,Raining"), and each code with a reading has `<code>Value` and `<code>Limit`.
 */
export function groundingParams(reasons: readonly WeatherReason[]): Record<string, string | number> {
  const out: Record<string, string | number> = { reasons: reasons.map((r) => r.code).join(',') };
  for (const r of reasons) {
    if (r.value !== null) out[`${r.code}Value`] = Math.round(r.value * 10) / 10;
    if (r.limit !== null) out[`${r.code}Limit`] = r.limit;
  }
  return out;
}
