/**
 * Chinese public holidays and make-up working days (调休), as data.
 *
 * Source: 国务院办公厅关于2026年部分节假日安排的通知 (General Office of the State Council,
 * published November 2025, https://www.gov.cn/zhengce/). 2026:
 * - 元旦 1月1日至3日放假调休, 1月4日(周日)上班
 * - 春节 2月15日至23日放假调休, 2月14日(周六)、2月28日(周六)上班
 * - 清明节 4月4日至6日放假
 * - 劳动节 5月1日至5日放假调休, 5月9日(周六)上班
 * - 端午节 6月19日至21日放假
 * - 中秋节 9月25日至27日放假
 * - 国庆节 10月1日至7日放假调休, 9月20日(周日)、10月10日(周六)上班
 *
 * The 2027 notice is not in this repository yet (an offline deployment cannot fetch it): an
 * administrator loads a year's dates with `PUT /api/tickets/calendar/{year}` (checked by
 * core/calendar-years.ts), and until then health and the console report the year as missing.
 */

/** Dates (local, YYYY-MM-DD) off work although they may be weekdays. */
export const CN_HOLIDAYS: Record<number, readonly string[]> = {
  2026: [
    '2026-01-01',
    '2026-01-02',
    '2026-01-03',
    '2026-02-15',
    '2026-02-16',
    '2026-02-17',
    '2026-02-18',
    '2026-02-19',
    '2026-02-20',
    '2026-02-21',
    '2026-02-22',
    '2026-02-23',
    '2026-04-04',
    '2026-04-05',
    '2026-04-06',
    '2026-05-01',
    '2026-05-02',
    '2026-05-03',
    '2026-05-04',
    '2026-05-05',
    '2026-06-19',
    '2026-06-20',
    '2026-06-21',
    '2026-09-25',
    '2026-09-26',
    '2026-09-27',
    '2026-10-01',
    '2026-10-02',
    '2026-10-03',
    '2026-10-04',
    '2026-10-05',
    '2026-10-06',
    '2026-10-07',
  ],
};

/** Weekend dates (local, YYYY-MM-DD) that are working days (调休上班). */
export const CN_MAKE_UP_WORKDAYS: Record<number, readonly string[]> = {
  2026: ['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10'],
};

/** Where the shipped data comes from (shown beside the years it covers). */
export const CN_CALENDAR_SOURCE = '国务院办公厅关于2026年部分节假日安排的通知';

/** Years the shipped data covers. */
export const CN_CALENDAR_YEARS = Object.keys(CN_HOLIDAYS).map(Number);
