using CommandCenter.Core.Features.Incidents;
using CommandCenter.Core.Features.Intake;
using CommandCenter.Core.Features.Org;
using CommandCenter.Core.Features.Org.Geo;
using CommandCenter.Testing;
using Microsoft.Extensions.Options;

namespace CommandCenter.Core.Tests.Features.Intake;

/// <summary>Each preset over a small fixture in its format (Beijing places): what loads, and every refused row with its reason.</summary>
public sealed class CsvPresetTests
{
    private static readonly Lazy<IncidentLocator> locator = new(() => IncidentLocator.FromPack(CityPackFile.Read(Path.Combine(RepoPaths.Root, "wwwroot", "geo"))));
    private static readonly CityClock Clock = new(TimeProvider.System, Options.Create(new CityOptions()));
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-11-24T02:00:00Z");

    // As sql/0002 seeds them, for the codes the fixtures use.
    private static readonly Category[] Categories =
    [
        new("streetlight-out", "路灯不亮", "Street light out", "city-management", [], SlaTier.Hours24, RiskDomain.Operation),
        new("noise", "噪音扰民", "Noise nuisance", "ecology-environment", [], SlaTier.WorkingDays7, RiskDomain.Social),
        new("heating", "供暖不热", "Heating too low", "beijing-heating", [], SlaTier.Hours24, RiskDomain.Operation),
        new("garbage", "垃圾堆放", "Garbage pile", "city-management", [], SlaTier.Hours24, RiskDomain.Operation),
        new("manhole-cover", "井盖缺失", "Missing manhole cover", "city-management", [], SlaTier.Hours2, RiskDomain.Safety),
    ];

    public static string Fixture(string name) =>
        Path.Combine(RepoPaths.Root, "tests", "CommandCenter.Core.Tests", "Features", "Intake", "Fixtures", name);

    private static (List<BulkIncident> Valid, List<CsvRowError> Errors, string[] Header) Map(string fixture, string preset, Datum datum = Datum.Wgs84)
    {
        using var reader = new CsvReader(File.OpenRead(Fixture(fixture)));
        var header = reader.Read()!;
        var definition = CsvPresets.Get(preset);
        var mapper = new CsvRowMapper(header, definition, new CsvMapping(definition.Columns, datum), Categories, locator.Value,
            new WorkingCalendar(Clock, []), Clock.Zone, Now, "admin", 7, "0123456789abcdef");
        var valid = new List<BulkIncident>();
        var errors = new List<CsvRowError>();
        while (reader.Read() is { } record)
            if (mapper.Map(record, reader.Record, errors) is { } incident) valid.Add(incident);
        return (valid, errors, header);
    }

    [Theory]
    [InlineData("native.csv", CsvPresets.Native)]
    [InlineData("native-bad.csv", CsvPresets.Native)]
    [InlineData("nyc311.csv", CsvPresets.Nyc311)]
    [InlineData("la311.csv", CsvPresets.La311)]
    public void Detect_FixtureHeader_FindsItsPreset(string fixture, string preset)
    {
        Assert.Equal(preset, CsvPresets.Detect(Map(fixture, preset).Header));
    }

    [Fact]
    public void Native_Fixture_AllRowsLoadWithQuotesTimesAndSuppliedStreet()
    {
        var (valid, errors, _) = Map("native.csv", CsvPresets.Native);

        Assert.Empty(errors);
        Assert.Equal(["native:BJ-0001", "native:BJ-0002", "native:BJ-0003", "native:BJ-0004"], valid.Select(i => i.SourceRef));
        Assert.Equal(["110101", "110105", "110108", "110102"], valid.Select(i => i.DistrictAdcode));
        var first = valid[0];
        Assert.Equal("东华门大街路灯不亮，\"整段\"都黑", first.Description);
        Assert.Equal(("110101004", StreetSource.Supplied), (first.StreetCode, first.StreetSource));
        Assert.Equal((IncidentStatus.Resolved, DateTimeOffset.Parse("2026-11-02T08:40:00Z")), (first.Status, first.ResolvedAt));
        Assert.Equal(AssignmentStatus.Resolved, Assert.Single(first.Assignments).Status);
        Assert.Equal(["reported", "assigned", "resolved"], first.Timeline.Select(t => t.Action));
        Assert.Equal(("王小明", "13812345678"), (first.CallerName, first.CallerPhone));
        // A Chinese category name, a line break inside quotes, city time without an offset.
        Assert.Equal("noise", valid[1].ServiceCode);
        Assert.Equal("夜间施工\r\n持续到凌晨", valid[1].Description);
        Assert.Equal(DateTimeOffset.Parse("2026-11-03T14:05:31Z"), valid[1].ReportedAt);
        Assert.Equal((StreetSource.Nearest, IncidentStatus.Assigned), (valid[1].StreetSource, valid[1].Status));
        Assert.Equal(AssignmentStatus.Pending, Assert.Single(valid[1].Assignments).Status);
        // No description: the category's name; the 24-hour tier is due a day later.
        Assert.Equal("供暖不热", valid[2].Description);
        Assert.Equal(valid[2].ReportedAt.AddHours(24), valid[2].DueAt);
        Assert.Equal(DateTimeOffset.Parse("2026-11-05T04:30:00Z"), valid[3].ReportedAt);
    }

