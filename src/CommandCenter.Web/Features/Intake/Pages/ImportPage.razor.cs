using System.Globalization;
using CommandCenter.Core.Features.Identity;
using CommandCenter.Core.Features.Incidents;
using CommandCenter.Core.Features.Intake;
using CommandCenter.Core.Features.Org;
using CommandCenter.Web.Features.Identity;
using CommandCenter.Web.Resources;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Localization;
using MudBlazor;

namespace CommandCenter.Web.Features.Intake.Pages;

/// <summary>
/// CSV import for administrators: the upload is streamed to a temporary file (never buffered whole), the mapping is
/// previewed on the first rows, every row is checked, and the load runs in <see cref="CsvImportService"/>'s background
/// so it survives a closed tab; this page polls its progress a few times a second.
/// </summary>
public partial class ImportPage
{
    public const int MaxMegabytes = 200;
    private const long MaxBytes = MaxMegabytes * 1024L * 1024;
    private const int PreviewRows = 20;
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(250);
    private static readonly CsvField[] Required = [CsvField.ServiceCode, CsvField.Longitude, CsvField.Latitude, CsvField.ReportedAt];

    [Inject] private CsvImportService Imports { get; set; } = default!;
    [Inject] private OrgService Org { get; set; } = default!;
    [Inject] private CityClock Clock { get; set; } = default!;
    [Inject] private ILogger<ImportPage> Logger { get; set; } = default!;
    [Inject] private IStringLocalizer<ImportStrings> L { get; set; } = default!;

    [CascadingParameter] private Task<AuthenticationState>? AuthenticationState { get; set; }

    [CascadingParameter] private HttpContext? HttpContext { get; set; }

    private readonly CancellationTokenSource disposed = new();
    private Actor actor = Actor.System;
    private bool loaded;

    private string? path;
    private string? fileName;
    private long fileBytes;
    private long uploadedBytes;
    private bool uploading;
    private string? uploadError;

    private CsvSample? sample;
    private string preset = CsvPresets.Native;
    private Datum datum = Datum.Wgs84;
    private Dictionary<CsvField, string> columns = [];
    private IReadOnlyList<CsvPreviewRow> preview = [];
    private string? mappingError;

    private bool validating;
    private CsvProgress? validated;
    private CsvImport? run;
    private bool skipBad;
    private bool importing;
    private bool cancelling;
    private CsvProgress? progress;

    private IReadOnlyList<CsvImport> history = [];
    private IReadOnlyDictionary<string, Category> categories = new Dictionary<string, Category>();
    private IReadOnlyDictionary<string, DistrictSummary> districts = new Dictionary<string, DistrictSummary>();
    private IReadOnlyDictionary<string, string> streets = new Dictionary<string, string>();

    /// <summary>The mapping is fixed once a run is checked: the mapping validated is the mapping loaded.</summary>
    private bool Locked => run is not null || validating;

    private bool Busy => validating || importing;

    protected override async Task OnInitializedAsync()
    {
        if (AuthenticationState is not null) actor = (await AuthenticationState).User.ToActor(HttpContext?.Connection.RemoteIpAddress?.ToString());
        if (HttpContext is not null) return;
        categories = (await Org.ListCategoriesAsync()).ToDictionary(c => c.ServiceCode);
        districts = (await Org.ListDistrictsAsync()).ToDictionary(d => d.Adcode);
        streets = (await Org.ListStreetUnitsAsync()).ToDictionary(s => s.Code, s => s.NameZh);
        history = await Imports.ListAsync();
        loaded = true;
    }

