using CommandCenter.Core.Features.Incidents;
using CommandCenter.Core.Features.Org;
using CommandCenter.Testing;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CommandCenter.IntegrationTests.Features.Incidents;

/// <summary>One migrated database shared by the calendar tests; tests that change rows only touch 2027.</summary>
public sealed class CalendarDatabase : IAsyncLifetime
{
    public TestDatabase Db { get; } = new();
    public ServiceProvider Services { get; private set; } = default!;

    public async Task InitializeAsync()
    {
        await Db.InitializeAsync();
        Services = await CoreServices.CreateStartedAsync(Db.ConnectionString);
    }

    public async Task DisposeAsync()
    {
        await Services.DisposeAsync();
        await Db.DisposeAsync();
    }
}

public sealed class CalendarStoreTests(CalendarDatabase database) : IClassFixture<CalendarDatabase>
{
    private WorkingCalendarService Calendars => database.Services.GetRequiredService<WorkingCalendarService>();
    private CalendarStore Store => database.Services.GetRequiredService<CalendarStore>();

    private static DateOnly D(string day) => DateOnly.Parse(day);

    private static DateTimeOffset At(string instant) => DateTimeOffset.Parse(instant);

    [Fact]
    public async Task List_Seeded2026_IsTheStateCouncilArrangement()
    {
        var rows = (await Store.ListAsync()).Where(r => r.Day.Year == 2026).ToList();

        // Weekday holidays only: 元旦 1–2 Jan; 春节 16–20, 23 Feb; 清明 6 Apr; 劳动节 1, 4, 5 May; 端午 19 Jun; 中秋 25 Sep; 国庆 1, 2, 5–7 Oct.
        Assert.Equal(
            new[] { "2026-01-01", "2026-01-02", "2026-02-16", "2026-02-17", "2026-02-18", "2026-02-19", "2026-02-20", "2026-02-23",
                "2026-04-06", "2026-05-01", "2026-05-04", "2026-05-05", "2026-06-19", "2026-09-25",
                "2026-10-01", "2026-10-02", "2026-10-05", "2026-10-06", "2026-10-07" }.Select(D),
            rows.Where(r => r.Kind == CalendarDayKind.Holiday).Select(r => r.Day));
        Assert.Equal(
            new[] { "2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10" }.Select(D),
            rows.Where(r => r.Kind == CalendarDayKind.Workday).Select(r => r.Day));
        Assert.Contains(rows, r => r is { NameZh: "国庆节", NameEn: "National Day" } && r.Day == D("2026-10-01"));
        Assert.Contains(rows, r => r is { NameZh: "春节", NameEn: "Spring Festival" } && r.Day == D("2026-02-16"));
    }

    [Fact]
    public async Task List_Seeded2025_HasEighteenWeekdayHolidaysAndFiveMakeUpDays()
    {
        var rows = (await Store.ListAsync()).Where(r => r.Day.Year == 2025).ToList();

        // 元旦 1 + 春节 6 (28–31 Jan, 3–4 Feb) + 清明 1 + 劳动节 3 + 端午 1 (2 Jun) + 国庆中秋 6 (1–3, 6–8 Oct) = 18.
        Assert.Equal(18, rows.Count(r => r.Kind == CalendarDayKind.Holiday));
        Assert.Equal(
            new[] { "2025-01-26", "2025-02-08", "2025-04-27", "2025-09-28", "2025-10-11" }.Select(D),
            rows.Where(r => r.Kind == CalendarDayKind.Workday).Select(r => r.Day));
        Assert.DoesNotContain(rows, r => r.Day == D("2025-10-04"));  // a Saturday inside the holiday: off anyway, not stored
    }

    [Fact]
    public async Task Get_Seeded_LoadsTheCalendarDueAtUses()
    {
        var calendar = await Calendars.GetAsync();

        Assert.False(calendar.IsWorkingDay(D("2026-10-01")));
        Assert.True(calendar.IsWorkingDay(D("2026-10-10")));
        // Reported Tue 29 Sep 2026 10:00 +08: Wed 30 Sep (1); 1–7 Oct off; Thu 8 (2), Fri 9 (3), Sat 10 (4), Mon 12 (5),
        // Tue 13 (6), Wed 14 (7). Due Thu 15 Oct 00:00 +08 = 14 Oct 16:00 UTC.
        Assert.Equal(At("2026-10-14T16:00:00Z"), await Calendars.DueAtAsync(At("2026-09-29T10:00:00+08:00"), SlaTier.WorkingDays7));
    }

