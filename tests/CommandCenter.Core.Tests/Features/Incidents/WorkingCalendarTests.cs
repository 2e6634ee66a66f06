using CommandCenter.Core.Features.Incidents;
using CommandCenter.Core.Features.Org;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace CommandCenter.Core.Tests.Features.Incidents;

public sealed class WorkingCalendarTests
{
    private static readonly CityClock Clock =
        new(new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z")), Options.Create(new CityOptions { TimeZone = "Asia/Shanghai" }));

    private static DateOnly D(string day) => DateOnly.Parse(day);

    private static DateTimeOffset At(string instant) => DateTimeOffset.Parse(instant);

    private static CalendarDay Holiday(string day, string nameZh, string nameEn) => new(D(day), CalendarDayKind.Holiday, nameZh, nameEn);

    private static CalendarDay Workday(string day) => new(D(day), CalendarDayKind.Workday, "调休上班", "Make-up workday");

    /// <summary>
    /// The 2026 State Council arrangement written out by hand (weekday holidays only), independent of the
    /// migration that seeds the same days.
    /// </summary>
    private static readonly CalendarDay[] Rows2026 =
    [
        Holiday("2026-01-01", "元旦", "New Year's Day"), Holiday("2026-01-02", "元旦", "New Year's Day"),
        Workday("2026-01-04"),
        Workday("2026-02-14"),
        Holiday("2026-02-16", "春节", "Spring Festival"), Holiday("2026-02-17", "春节", "Spring Festival"),
        Holiday("2026-02-18", "春节", "Spring Festival"), Holiday("2026-02-19", "春节", "Spring Festival"),
        Holiday("2026-02-20", "春节", "Spring Festival"), Holiday("2026-02-23", "春节", "Spring Festival"),
        Workday("2026-02-28"),
        Holiday("2026-04-06", "清明节", "Qingming Festival"),
        Holiday("2026-05-01", "劳动节", "Labour Day"), Holiday("2026-05-04", "劳动节", "Labour Day"), Holiday("2026-05-05", "劳动节", "Labour Day"),
        Workday("2026-05-09"),
        Holiday("2026-06-19", "端午节", "Dragon Boat Festival"),
        Workday("2026-09-20"),
        Holiday("2026-09-25", "中秋节", "Mid-Autumn Festival"),
        Holiday("2026-10-01", "国庆节", "National Day"), Holiday("2026-10-02", "国庆节", "National Day"),
        Holiday("2026-10-05", "国庆节", "National Day"), Holiday("2026-10-06", "国庆节", "National Day"),
        Holiday("2026-10-07", "国庆节", "National Day"),
        Workday("2026-10-10"),
    ];

    private static readonly WorkingCalendar Calendar2026 = new(Clock, Rows2026);

    [Fact]
    public void IsWorkingDay_PlainWeek_MondayToFridayWorkWeekendsOff()
    {
        var calendar = new WorkingCalendar(Clock, []);

        // Mon 2026-03-09 … Sun 2026-03-15.
        var week = Enumerable.Range(0, 7).Select(i => calendar.IsWorkingDay(D("2026-03-09").AddDays(i))).ToArray();

        Assert.Equal([true, true, true, true, true, false, false], week);
    }

    [Fact]
    public void IsWorkingDay_2026Exceptions_HolidaysOffMakeUpDaysWorked()
    {
        Assert.False(Calendar2026.IsWorkingDay(D("2026-10-01")));  // Thu, National Day
        Assert.False(Calendar2026.IsWorkingDay(D("2026-10-03")));  // Sat inside the holiday, no row: off as a weekend
        Assert.True(Calendar2026.IsWorkingDay(D("2026-10-10")));   // Sat, make-up workday
        Assert.False(Calendar2026.IsWorkingDay(D("2026-10-11")));  // Sun, ordinary weekend
        Assert.True(Calendar2026.IsWorkingDay(D("2026-09-20")));   // Sun, make-up workday
        Assert.True(Calendar2026.IsWorkingDay(D("2026-10-08")));   // Thu after the holiday
        Assert.Equal("国庆节", Calendar2026.ExceptionOn(D("2026-10-01"))?.NameZh);
        Assert.Null(Calendar2026.ExceptionOn(D("2026-10-08")));
    }

    [Fact]
    public void DueAt_DocExampleMidAutumn2026_CountsSundayMakeUpDay()
    {
        // Reported Fri 18 Sep 15:00. Sat 19 off; Sun 20 make-up (1); Mon 21 (2), Tue 22 (3), Wed 23 (4), Thu 24 (5);
        // Fri 25 Mid-Autumn, Sat 26, Sun 27 off; Mon 28 (6), Tue 29 (7). Due Wed 30 Sep 00:00 +08 = 29 Sep 16:00 UTC.
        var due = Calendar2026.DueAt(At("2026-09-18T15:00:00+08:00"), SlaTier.WorkingDays7);

        Assert.Equal(At("2026-09-29T16:00:00Z"), due);
        Assert.Equal(TimeSpan.Zero, due.Offset);
    }

    [Fact]
    public void DueAt_NationalDay2026SevenDays_SkipsHolidayWeekAndCountsSaturdayMakeUp()
    {
        // Reported Tue 29 Sep 10:00. Wed 30 Sep (1); Thu 1 – Wed 7 Oct off; Thu 8 (2), Fri 9 (3), Sat 10 make-up (4);
        // Sun 11 off; Mon 12 (5), Tue 13 (6), Wed 14 (7). Due Thu 15 Oct 00:00 +08 = 14 Oct 16:00 UTC.
        var due = Calendar2026.DueAt(At("2026-09-29T10:00:00+08:00"), SlaTier.WorkingDays7);

        Assert.Equal(At("2026-10-14T16:00:00Z"), due);
    }

    [Fact]
    public void DueAt_SpringFestival2026SevenDays_CountsBothSaturdayMakeUps()
    {
        // Reported Fri 13 Feb 09:00. Sat 14 make-up (1); Sun 15 – Mon 23 off (16–20 and 23 holidays, 15/21/22 weekend);
        // Tue 24 (2), Wed 25 (3), Thu 26 (4), Fri 27 (5), Sat 28 make-up (6); Sun 1 Mar off; Mon 2 Mar (7).
        // Due Tue 3 Mar 00:00 +08 = 2 Mar 16:00 UTC.
        var due = Calendar2026.DueAt(At("2026-02-13T09:00:00+08:00"), SlaTier.WorkingDays7);

        Assert.Equal(At("2026-03-02T16:00:00Z"), due);
    }

    [Fact]
    public void DueAt_FifteenDaysAcrossLabourDay2026_SkipsHolidayCountsMakeUp()
    {
        // Reported Mon 27 Apr 14:00. Tue 28 (1), Wed 29 (2), Thu 30 (3); Fri 1 – Tue 5 May off; Wed 6 (4), Thu 7 (5),
        // Fri 8 (6), Sat 9 make-up (7); Sun 10 off; Mon 11 (8), Tue 12 (9), Wed 13 (10), Thu 14 (11), Fri 15 (12);
        // Sat 16, Sun 17 off; Mon 18 (13), Tue 19 (14), Wed 20 (15). Due Thu 21 May 00:00 +08 = 20 May 16:00 UTC.
        var due = Calendar2026.DueAt(At("2026-04-27T14:00:00+08:00"), SlaTier.WorkingDays15);

        Assert.Equal(At("2026-05-20T16:00:00Z"), due);
    }

    [Fact]
    public void DueAt_HourTiersOnAHoliday_IgnoreTheCalendar()
    {
        // Reported Thu 1 Oct 23:00 +08 (National Day) = 1 Oct 15:00 UTC.
        var reported = At("2026-10-01T23:00:00+08:00");

        // +2 h = Fri 2 Oct 01:00 +08 (still a holiday) = 1 Oct 17:00 UTC.
        var due2h = Calendar2026.DueAt(reported, SlaTier.Hours2);
        // +24 h = Fri 2 Oct 23:00 +08 = 2 Oct 15:00 UTC.
        var due24h = Calendar2026.DueAt(reported, SlaTier.Hours24);

        Assert.Equal(At("2026-10-01T17:00:00Z"), due2h);
        Assert.Equal(TimeSpan.Zero, due2h.Offset);
        Assert.Equal(At("2026-10-02T15:00:00Z"), due24h);
    }

    [Fact]
    public void DueAt_MondayLateEveningBeijing_IsBucketedOnMonday()
    {
        // Mon 12 Oct 23:30 +08 = 15:30 UTC, same day. Counting after Monday: Tue 13 (1), Wed 14 (2), Thu 15 (3),
        // Fri 16 (4), Mon 19 (5), Tue 20 (6), Wed 21 (7). Due Thu 22 Oct 00:00 +08 = 21 Oct 16:00 UTC.
        Assert.Equal(At("2026-10-21T16:00:00Z"), Calendar2026.DueAt(At("2026-10-12T15:30:00Z"), SlaTier.WorkingDays7));

        // Half an hour later it is Tue 13 Oct 00:00 +08: Wed 14 (1) … Thu 22 (7). Due Fri 23 Oct 00:00 +08.
        Assert.Equal(At("2026-10-22T16:00:00Z"), Calendar2026.DueAt(At("2026-10-12T16:00:00Z"), SlaTier.WorkingDays7));
    }

    [Fact]
    public void DueAt_EarlyMorningBeijingIsPreviousUtcDay_IsBucketedOnTheBeijingDay()
    {
        // Mon 12 Oct 07:00 +08 = Sun 11 Oct 23:00 UTC. Bucketed on Monday (Beijing), as above: due Thu 22 Oct 00:00 +08.
        // (Bucketed on the UTC Sunday it would count Mon 12 (1) … Tue 20 (7) and be due 20 Oct 16:00 UTC.)
        var due = Calendar2026.DueAt(At("2026-10-11T23:00:00Z"), SlaTier.WorkingDays7);

        Assert.Equal(At("2026-10-21T16:00:00Z"), due);
    }

    [Fact]
    public void AddWorkingDays_ZeroForwardAndBack_CountFromTheNextDay()
    {
        Assert.Equal(D("2026-10-01"), Calendar2026.AddWorkingDays(D("2026-10-01"), 0));   // a holiday stays itself
        Assert.Equal(D("2026-10-08"), Calendar2026.AddWorkingDays(D("2026-10-01"), 1));   // 2–7 Oct off, Thu 8 (1)
        Assert.Equal(D("2026-10-10"), Calendar2026.AddWorkingDays(D("2026-10-08"), 2));   // Fri 9 (1), Sat 10 make-up (2)
        Assert.Equal(D("2026-09-30"), Calendar2026.AddWorkingDays(D("2026-10-08"), -1));  // back over 7–1 Oct to Wed 30 Sep
        Assert.Equal(D("2026-09-20"), Calendar2026.AddWorkingDays(D("2026-09-21"), -1));  // Sun 20 Sep make-up
    }

    [Fact]
    public void WorkingDaysBetween_2026_CountsExclusiveStartInclusiveEnd()
    {
        // Inverse of the National Day example above: 30 Sep, 8, 9, 10, 12, 13, 14 Oct.
        Assert.Equal(7, Calendar2026.WorkingDaysBetween(D("2026-09-29"), D("2026-10-14")));
        Assert.Equal(-7, Calendar2026.WorkingDaysBetween(D("2026-10-14"), D("2026-09-29")));
        Assert.Equal(0, Calendar2026.WorkingDaysBetween(D("2026-09-30"), D("2026-10-07")));  // the whole holiday week
        Assert.Equal(0, Calendar2026.WorkingDaysBetween(D("2026-10-12"), D("2026-10-12")));
        // Spring Festival: 14 Feb, 24–28 Feb (5 days incl. Sat 28), 2 Mar.
        Assert.Equal(7, Calendar2026.WorkingDaysBetween(D("2026-02-13"), D("2026-03-02")));
        // Whole year: 261 weekdays (1 Jan is a Thursday: 52 weeks + Thu) − 19 weekday holidays + 6 make-up days = 248.
        Assert.Equal(248, Calendar2026.WorkingDaysBetween(D("2025-12-31"), D("2026-12-31")));
    }

    [Theory]
    [InlineData("2026-10-03", CalendarDayKind.Holiday)]  // Saturday
    [InlineData("2026-10-04", CalendarDayKind.Holiday)]  // Sunday
    [InlineData("2026-10-09", CalendarDayKind.Workday)]  // Friday
    [InlineData("2026-10-12", (CalendarDayKind)7)]
    public void Create_DayThatWouldNotChange_IsRejected(string day, CalendarDayKind kind)
    {
        var ex = Assert.Throws<ArgumentException>(() => CalendarDay.Create(D(day), kind, "名称", "Name"));

        Assert.Equal("kind", ex.ParamName);
        Assert.Throws<ArgumentException>(() => new WorkingCalendar(Clock, [new CalendarDay(D(day), kind, "名称", "Name")]));
    }

    [Fact]
    public void Create_BlankName_IsRejected()
    {
        Assert.Throws<ArgumentException>(() => CalendarDay.Create(D("2026-10-12"), CalendarDayKind.Holiday, " ", "Name"));
        Assert.Throws<ArgumentException>(() => CalendarDay.Create(D("2026-10-12"), CalendarDayKind.Holiday, "名称", ""));
        Assert.Equal("名称", CalendarDay.Create(D("2026-10-12"), CalendarDayKind.Holiday, " 名称 ", "Name").NameZh);
    }
}
