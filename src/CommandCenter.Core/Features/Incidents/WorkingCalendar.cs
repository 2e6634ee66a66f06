using System.Collections.Frozen;
using CommandCenter.Core.Features.Org;

namespace CommandCenter.Core.Features.Incidents;

/// <summary>What an exception row says about its day.</summary>
public enum CalendarDayKind
{
    /// <summary>A Monday–Friday that is a day off.</summary>
    Holiday,

    /// <summary>A Saturday or Sunday that is a make-up working day (调休上班).</summary>
    Workday,
}

/// <summary>One exception to the Monday–Friday working week (table <c>calendar_day</c>).</summary>
public sealed record CalendarDay(DateOnly Day, CalendarDayKind Kind, string NameZh, string NameEn)
{
    public const int MaxNameLength = 100;

    /// <summary>
    /// A checked row: a holiday only on Monday–Friday (a weekend is off anyway), a make-up workday only on
    /// Saturday or Sunday (a weekday works anyway), both names given.
    /// </summary>
    /// <exception cref="ArgumentException">The row would not change its day, or a name is missing or too long.</exception>
    public static CalendarDay Create(DateOnly day, CalendarDayKind kind, string nameZh, string nameEn)
    {
        var weekend = WorkingCalendar.IsWeekend(day);
        switch (kind)
        {
            case CalendarDayKind.Holiday when weekend:
                throw new ArgumentException(
                    $"{day:yyyy-MM-dd} is a {day.DayOfWeek}: a holiday can only be set on Monday–Friday (weekends are off already).", nameof(kind));
            case CalendarDayKind.Workday when !weekend:
                throw new ArgumentException(
                    $"{day:yyyy-MM-dd} is a {day.DayOfWeek}: a make-up workday can only be set on Saturday or Sunday (weekdays are worked already).", nameof(kind));
            case CalendarDayKind.Holiday or CalendarDayKind.Workday:
                break;
            default:
                throw new ArgumentException($"Unknown calendar day kind {kind}: use Holiday or Workday.", nameof(kind));
        }
        return new CalendarDay(day, kind, CheckName(nameZh, nameof(nameZh)), CheckName(nameEn, nameof(nameEn)));
    }

    private static string CheckName(string? name, string parameter)
    {
        var trimmed = name?.Trim() ?? "";
        return trimmed.Length is >= 1 and <= MaxNameLength
            ? trimmed
            : throw new ArgumentException($"The day needs a name of 1 to {MaxNameLength} characters.", parameter);
    }
}

public static class CalendarDayKinds
{
    public static string ToCode(CalendarDayKind kind) => kind switch
    {
        CalendarDayKind.Holiday => "holiday",
        CalendarDayKind.Workday => "workday",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    public static CalendarDayKind Parse(string code) => code switch
    {
        "holiday" => CalendarDayKind.Holiday,
        "workday" => CalendarDayKind.Workday,
        _ => throw new FormatException($"Unknown calendar day kind '{code}'"),
    };
}

/// <summary>
/// Working days on the calendar people use: Monday–Friday, minus the holidays, plus the make-up working days
/// (调休) of <see cref="CalendarDay"/> rows. Days are the city's days (<see cref="CityClock"/>), never UTC days.
/// Immutable; <see cref="WorkingCalendarService"/> holds the current one.
/// </summary>
public sealed class WorkingCalendar
{
    private readonly CityClock clock;
    private readonly FrozenDictionary<DateOnly, CalendarDay> exceptions;

    /// <exception cref="ArgumentException">A row fails <see cref="CalendarDay.Create"/>, or two rows share a day.</exception>
    public WorkingCalendar(CityClock clock, IEnumerable<CalendarDay> days)
    {
        this.clock = clock;
        var checkedDays = days.Select(d => CalendarDay.Create(d.Day, d.Kind, d.NameZh, d.NameEn)).OrderBy(d => d.Day).ToList();
        exceptions = checkedDays.ToFrozenDictionary(d => d.Day);
        Days = checkedDays;
    }

