using System.Globalization;
using System.Text;
using CommandCenter.Core.Features.Identity;
using CommandCenter.Core.Features.Incidents;
using CommandCenter.Core.Features.Intake;
using CommandCenter.Testing;
using Dapper;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace CommandCenter.IntegrationTests.Features.Intake;

/// <summary>Whole imports on real PostgreSQL: validate, load, re-run, skip bad rows, cancel.</summary>
public sealed class CsvImportTests() : StartedCore(new FakeTimeProvider(DateTimeOffset.Parse("2026-11-24T02:00:00Z"))), IDisposable
{
    private static readonly Actor Admin = new("admin");
    private readonly List<string> temp = [];

    private CsvImportService Imports => Get<CsvImportService>();

    private static string Fixture(string name) =>
        Path.Combine(RepoPaths.Root, "tests", "CommandCenter.Core.Tests", "Features", "Intake", "Fixtures", name);

    private Task<CsvImport> ValidateAsync(string path, string preset, Datum datum = Datum.Wgs84, IReadOnlyDictionary<CsvField, string>? columns = null) =>
        Imports.ValidateAsync(Admin, path, Path.GetFileName(path), preset, new CsvMapping(columns ?? CsvPresets.ColumnsFor(CsvPresets.Get(preset), CsvImportService.Sample(path, 0).Headers), datum));

    private async Task<CsvImport> RunAsync(string path, string preset, bool skipBad = false, Datum datum = Datum.Wgs84)
    {
        var run = await ValidateAsync(path, preset, datum);
        Assert.Equal(CsvImportStatus.Ready, run.Status);
        return await Imports.ImportAsync(Admin, run.Id, path, skipBad);
    }

    private async Task<List<(string SourceRef, string District, string Street, string StreetSource, string Status)>> IncidentsAsync()
    {
        await using var conn = new NpgsqlConnection(Db.ConnectionString);
        return (await conn.QueryAsync<(string, string, string, string, string)>(
            "select source_ref, district_adcode, street_code, street_source, status from incident where source = 'import' order by source_ref")).ToList();
    }

    private async Task<long> ScalarAsync(string sql)
    {
        await using var conn = new NpgsqlConnection(Db.ConnectionString);
        return await conn.ExecuteScalarAsync<long>(sql);
    }

    [Theory]
    [InlineData("native.csv", CsvPresets.Native, 4, 0, new[] { "110101", "110102", "110105", "110108" })]
    [InlineData("nyc311.csv", CsvPresets.Nyc311, 4, 1, new[] { "110101", "110105", "110108", "110102" })]
    [InlineData("la311.csv", CsvPresets.La311, 3, 2, new[] { "110101", "110105", "110106" })]
    public async Task Import_EachPresetFixture_LoadsTheValidRowsIntoTheirDistricts(string fixture, string preset, int valid, int bad, string[] districts)
    {
        var run = await RunAsync(Fixture(fixture), preset, skipBad: bad > 0);

        Assert.Equal((CsvImportStatus.Completed, valid + bad, valid, bad, valid, 0L), (run.Status, run.RowsTotal, run.RowsValid, run.RowsBad, run.RowsImported, run.RowsDuplicate));
        Assert.Equal(bad, run.Errors.Count);
        Assert.NotNull(run.FinishedAt);
        var incidents = await IncidentsAsync();
        Assert.Equal(districts.Order(), incidents.Select(i => i.District).Order());
        Assert.All(incidents, i => Assert.StartsWith(preset + ":", i.SourceRef));
        // Every incident is whole: its lead assignment and its timeline, announced on the bus.
        Assert.Equal(valid, await ScalarAsync("select count(*) from assignment where role = 'lead'"));
        Assert.True(await ScalarAsync("select count(*) from incident_timeline where action = 'reported'") == valid);
        Assert.Equal(valid, await ScalarAsync($"select coalesce(sum(cardinality(ids)), 0) from bus_event where kind = '{IncidentBulkWriter.ImportedKind}'"));
    }

    [Fact]
    public async Task Import_Gcj02Declared_LandsInTheDistrictOfTheConvertedPoint()
    {
        var run = await RunAsync(Fixture("native-gcj02.csv"), CsvPresets.Native, datum: Datum.Gcj02);

        Assert.Equal(1, run.RowsImported);
        Assert.Equal(Datum.Gcj02, run.Datum);
        Assert.Equal("110101", Assert.Single(await IncidentsAsync()).District);
        await using var conn = new NpgsqlConnection(Db.ConnectionString);
        var (lon, lat) = await conn.QuerySingleAsync<(double, double)>("select lon, lat from incident");
        Assert.Equal((116.402, 39.962), (Math.Round(lon, 5), Math.Round(lat, 5)));
    }