    [Fact]
    public async Task SetDayAndRemoveDay_RoundTrip_MoveTheDueTime()
    {
        // No 2027 rows are seeded. Reported Mon 1 Mar 2027 10:00 +08.
        var reported = At("2027-03-01T10:00:00+08:00");
        // Plain weeks: Tue 2 (1), Wed 3 (2), Thu 4 (3), Fri 5 (4), Mon 8 (5), Tue 9 (6), Wed 10 (7) → Thu 11 00:00 +08.
        Assert.Equal(At("2027-03-10T16:00:00Z"), await Calendars.DueAtAsync(reported, SlaTier.WorkingDays7));

        await Calendars.SetDayAsync(D("2027-03-03"), CalendarDayKind.Holiday, "测试假日", "Test holiday");
        // Wed 3 off: Tue 2 (1), Thu 4 (2), Fri 5 (3), Mon 8 (4), Tue 9 (5), Wed 10 (6), Thu 11 (7) → Fri 12 00:00 +08.
        Assert.Equal(At("2027-03-11T16:00:00Z"), await Calendars.DueAtAsync(reported, SlaTier.WorkingDays7));

        await Calendars.SetDayAsync(D("2027-03-06"), CalendarDayKind.Workday, "测试调休", "Test make-up day");
        // Sat 6 worked: Tue 2 (1), Thu 4 (2), Fri 5 (3), Sat 6 (4), Mon 8 (5), Tue 9 (6), Wed 10 (7) → Thu 11 00:00 +08.
        Assert.Equal(At("2027-03-10T16:00:00Z"), await Calendars.DueAtAsync(reported, SlaTier.WorkingDays7));
        var stored = (await Store.ListAsync()).Where(r => r.Day.Year == 2027 && r.Day.Month == 3).ToList();
        Assert.Equal(
            [new CalendarDay(D("2027-03-03"), CalendarDayKind.Holiday, "测试假日", "Test holiday"),
             new CalendarDay(D("2027-03-06"), CalendarDayKind.Workday, "测试调休", "Test make-up day")],
            stored);

        // Setting a day again replaces its names.
        await Calendars.SetDayAsync(D("2027-03-03"), CalendarDayKind.Holiday, "改名假日", "Renamed holiday");
        Assert.Equal("改名假日", (await Calendars.GetAsync()).ExceptionOn(D("2027-03-03"))?.NameZh);

        Assert.True(await Calendars.RemoveDayAsync(D("2027-03-03")));
        // Wed 3 worked again, Sat 6 still: Tue 2 (1), Wed 3 (2), Thu 4 (3), Fri 5 (4), Sat 6 (5), Mon 8 (6), Tue 9 (7) → Wed 10 00:00 +08.
        Assert.Equal(At("2027-03-09T16:00:00Z"), await Calendars.DueAtAsync(reported, SlaTier.WorkingDays7));

        Assert.True(await Calendars.RemoveDayAsync(D("2027-03-06")));
        Assert.False(await Calendars.RemoveDayAsync(D("2027-03-06")));
        Assert.Equal(At("2027-03-10T16:00:00Z"), await Calendars.DueAtAsync(reported, SlaTier.WorkingDays7));
        Assert.DoesNotContain(await Store.ListAsync(), r => r.Day.Year == 2027 && r.Day.Month == 3);
    }

    [Fact]
    public async Task Reload_AfterAnEditBehindTheServicesBack_PicksItUp()
    {
        // Reported Mon 5 Apr 2027 10:00 +08. Plain: Tue 6 (1) … Fri 9 (4), Mon 12 (5), Tue 13 (6), Wed 14 (7) → Thu 15 00:00 +08.
        var reported = At("2027-04-05T10:00:00+08:00");
        Assert.Equal(At("2027-04-14T16:00:00Z"), await Calendars.DueAtAsync(reported, SlaTier.WorkingDays7));

        await using (var conn = new NpgsqlConnection(database.Db.ConnectionString))
            await conn.ExecuteAsync("insert into calendar_day values ('2027-04-06', 'holiday', '清明节', 'Qingming Festival')");

        // Still the loaded calendar until reloaded.
        Assert.Equal(At("2027-04-14T16:00:00Z"), await Calendars.DueAtAsync(reported, SlaTier.WorkingDays7));

        var reloaded = await Calendars.ReloadAsync();

        Assert.False(reloaded.IsWorkingDay(D("2027-04-06")));
        // Tue 6 off: Wed 7 (1), Thu 8 (2), Fri 9 (3), Mon 12 (4), Tue 13 (5), Wed 14 (6), Thu 15 (7) → Fri 16 00:00 +08.
        Assert.Equal(At("2027-04-15T16:00:00Z"), await Calendars.DueAtAsync(reported, SlaTier.WorkingDays7));
        Assert.True(await Calendars.RemoveDayAsync(D("2027-04-06")));
    }

    [Theory]
    [InlineData("2027-03-13", CalendarDayKind.Holiday, "Saturday")]
    [InlineData("2027-03-14", CalendarDayKind.Holiday, "Sunday")]
    [InlineData("2027-03-17", CalendarDayKind.Workday, "Wednesday")]
    [InlineData("2027-03-17", (CalendarDayKind)9, "Unknown")]
    public async Task SetDay_KindThatDoesNotFitTheWeekday_IsRejectedAndNothingStored(string day, CalendarDayKind kind, string message)
    {
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => Calendars.SetDayAsync(D(day), kind, "错误", "Wrong"));

        Assert.Contains(message, ex.Message);
        Assert.DoesNotContain(await Store.ListAsync(), r => r.Day == D(day));
    }

    [Fact]
    public async Task SetDay_BlankName_IsRejected()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Calendars.SetDayAsync(D("2027-03-17"), CalendarDayKind.Holiday, "", "Name"));
        Assert.DoesNotContain(await Store.ListAsync(), r => r.Day == D("2027-03-17"));
    }

    [Fact]
    public async Task Insert_HolidayOnASaturdayBySql_IsRefusedByTheTable()
    {
        await using var conn = new NpgsqlConnection(database.Db.ConnectionString);

        var ex = await Assert.ThrowsAsync<PostgresException>(() =>
            conn.ExecuteAsync("insert into calendar_day values ('2027-03-20', 'holiday', '周六', 'Saturday')"));

        Assert.Equal(PostgresErrorCodes.CheckViolation, ex.SqlState);
    }
}
