using CommandCenter.Core.Features.Identity;
using CommandCenter.Core.Features.Intake;
using CommandCenter.Core.Features.Org;
using CommandCenter.Core.Features.Risk;
using CommandCenter.Web.Components;
using CommandCenter.Web.Components.Charts;
using CommandCenter.Web.Features.Dispatch;
using CommandCenter.Web.Features.Identity;
using CommandCenter.Web.Features.Wall;
using CommandCenter.Web.Resources;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Localization;
using MudBlazor;

namespace CommandCenter.Web.Features.Risk.Pages;

/// <summary>
/// 风险预警: every indicator by domain with its level now, one indicator's last 24 hours over its threshold bands and
/// its districts, the open alerts (acknowledge, one-click dispatch) and an alert's history. Live from <see cref="RiskState"/>.
/// </summary>
public sealed partial class RiskPage : IDisposable
{
    private static readonly TimeSpan ChartWindow = TimeSpan.FromHours(24);
    private static readonly TimeSpan ChartRefresh = TimeSpan.FromSeconds(15);

    private readonly CircuitCulture culture = new();
    private readonly CancellationTokenSource stopping = new();

    [Inject] private RiskState State { get; set; } = default!;
    [Inject] private RiskStore Store { get; set; } = default!;
    [Inject] private AlertService Alerts { get; set; } = default!;
    [Inject] private OrgService Org { get; set; } = default!;
    [Inject] private CityClock Clock { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private IStringLocalizer<RiskStrings> L { get; set; } = default!;
    [Inject] private IStringLocalizer<DispatchStrings> D { get; set; } = default!;
    [Inject] private ILogger<RiskPage> Logger { get; set; } = default!;

    [CascadingParameter] private Task<AuthenticationState>? AuthenticationState { get; set; }
    [CascadingParameter] private HttpContext? HttpContext { get; set; }
    [PersistentState] public string? ClientIp { get; set; }

    [SupplyParameterFromQuery(Name = "indicator")] private string? IndicatorParam { get; set; }

    private Commander commander = new(new AccessScope(new HashSet<string>()), Actor.System);
    private RiskSnapshot risk = RiskSnapshot.Empty;
    private WallNames? names;
    private IReadOnlyList<Department> departments = [];
    private IDisposable? subscription;
    private int renderQueued;

    private Indicator? selected;
    private string? chartDistrict;
    private ChartSpec? chart;
    private DateTimeOffset chartAt;
    private long? historyFor;
    private IReadOnlyList<AlertEvent> history = [];
    private readonly HashSet<long> acking = [];

    protected override async Task OnInitializedAsync()
    {
        ClientIp ??= HttpContext?.Connection.RemoteIpAddress?.ToString();
        if (AuthenticationState is not null)
        {
            var principal = (await AuthenticationState).User;
            commander = new Commander(principal.ToScope(), principal.ToActor(ClientIp));
        }
        names = await WallNames.LoadAsync(Org, stopping.Token);
        departments = await Org.ListDepartmentsAsync(stopping.Token);
        risk = State.Current;
        subscription = State.Subscribe(OnRiskChanged);
        await SelectAsync(risk.Indicators.FirstOrDefault(i => i.Code == IndicatorParam) ?? WorstIndicator());
    }

    private void OnRiskChanged()
    {
        if (Interlocked.Exchange(ref renderQueued, 1) == 1) return;
        _ = culture.RunAsync(InvokeAsync, async () =>
        {
            Interlocked.Exchange(ref renderQueued, 0);
            risk = State.Current;
            if (selected is null) await SelectAsync(WorstIndicator());
            else if (Clock.UtcNow - chartAt > ChartRefresh) await LoadChartAsync();
            StateHasChanged();
        }, stopping.Token);
    }

    /// <summary>The indicator of the worst open alert, else the first of the catalog.</summary>
    private Indicator? WorstIndicator() =>
        risk.Alerts.FirstOrDefault() is { } a ? risk.Indicators.FirstOrDefault(i => i.Code == a.IndicatorCode) : risk.Indicators.FirstOrDefault();

    private async Task SelectAsync(Indicator? indicator, string? district = null)
    {
        selected = indicator;
        // A per-district indicator charts the chosen district, else its worst one.
        chartDistrict = indicator is { PerDistrict: true }
            ? district ?? Now(indicator).Series?.DistrictAdcode
            : null;
        await LoadChartAsync();
    }

    private async Task LoadChartAsync()
    {
        if (selected is not { } indicator) { chart = null; return; }
        chartAt = Clock.UtcNow;
        try
        {
            var points = await Store.SeriesAsync(indicator.Code, chartDistrict, chartAt - ChartWindow, chartAt, ct: stopping.Token);
            chart = RiskCharts.Series(L, indicator, points, Clock);
        }
        catch (Exception e) when (e is Npgsql.NpgsqlException or TimeoutException)
        {
            Logger.LogWarning(e, "Risk chart of {Indicator} failed", indicator.Code);
        }
    }

    private async Task AcknowledgeAsync(OpenAlert alert)
    {
        if (!acking.Add(alert.Id)) return;
        try
        {
            await Alerts.AcknowledgeAsync(alert.Id, commander.Actor, null, stopping.Token);
            Snackbar.Add(L["Ack.Saved"], Severity.Success);
            if (historyFor == alert.Id) history = await Alerts.HistoryAsync(alert.Id, stopping.Token);
        }
        catch (Exception e) when (e is AlertNotFoundException or ArgumentException)
        {
            Snackbar.Add(L["Ack.Failed", e.Message], Severity.Error);
        }
        finally
        {
            acking.Remove(alert.Id);
        }
    }

    private async Task ShowHistoryAsync(OpenAlert alert)
    {
        historyFor = alert.Id;
        history = await Alerts.HistoryAsync(alert.Id, stopping.Token);
        await SelectAsync(risk.Indicators.FirstOrDefault(i => i.Code == alert.IndicatorCode), alert.DistrictAdcode);
    }

    private IEnumerable<SeriesState> SeriesOf(Indicator indicator) => risk.Series.Where(s => s.IndicatorCode == indicator.Code);

    /// <summary>The indicator's worst series now: the highest level, then the worst value in the indicator's worse direction.</summary>
    private (AlertLevel Level, SeriesState? Series) Now(Indicator indicator)
    {
        var worst = SeriesOf(indicator).OrderByDescending(s => s.Level).ThenByDescending(s => indicator.HigherIsWorse ? s.Value : -s.Value).FirstOrDefault();
        return (worst?.Level ?? AlertLevel.None, worst);
    }

    private string Where(string? adcode) => adcode is null ? L["City"] : names?.District(adcode) ?? adcode;

    private string IndicatorName(string code) => risk.Indicators.FirstOrDefault(i => i.Code == code) is { } i ? RiskFormat.Indicator(i) : code;

    private string Value(string code, double value) => risk.Indicators.FirstOrDefault(i => i.Code == code) is { } i ? RiskFormat.Value(i, value) : value.ToString("G4");

    private string Owner(Indicator indicator) =>
        departments.FirstOrDefault(d => d.Code == indicator.Owner) is { } d ? Cultures.Pick(d.NameZh, d.NameEn) : indicator.Owner;

    private string Time(DateTimeOffset at) => Clock.ToLocal(at).ToString("MM-dd HH:mm:ss");

    public void Dispose()
    {
        stopping.Cancel();
        subscription?.Dispose();
        // Cancelled, not disposed: a timer callback or a coalesced render already on its way may still read its token.
    }
}