    [Fact]
    public async Task Import_SuppliedStreetCode_WinsOverTheNearestUnit()
    {
        await RunAsync(Fixture("native.csv"), CsvPresets.Native);

        var incidents = await IncidentsAsync();
        Assert.Equal(("110101004", "supplied"), (incidents[0].Street, incidents[0].StreetSource));
        Assert.All(incidents.Skip(1), i => Assert.Equal("nearest", i.StreetSource));
        var nearest = Get<IncidentLocator>().Locate(new(116.4075, 39.9040));
        Assert.NotEqual("110101004", Assert.IsType<LocationResult.Located>(nearest).StreetCode);
    }

    [Fact]
    public async Task Import_BadRowsNotSkipped_IsRefusedAndLoadsNothing()
    {
        var run = await ValidateAsync(Fixture("native-bad.csv"), CsvPresets.Native);

        Assert.Equal((CsvImportStatus.Ready, 7L, 2L, 5L), (run.Status, run.RowsTotal, run.RowsValid, run.RowsBad));
        Assert.Equal([3L, 4, 5, 6, 7], run.Errors.Select(e => e.Row));
        var e = await Assert.ThrowsAsync<CsvImportException>(() => Imports.ImportAsync(Admin, run.Id, Fixture("native-bad.csv"), skipBad: false));
        Assert.Contains("5 rows are bad", e.Message);
        Assert.Equal(CsvFailure.BadRows, e.Failure);
        Assert.Equal(["5", "2"], e.Args);
        Assert.Empty(await IncidentsAsync());
        Assert.Equal(CsvImportStatus.Ready, (await Imports.GetAsync(run.Id))!.Status);
    }

    [Fact]
    public async Task Import_SkipBad_LoadsExactlyTheValidRows()
    {
        var run = await RunAsync(Fixture("native-bad.csv"), CsvPresets.Native, skipBad: true);

        Assert.Equal((CsvImportStatus.Completed, 2L, 5L), (run.Status, run.RowsImported, run.RowsBad));
        Assert.Equal(["native:BAD-0001", "native:BAD-0007"], (await IncidentsAsync()).Select(i => i.SourceRef));
    }

    [Fact]
    public async Task Import_SameFileTwice_SecondRunAddsNothing()
    {
        await RunAsync(Fixture("nyc311.csv"), CsvPresets.Nyc311, skipBad: true);
        var again = await RunAsync(Fixture("nyc311.csv"), CsvPresets.Nyc311, skipBad: true);

        Assert.Equal((CsvImportStatus.Completed, 0L, 4L), (again.Status, again.RowsImported, again.RowsDuplicate));
        Assert.Equal(4, (await IncidentsAsync()).Count);
    }

    [Fact]
    public async Task Import_NoIdColumnTwice_SameFileIsRecognisedByItsHash()
    {
        var columns = CsvPresets.NativePreset.Columns.Where(c => c.Key != CsvField.Ref).ToDictionary();
        foreach (var _ in new[] { 1, 2 })
        {
            var run = await ValidateAsync(Fixture("native.csv"), CsvPresets.Native, columns: columns);
            await Imports.ImportAsync(Admin, run.Id, Fixture("native.csv"), skipBad: false);
        }

        Assert.Equal(4, (await IncidentsAsync()).Count);
    }

    [Fact]
    public async Task Import_CancelledAfterFirstChunk_KeepsOnlyWholeChunks()
    {
        var path = WriteNative(2_000);
        Imports.ChunkSize = 300;
        var run = await ValidateAsync(path, CsvPresets.Native);
        using var cancel = new CancellationTokenSource();
        var seen = new List<CsvProgress>();

        var done = await Imports.ImportAsync(Admin, run.Id, path, skipBad: false, p => { seen.Add(p); cancel.Cancel(); }, cancel.Token);

        Assert.Equal((CsvImportStatus.Cancelled, 300L), (done.Status, done.RowsImported));
        Assert.Contains("300", done.Message);
        Assert.Equal(300, (await IncidentsAsync()).Count);
        Assert.Equal(300, Assert.Single(seen).RowsImported);
        Assert.Equal(300, await ScalarAsync("select count(*) from assignment"));
    }

