using CommandCenter.Core.Features.Org;
using CommandCenter.Web.Features.Situation;
using CommandCenter.Web.Features.Wall.Components;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace CommandCenter.Web.Tests.Features.Situation;

public sealed class ConsoleQueryTests
{
    /// <summary>2026-11-27 14:30 in Beijing.</summary>
    private static readonly CityClock Clock = new(new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 6, 30, 0, TimeSpan.Zero)), Options.Create(new CityOptions()));

    private static ConsoleQuery Parse(string? district = null, string? street = null, string? cell = null, string? category = null, string? lead = null,
        string? overdue = null, string? disputed = null, string? all = null, string? from = null, string? to = null, string? ids = null, string? incident = null) =>
        ConsoleQuery.Parse(district, street, cell, category, lead, overdue, disputed, all, from, to, ids, incident);

    [Fact]
    public void ToFilter_MatrixCell_IsItsDepartmentInItsDistrictUnfinished()
    {
        var filter = Parse(cell: "city-management,110105", street: "110105001").ToFilter(Clock);

        Assert.Equal(("110105", "city-management", "110105001", true), (filter.DistrictAdcode, filter.LeadDepartment, filter.StreetCode, filter.UnfinishedOnly));
        Assert.Null(filter.ReportedFrom);
    }

    [Fact]
    public void ToFilter_UnassignedCellAndLead_FilterOnNoLead()
    {
        Assert.Equal("", Parse(cell: ",110101").ToFilter(Clock).LeadDepartment);
        Assert.Equal("", Parse(lead: ConsoleQuery.Unassigned).ToFilter(Clock).LeadDepartment);
        Assert.Null(Parse(lead: "").ToFilter(Clock).LeadDepartment);
    }

    [Fact]
    public void ToFilter_All_SearchesFinishedWithinTheLastSevenCityDays()
    {
        var filter = Parse(all: "1", overdue: "1", disputed: "1", category: "garbage").ToFilter(Clock);

        Assert.False(filter.UnfinishedOnly);
        Assert.Equal(Clock.StartOf(new DateOnly(2026, 11, 21)), filter.ReportedFrom);
        Assert.Equal(Clock.StartOf(new DateOnly(2026, 11, 28)), filter.ReportedTo);
        Assert.Equal((true, true, "garbage"), (filter.OverdueOnly, filter.DisputedOnly, filter.ServiceCode));
    }

    [Fact]
    public void Parse_Garbage_IsIgnored()
    {
        var q = Parse(district: "11010'; drop", cell: "x", ids: "1,a,-3,2,2", incident: "abc", from: "27/11/2026", all: "1");

        Assert.Equal(new ConsoleQuery(All: true, Ids: q.Ids), q);
        Assert.Equal([1L, 2L], q.Ids!);
    }

    [Fact]
    public void ToParameters_RoundTrips()
    {
        var q = new ConsoleQuery(Street: "110105001", Cell: new BacklogSelection("", "110105"), Category: "garbage", Overdue: true, All: true,
            From: new DateOnly(2026, 11, 1), To: new DateOnly(2026, 11, 20), Ids: [5, 7], Incident: 9);
        var p = q.ToParameters().ToDictionary(kv => kv.Key, kv => (string?)kv.Value);

        Assert.Equal(",110105", p["cell"]);
        Assert.Null(p["district"]);
        var back = Parse(p["district"], p["street"], p["cell"], p["category"], p["lead"], p["overdue"], p["disputed"], p["all"], p["from"], p["to"], p["ids"], p["incident"]);
        Assert.Equal(q with { Ids = null }, back with { Ids = null });
        Assert.Equal(q.Ids, back.Ids!);
    }
}
