using CommandCenter.Core.Features.Org;

namespace CommandCenter.Core.Features.Incidents;

/// <summary>
/// Holds the working calendar loaded from <c>calendar_day</c>: read once on first use, again on
/// <see cref="ReloadAsync"/> (after the table was changed by another instance or by hand) and after every
/// change made through this service.
/// </summary>
public sealed class WorkingCalendarService(CalendarStore store, CityClock clock)
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private volatile WorkingCalendar? current;

    /// <summary>The current calendar, loading it on first use.</summary>
    public async ValueTask<WorkingCalendar> GetAsync(CancellationToken ct = default) =>
        current ?? await LoadAsync(force: false, ct);

    /// <summary>Reads the calendar from SQL again and makes it the current one.</summary>
    public Task<WorkingCalendar> ReloadAsync(CancellationToken ct = default) => LoadAsync(force: true, ct);

    /// <inheritdoc cref="WorkingCalendar.DueAt"/>
    public async Task<DateTimeOffset> DueAtAsync(DateTimeOffset reportedAt, SlaTier tier, CancellationToken ct = default) =>
        (await GetAsync(ct)).DueAt(reportedAt, tier);

    /// <summary>Marks <paramref name="day"/> as a holiday (Mon–Fri) or make-up workday (Sat/Sun), replacing any row it had.</summary>
    /// <exception cref="ArgumentException">A holiday on a weekend, a workday on a weekday, or a missing name.</exception>
    public async Task SetDayAsync(DateOnly day, CalendarDayKind kind, string nameZh, string nameEn, CancellationToken ct = default)
    {
        var row = CalendarDay.Create(day, kind, nameZh, nameEn);
        await store.UpsertAsync(row, ct);
        await ReloadAsync(ct);
    }

    /// <summary>Returns <paramref name="day"/> to the plain week (Mon–Fri work, Sat/Sun off).</summary>
    /// <returns>Whether the day had a row.</returns>
    public async Task<bool> RemoveDayAsync(DateOnly day, CancellationToken ct = default)
    {
        var removed = await store.DeleteAsync(day, ct);
        await ReloadAsync(ct);
        return removed;
    }

    private async Task<WorkingCalendar> LoadAsync(bool force, CancellationToken ct)
    {
        await gate.WaitAsync(ct);
        try
        {
            if (!force && current is { } loaded) return loaded;
            var calendar = new WorkingCalendar(clock, await store.ListAsync(ct));
            current = calendar;
            return calendar;
        }
        finally
        {
            gate.Release();
        }
    }
}