    [Fact]
    public async Task StartAsync_InTheBackground_ReportsProgressAndCompletes()
    {
        var path = WriteNative(3_000);
        Imports.ChunkSize = 500;
        var run = await ValidateAsync(path, CsvPresets.Native);
        var finished = new TaskCompletionSource();

        await Imports.StartAsync(Admin, run.Id, path, skipBad: false, () => finished.SetResult());
        await finished.Task.WaitAsync(TimeSpan.FromSeconds(60));

        var done = (await Imports.GetAsync(run.Id))!;
        Assert.Equal((CsvImportStatus.Completed, 3_000L), (done.Status, done.RowsImported));
        Assert.False(Imports.IsRunning(run.Id));
        Assert.Equal(run.Id, (await Imports.ListAsync()).First().Id);
        await Assert.ThrowsAsync<CsvImportException>(() => Imports.StartAsync(Admin, run.Id, path, skipBad: false));
    }

    [Fact]
    public async Task History_RunWhoseProcessDied_IsShownFailedWithWhatItCommitted()
    {
        var path = WriteNative(1_000);
        Imports.ChunkSize = 400;
        var dead = await ValidateAsync(path, CsvPresets.Native);
        var alive = await ValidateAsync(WriteNative(10), CsvPresets.Native);
        // As a process leaves them when it dies: importing, one chunk committed, and silent since (or beating just now).
        await using (var conn = new NpgsqlConnection(Db.ConnectionString))
        {
            await conn.ExecuteAsync("update csv_import set status = 'importing', rows_imported = 400, heartbeat_at = now() - interval '10 minutes' where id = @Id", dead);
            await conn.ExecuteAsync("update csv_import set status = 'importing', heartbeat_at = now() where id = @Id", alive);
        }

        var history = await Imports.ListAsync();

        var failed = history.Single(r => r.Id == dead.Id);
        Assert.Equal((CsvImportStatus.Failed, 400L), (failed.Status, failed.RowsImported));
        Assert.StartsWith("Interrupted", failed.Message);
        Assert.Equal(CsvFailure.Interrupted, failed.Failure);
        Assert.NotNull(failed.FinishedAt);
        Assert.Equal(CsvImportStatus.Importing, history.Single(r => r.Id == alive.Id).Status);
    }

    [Fact]
    public async Task Validate_MappingNamesAMissingColumn_FailsWithTheReason()
    {
        var columns = new Dictionary<CsvField, string>(CsvPresets.NativePreset.Columns) { [CsvField.Longitude] = "lng" };

        var run = await ValidateAsync(Fixture("native.csv"), CsvPresets.Native, columns: columns);

        Assert.Equal(CsvImportStatus.Failed, run.Status);
        Assert.Contains("'lng'", run.Message);
        // The code and the names it needs, kept with the run for a page in another language.
        var stored = (await Imports.GetAsync(run.Id))!;
        Assert.Equal(CsvFailure.NoSuchColumn, stored.Failure);
        Assert.Equal(["lng", "Longitude"], stored.FailureArgs!);
        await Assert.ThrowsAsync<CsvImportException>(() => Imports.ImportAsync(Admin, run.Id, Fixture("native.csv"), skipBad: true));
    }

    [Fact]
    public async Task Preview_FirstRows_MappedWithTheirErrors()
    {
        var preview = await Imports.PreviewAsync(Fixture("native-bad.csv"), CsvPresets.Native, new CsvMapping(CsvPresets.NativePreset.Columns), rows: 3);

        Assert.Equal([2L, 3, 4], preview.Select(p => p.Row));
        Assert.Equal(("110101", "streetlight-out"), (preview[0].DistrictAdcode, preview[0].ServiceCode));
        Assert.Equal(CsvProblem.OutsideCity, Assert.Single(preview[1].Errors).Problem);
    }

    /// <summary>A native file of <paramref name="rows"/> valid rows around Dongcheng.</summary>
    private string WriteNative(int rows)
    {
        var path = Path.Combine(Path.GetTempPath(), $"cc-csv-{Guid.NewGuid():N}.csv");
        temp.Add(path);
        var text = new StringBuilder("ref,service_code,description,lon,lat,reported_at\n");
        for (var i = 0; i < rows; i++)
            text.Append(CultureInfo.InvariantCulture, $"T-{i},garbage,垃圾 {i},{116.40 + i % 20 * 0.001},{39.90 + i % 30 * 0.001},2026-11-10T08:00:00+08:00\n");
        File.WriteAllText(path, text.ToString());
        return path;
    }

    public void Dispose()
    {
        foreach (var path in temp) File.Delete(path);
    }
}