    [Fact]
    public void Native_BadRows_EachReportedWithRowColumnAndReason()
    {
        var (valid, errors, _) = Map("native-bad.csv", CsvPresets.Native);

        Assert.Equal(["native:BAD-0001", "native:BAD-0007"], valid.Select(i => i.SourceRef));
        Assert.Equal(
            [(3L, "lon/lat", CsvProblem.OutsideCity), (4L, "service_code", CsvProblem.UnknownCategory), (5L, "reported_at", CsvProblem.BadTime),
             (6L, "street_code", CsvProblem.StreetCodeInOtherDistrict), (7L, (string?)null, CsvProblem.FieldCount)],
            errors.Select(e => (e.Row, e.Column, e.Problem)));
        Assert.All(errors, e => Assert.False(string.IsNullOrWhiteSpace(e.Reason)));
    }

    [Fact]
    public void Native_Gcj02Declared_ConvertedIntoTheRightDistrict()
    {
        var gcj = Assert.Single(Map("native-gcj02.csv", CsvPresets.Native, Datum.Gcj02).Valid);
        var misread = Assert.Single(Map("native-gcj02.csv", CsvPresets.Native).Valid);

        Assert.Equal("110101", gcj.DistrictAdcode);
        Assert.Equal(116.402, gcj.Point.Lon, 5);
        Assert.Equal(39.962, gcj.Point.Lat, 5);
        Assert.Equal("110105", misread.DistrictAdcode);
    }

    [Fact]
    public void Nyc311_Fixture_MapsComplaintTypesUsDatesAndClosedStatus()
    {
        var (valid, errors, _) = Map("nyc311.csv", CsvPresets.Nyc311);

        Assert.Equal(["nyc311:60000001", "nyc311:60000002", "nyc311:60000003", "nyc311:60000005"], valid.Select(i => i.SourceRef));
        Assert.Equal(["streetlight-out", "noise", "heating", "garbage"], valid.Select(i => i.ServiceCode));
        Assert.Equal(["110101", "110105", "110108", "110102"], valid.Select(i => i.DistrictAdcode));
        Assert.Equal(DateTimeOffset.Parse("2026-11-03T14:05:31Z"), valid[1].ReportedAt);
        Assert.Equal([IncidentStatus.Resolved, IncidentStatus.Assigned, IncidentStatus.Resolved, IncidentStatus.Assigned], valid.Select(i => i.Status));
        Assert.Equal(DateTimeOffset.Parse("2026-11-02T08:40:00Z"), valid[0].ResolvedAt);
        // "In Progress" with a stray Closed Date (as real exports have): not done, so the date is not used.
        Assert.Null(valid[3].ResolvedAt);
        Assert.Equal("Street Light Out", valid[0].Description);
        var error = Assert.Single(errors);
        Assert.Equal((5L, "Complaint Type", CsvProblem.UnknownCategory, "Illegal Fireworks"), (error.Row, error.Column, error.Problem, error.Value));
    }

    [Fact]
    public void La311_Fixture_MapsRequestTypesShortDatesAndRefusesOutsideTheCity()
    {
        var (valid, errors, _) = Map("la311.csv", CsvPresets.La311);

        Assert.Equal(["la311:1-2026000101", "la311:1-2026000102", "la311:1-2026000105"], valid.Select(i => i.SourceRef));
        Assert.Equal(["garbage", "streetlight-out", "garbage"], valid.Select(i => i.ServiceCode));
        Assert.Equal(["110101", "110105", "110106"], valid.Select(i => i.DistrictAdcode));
        Assert.Equal(DateTimeOffset.Parse("2026-11-02T00:05:00Z"), valid[0].ReportedAt);
        Assert.Equal(DateTimeOffset.Parse("2026-11-03T06:20:00Z"), valid[0].ResolvedAt);
        // Cancelled is not done: loaded as open work. No description column: the category's name.
        Assert.Equal((IncidentStatus.Assigned, "垃圾堆放"), (valid[2].Status, valid[2].Description));
        Assert.Equal("1 DONGHUAMEN ST, 100006", valid[0].Address);
        Assert.Equal([(4L, CsvProblem.UnknownCategory), (5L, CsvProblem.OutsideCity)], errors.Select(e => (e.Row, e.Problem)));
    }

    [Fact]
    public void Mapper_NoIdColumn_ReferencesRowsByFileAndRow()
    {
        using var reader = new CsvReader(File.OpenRead(Fixture("native.csv")));
        var header = reader.Read()!;
        var columns = CsvPresets.NativePreset.Columns.Where(c => c.Key != CsvField.Ref).ToDictionary();
        var mapper = new CsvRowMapper(header, CsvPresets.NativePreset, new CsvMapping(columns), Categories, locator.Value,
            new WorkingCalendar(Clock, []), Clock.Zone, Now, "admin", 7, "0123456789abcdef");

        var incident = mapper.Map(reader.Read()!, reader.Record, []);

        Assert.Equal("native:0123456789abcdef:2", incident!.SourceRef);
    }

    [Fact]
    public void Mapper_MappedColumnMissing_RefusesTheMapping()
    {
        var columns = new Dictionary<CsvField, string>(CsvPresets.NativePreset.Columns) { [CsvField.Longitude] = "lng" };

        var e = Assert.Throws<CsvImportException>(() => new CsvRowMapper(CsvPresets.NativePreset.Columns.Values.ToList(), CsvPresets.NativePreset, new CsvMapping(columns),
            Categories, locator.Value, new WorkingCalendar(Clock, []), Clock.Zone, Now, "admin", 7, "x"));
        Assert.Contains("'lng'", e.Message);
    }
}