    /// <summary>The exception rows, in date order.</summary>
    public IReadOnlyList<CalendarDay> Days { get; }

    public static bool IsWeekend(DateOnly day) => day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;

    /// <summary>The exception row for <paramref name="day"/>, if it has one (holiday name, make-up workday).</summary>
    public CalendarDay? ExceptionOn(DateOnly day) => exceptions.GetValueOrDefault(day);

    public bool IsWorkingDay(DateOnly day) =>
        exceptions.TryGetValue(day, out var row) ? row.Kind == CalendarDayKind.Workday : !IsWeekend(day);

    /// <summary>
    /// The <paramref name="count"/>-th working day after <paramref name="day"/> (before it when negative);
    /// <paramref name="day"/> itself never counts, and 0 returns it unchanged, working day or not.
    /// </summary>
    public DateOnly AddWorkingDays(DateOnly day, int count)
    {
        var step = Math.Sign(count);
        for (var left = Math.Abs(count); left > 0;)
        {
            day = day.AddDays(step);
            if (IsWorkingDay(day)) left--;
        }
        return day;
    }

    /// <summary>
    /// Working days in (<paramref name="from"/>, <paramref name="to"/>]: <paramref name="from"/> excluded, <paramref name="to"/>
    /// included, so <c>WorkingDaysBetween(d, AddWorkingDays(d, n)) == n</c>. Negative when <paramref name="to"/> is earlier.
    /// </summary>
    public int WorkingDaysBetween(DateOnly from, DateOnly to)
    {
        if (to < from) return -WorkingDaysBetween(to, from);
        var count = 0;
        for (var day = from.AddDays(1); day <= to; day = day.AddDays(1))
            if (IsWorkingDay(day)) count++;
        return count;
    }

    /// <summary>
    /// When feedback on an incident reported at <paramref name="reportedAt"/> is due, as a UTC instant.
    /// <list type="bullet">
    /// <item><see cref="SlaTier.Hours2"/> / <see cref="SlaTier.Hours24"/>: <paramref name="reportedAt"/> + 2 h / 24 h of
    /// clock time; holidays and weekends do not stop the clock.</item>
    /// <item><see cref="SlaTier.WorkingDays7"/> / <see cref="SlaTier.WorkingDays15"/>: take the city day of the report
    /// (Asia/Shanghai, not the UTC day); count N working days after it (the report day itself never counts); due is
    /// 00:00 city time of the calendar day after the N-th working day — the exclusive end of that day, so feedback is on
    /// time when given before it. The hour of the report does not matter.</item>
    /// </list>
    /// Example, 7 working days on the 2026 calendar: reported Fri 2026-09-18 15:00 (city time). Sat 19 Sep is off;
    /// Sun 20 Sep is a make-up workday (1); Mon 21 (2), Tue 22 (3), Wed 23 (4), Thu 24 (5); Fri 25 – Sun 27 are the
    /// Mid-Autumn holiday; Mon 28 (6), Tue 29 (7). Due = Wed 2026-09-30 00:00 city time = 2026-09-29T16:00Z.
    /// </summary>
    public DateTimeOffset DueAt(DateTimeOffset reportedAt, SlaTier tier) => tier switch
    {
        SlaTier.Hours2 => reportedAt.ToUniversalTime().AddHours(2),
        SlaTier.Hours24 => reportedAt.ToUniversalTime().AddHours(24),
        SlaTier.WorkingDays7 => EndOfWorkingDays(reportedAt, 7),
        SlaTier.WorkingDays15 => EndOfWorkingDays(reportedAt, 15),
        _ => throw new ArgumentOutOfRangeException(nameof(tier), tier, "Unknown SLA tier"),
    };

    private DateTimeOffset EndOfWorkingDays(DateTimeOffset reportedAt, int workingDays) =>
        clock.StartOf(AddWorkingDays(clock.DayOf(reportedAt), workingDays).AddDays(1));
}
