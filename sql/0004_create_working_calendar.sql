-- The working calendar behind the day SLA tiers (7 / 15 working days). A day is a working day when it is
-- Monday–Friday, unless a row here says otherwise. Only the EXCEPTIONS are stored:
--   'holiday' = a Monday–Friday that is a day off (法定节假日 and the days moved next to it);
--   'workday' = a Saturday or Sunday that is a make-up working day (调休上班).
-- Holiday days that fall on a Saturday or Sunday are NOT stored: they are off anyway. The check below
-- enforces this, so every row changes the answer for its day.
--
-- The table is editable: admins change it through WorkingCalendarService.SetDayAsync / RemoveDayAsync,
-- and running apps pick changes up on WorkingCalendarService.ReloadAsync. To add next year, when the
-- State Council (国务院办公厅) publishes its arrangement (usually in November), add a new migration
-- sql/NNNN_seed_calendar_YYYY.sql in the shape of the two inserts below: the holiday ranges as printed
-- in the notice (the weekend filter drops Saturdays and Sundays) and each make-up working day as a
-- 'workday' row. Never edit this file once it has landed; correct a row in a later migration.

create table calendar_day (
    day      date primary key,
    kind     text not null check (kind in ('holiday', 'workday')),
    name_zh  text not null check (length(name_zh) between 1 and 100),
    name_en  text not null check (length(name_en) between 1 and 100),
    -- isodow: 1 = Monday … 7 = Sunday.
    check ((kind = 'holiday') = (extract(isodow from day) between 1 and 5))
);

-- Holidays, as ranges in the words of the notices (国办发明电〔2024〕12号 for 2025, 〔2025〕7号 for 2026).
insert into calendar_day (day, kind, name_zh, name_en)
select d::date, 'holiday', r.name_zh, r.name_en
from (values
    (date '2025-01-01', date '2025-01-01', '元旦', 'New Year''s Day'),
    (date '2025-01-28', date '2025-02-04', '春节', 'Spring Festival'),
    (date '2025-04-04', date '2025-04-06', '清明节', 'Qingming Festival'),
    (date '2025-05-01', date '2025-05-05', '劳动节', 'Labour Day'),
    (date '2025-05-31', date '2025-06-02', '端午节', 'Dragon Boat Festival'),
    (date '2025-10-01', date '2025-10-08', '国庆节、中秋节', 'National Day and Mid-Autumn Festival'),
    (date '2026-01-01', date '2026-01-03', '元旦', 'New Year''s Day'),
    (date '2026-02-15', date '2026-02-23', '春节', 'Spring Festival'),
    (date '2026-04-04', date '2026-04-06', '清明节', 'Qingming Festival'),
    (date '2026-05-01', date '2026-05-05', '劳动节', 'Labour Day'),
    (date '2026-06-19', date '2026-06-21', '端午节', 'Dragon Boat Festival'),
    (date '2026-09-25', date '2026-09-27', '中秋节', 'Mid-Autumn Festival'),
    (date '2026-10-01', date '2026-10-07', '国庆节', 'National Day')
) as r (first_day, last_day, name_zh, name_en)
cross join lateral generate_series(r.first_day::timestamp, r.last_day::timestamp, interval '1 day') as d
where extract(isodow from d) between 1 and 5;

-- Make-up working days (调休上班), each a Saturday or Sunday.
insert into calendar_day (day, kind, name_zh, name_en) values
    (date '2025-01-26', 'workday', '春节调休上班', 'Spring Festival make-up workday'),
    (date '2025-02-08', 'workday', '春节调休上班', 'Spring Festival make-up workday'),
    (date '2025-04-27', 'workday', '劳动节调休上班', 'Labour Day make-up workday'),
    (date '2025-09-28', 'workday', '国庆节、中秋节调休上班', 'National Day make-up workday'),
    (date '2025-10-11', 'workday', '国庆节、中秋节调休上班', 'National Day make-up workday'),
    (date '2026-01-04', 'workday', '元旦调休上班', 'New Year make-up workday'),
    (date '2026-02-14', 'workday', '春节调休上班', 'Spring Festival make-up workday'),
    (date '2026-02-28', 'workday', '春节调休上班', 'Spring Festival make-up workday'),
    (date '2026-05-09', 'workday', '劳动节调休上班', 'Labour Day make-up workday'),
    (date '2026-09-20', 'workday', '国庆节调休上班', 'National Day make-up workday'),
    (date '2026-10-10', 'workday', '国庆节调休上班', 'National Day make-up workday');