    /// <summary>Streams the browser's file into a temporary file in pieces, with progress, then reads its header and first rows.</summary>
    private async Task UploadAsync(IBrowserFile? file)
    {
        if (file is null) return;
        uploadError = null;
        if (file.Size > MaxBytes)
        {
            uploadError = L["Upload.TooLarge", file.Name, MaxMegabytes];
            return;
        }
        await ResetAsync();
        var target = Path.Combine(Path.GetTempPath(), "commandcenter-import", $"{Guid.NewGuid():N}.csv");
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        (uploading, fileBytes, uploadedBytes) = (true, file.Size, 0);
        try
        {
            await using (var source = file.OpenReadStream(MaxBytes, disposed.Token))
            await using (var destination = new FileStream(target, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true))
            {
                var buffer = new byte[81920];
                var shown = DateTime.UtcNow;
                int read;
                while ((read = await source.ReadAsync(buffer, disposed.Token)) > 0)
                {
                    await destination.WriteAsync(buffer.AsMemory(0, read), disposed.Token);
                    uploadedBytes += read;
                    if (DateTime.UtcNow - shown > Tick)
                    {
                        shown = DateTime.UtcNow;
                        StateHasChanged();
                    }
                }
            }
            path = target;
            fileName = file.Name;
            sample = CsvImportService.Sample(target, 0);
            preset = sample.DetectedPreset ?? CsvPresets.Native;
            ApplyPreset();
            await PreviewAsync();
        }
        catch (Exception e) when (e is IOException or CsvImportException or InvalidOperationException)
        {
            Logger.LogWarning(e, "CSV upload {File} failed", file.Name);
            uploadError = e is CsvImportException i ? L["Upload.Unreadable", ImportFormat.Failure(L, i)] : L["Upload.Failed", file.Name];
            DeleteFile(target);
            (path, sample) = (null, null);
        }
        finally
        {
            uploading = false;
        }
    }

    private async Task PresetChangedAsync(string value)
    {
        preset = value;
        ApplyPreset();
        await PreviewAsync();
    }

    private async Task DatumChangedAsync(Datum value)
    {
        datum = value;
        await PreviewAsync();
    }

    private async Task ColumnChangedAsync(CsvField field, string? column)
    {
        if (string.IsNullOrEmpty(column)) columns.Remove(field);
        else columns[field] = column;
        await PreviewAsync();
    }

    private void ApplyPreset() => columns = CsvPresets.ColumnsFor(CsvPresets.Get(preset), sample!.Headers).ToDictionary();

    private async Task PreviewAsync()
    {
        var missing = Required.Where(f => !columns.ContainsKey(f)).Select(f => (CsvField?)f).FirstOrDefault();
        mappingError = missing is { } field ? L["Mapping.Missing", L[$"Field.{field}"]].Value : null;
        if (mappingError is not null || path is null)
        {
            preview = [];
            return;
        }
        try
        {
            preview = await Imports.PreviewAsync(path, preset, Mapping(), PreviewRows, disposed.Token);
        }
        catch (CsvImportException e)
        {
            (preview, mappingError) = ([], L["Upload.Unreadable", ImportFormat.Failure(L, e)]);
        }
    }

    private async Task ValidateAsync()
    {
        if (path is null || fileName is null) return;
        validating = true;
        validated = null;
        var shown = DateTime.UtcNow;
        try
        {
            // Off the circuit's thread: a large file takes seconds; progress comes back through InvokeAsync.
            var checkedRun = await Task.Run(() => Imports.ValidateAsync(actor, path, fileName, preset, Mapping(), p =>
            {
                validated = p;
                if (DateTime.UtcNow - shown < Tick) return;
                shown = DateTime.UtcNow;
                _ = InvokeAsync(StateHasChanged);
            }, disposed.Token));
            run = checkedRun;
            skipBad = false;
            history = await Imports.ListAsync();
        }
        finally
        {
            validating = false;
        }
    }

    private async Task StartAsync()
    {
        if (run is null || path is null) return;
        try
        {
            importing = true;
            progress = null;
            var file = path;
            // The file now belongs to the load: it is deleted when the load ends, even if this page is gone by then.
            path = null;
            await Imports.StartAsync(actor, run.Id, file, skipBad, () => DeleteFile(file));
            _ = PollAsync(run.Id);
        }
        catch (CsvImportException e)
        {
            importing = false;
            run = await Imports.GetAsync(run.Id) ?? run;
            uploadError = L["Report.Failed", ImportFormat.Failure(L, e)];
        }
    }

    /// <summary>Shows the load's progress a few times a second until it ends, then its outcome and the history.</summary>
    private async Task PollAsync(long id)
    {
        try
        {
            using var timer = new PeriodicTimer(Tick);
            while (await timer.WaitForNextTickAsync(disposed.Token))
            {
                if (Imports.IsRunning(id))
                {
                    progress = Imports.Progress(id) ?? progress;
                    await InvokeAsync(StateHasChanged);
                    continue;
                }
                var finished = await Imports.GetAsync(id, disposed.Token);
                var list = await Imports.ListAsync(ct: disposed.Token);
                await InvokeAsync(() =>
                {
                    (run, history, importing, cancelling) = (finished, list, false, false);
                    // The bar ends where the run ended: full when completed, where it stopped otherwise.
                    if (finished is not null)
                        progress = new CsvProgress(id, finished.Status, finished.Status == CsvImportStatus.Completed ? finished.RowsTotal : progress?.RowsDone ?? 0,
                            finished.RowsTotal, finished.RowsImported, progress?.RowsPerSecond ?? 0);
                    StateHasChanged();
                });
                return;
            }
        }
        catch (OperationCanceledException)
        {
            // The page closed; the load goes on in the background.
        }
    }

    private void Cancel()
    {
        if (run is null) return;
        cancelling = Imports.Cancel(run.Id);
    }

    private async Task ResetAsync()
    {
        if (path is not null && !importing) DeleteFile(path);
        (path, fileName, sample, run, progress, validated, preview, mappingError, skipBad) = (null, null, null, null, null, null, [], null, false);
        columns = [];
        history = await Imports.ListAsync();
    }

    private CsvMapping Mapping() => new(new Dictionary<CsvField, string>(columns), datum);

    private string Problem(CsvRowError error) => ImportFormat.Problem(L, error);

    private string Outcome(CsvImport import) => ImportFormat.Outcome(L, import);

    private static string N(double value) => ImportFormat.N(value);

    private static double Percent(long done, long total) => total > 0 ? Math.Min(100, 100.0 * done / total) : 0;

    private static string FileSize(long bytes) =>
        bytes >= 1 << 20 ? $"{(bytes / 1048576.0).ToString("0.0", CultureInfo.InvariantCulture)} MB" : $"{Math.Max(1, bytes / 1024)} KB";

    private string Time(DateTimeOffset? instant) =>
        instant is { } t ? Clock.ToLocal(t).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) : "";

    private string CategoryName(string? code) =>
        code is null ? "" : categories.TryGetValue(code, out var c) ? Cultures.Pick(c.NameZh, c.NameEn) : code;

    private string DistrictName(string? adcode) =>
        adcode is null ? "" : districts.TryGetValue(adcode, out var d) ? Cultures.Pick(d.NameZh, d.NameEn) : adcode;

    private string StreetName(string? code, StreetSource? source) =>
        code is null ? "" : $"{streets.GetValueOrDefault(code, code)}（{L[source == StreetSource.Supplied ? "Street.Supplied" : "Street.Nearest"]}）";

    private static Color StatusColor(CsvImportStatus status) => status switch
    {
        CsvImportStatus.Completed => Color.Success,
        CsvImportStatus.Cancelled => Color.Warning,
        CsvImportStatus.Failed => Color.Error,
        _ => Color.Info,
    };

    private static void DeleteFile(string file)
    {
        try { File.Delete(file); }
        catch (IOException) { /* a temp file; the OS cleans up what is left */ }
    }

    public async ValueTask DisposeAsync()
    {
        await disposed.CancelAsync();
        // An upload that was never loaded is not needed by anyone.
        if (path is not null && !importing) DeleteFile(path);
        disposed.Dispose();
    }
}
