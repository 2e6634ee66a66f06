using CommandCenter.Core.Features.Org;
using CommandCenter.Core.Features.Org.Geo;
using CommandCenter.Core.Features.Risk;
using CommandCenter.Core.Features.Rollups;
using CommandCenter.Core.Features.Situation;
using CommandCenter.Web.Components;
using CommandCenter.Web.Components.Charts;
using CommandCenter.Web.Components.Map;
using CommandCenter.Web.Features.Dispatch;
using CommandCenter.Web.Features.Risk;
using CommandCenter.Web.Resources;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace CommandCenter.Web.Features.Wall.Pages;

/// <summary>
/// The unattended wall. The header and KPI tiles follow <see cref="SituationState.Current"/> whenever it changes (the
/// state coalesces to a few per second); the panels (matrix, map shading, lists, trend) follow it at most once a second,
/// since redrawing them is most of what a wall costs its PC. The heatmap (a day of cells) refreshes every five seconds:
/// redrawn in software each second, it took about half of the wall's browser time in a storm. Nothing here is ever clicked.
/// </summary>
public sealed partial class WallPage : IDisposable
{
    private readonly CircuitCulture culture = new();
    private static readonly TimeSpan HeatInterval = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan PanelsInterval = TimeSpan.FromSeconds(1);
    private const int MatrixColumns = 6;

    [Inject] private SituationState State { get; set; } = default!;
    [Inject] private OrgService Org { get; set; } = default!;
    [Inject] private CityClock Clock { get; set; } = default!;
    [Inject] private IOptions<CityOptions> City { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;
    [Inject] private IStringLocalizer<WallStrings> L { get; set; } = default!;
    [Inject] private ILogger<WallPage> Logger { get; set; } = default!;
    [Inject] private OrderBoard Orders { get; set; } = default!;
    [Inject] private IStringLocalizer<DispatchStrings> D { get; set; } = default!;
    [Inject] private RiskState Risk { get; set; } = default!;
    [Inject] private IStringLocalizer<RiskStrings> R { get; set; } = default!;
    [Inject] private TimeProvider TimeProvider { get; set; } = default!;

    private readonly CancellationTokenSource stopping = new();
    private SituationSnapshot snapshot = SituationSnapshot.Empty;
    /// <summary>What the panels show: <see cref="snapshot"/> as of their last redraw.</summary>
    private SituationSnapshot panels = SituationSnapshot.Empty;
    private Coalescer? panelsLive;
    private WallNames? names;
    private MapView view = default!;
    private bool kiosk;
    private RiskSnapshot risk = RiskSnapshot.Empty;
    private IReadOnlyList<MapMarker> markers = [];
    private RiskSnapshot? markersFor;
    private IDisposable? subscription, riskSubscription;
    private Timer? heatTimer;
    private int renderQueued;

    private MapLayers? layers;
    private IReadOnlyList<DistrictLoad>? layersFor;
    private LiveHeat liveHeat = default!;
    private TrendCharts charts = default!;
    private IDisposable? ordersSubscription;

    private DateTimeOffset MapUpdatedAt => liveHeat.MapUpdatedAt(panels.AsOf);

    protected override async Task OnInitializedAsync()
    {
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(Navigation.ToAbsoluteUri(Navigation.Uri).Query);
        kiosk = query.TryGetValue("kiosk", out var k) && k.ToString() is "1" or "true";
        view = new MapView(City.Value.MapCenter, City.Value.MapZoom, City.Value.TileUrl, Interactive: false);
        liveHeat = new LiveHeat(State, Clock);
        charts = new TrendCharts(L, wall: true, TrendCharts.AnyDelay());
        snapshot = panels = State.Current;
        risk = Risk.Current;
        var panelsLive = this.panelsLive = new Coalescer(() => InvokeSafelyAsync(() =>
        {
            panels = State.Current;
            StateHasChanged();
            return Task.CompletedTask;
        }), TimeSpan.Zero, PanelsInterval, TimeProvider);
        subscription = State.Subscribe(OnChanged);
        riskSubscription = Risk.Subscribe(OnChanged);
        names = await WallNames.LoadAsync(Org, stopping.Token);
        // The orders and the heat show with the panels' next redraw: fewer frames for the wall's browser to draw.
        ordersSubscription = Orders.Subscribe(panelsLive.Signal);
        await RefreshHeatAsync();
        heatTimer = new Timer(_ => _ = InvokeSafelyAsync(async () =>
        {
            await RefreshHeatAsync();
            panelsLive.Signal();
        }), null, HeatInterval, HeatInterval);
    }

    /// <summary>Called on a state's thread (situation or risk); at most one render waits in the queue at a time.</summary>
    private void OnChanged()
    {
        panelsLive?.Signal();
        if (Interlocked.Exchange(ref renderQueued, 1) == 1) return;
        _ = InvokeSafelyAsync(() =>
        {
            Interlocked.Exchange(ref renderQueued, 0);
            snapshot = State.Current;
            risk = Risk.Current;
            StateHasChanged();
            return Task.CompletedTask;
        });
    }

    private async Task RefreshHeatAsync()
    {
        try
        {
            await liveHeat.RefreshAsync(HeatWindow.Day, null, stopping.Token);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The panel's "updated" time stops moving, which is what the wall should show; the log says why.
            Logger.LogWarning(e, "Wall heatmap refresh failed");
        }
    }

    private Task InvokeSafelyAsync(Func<Task> work) => culture.RunAsync(InvokeAsync, work, stopping.Token);

    private MapLayers MapLayers()
    {
        if (layers is null || !ReferenceEquals(layersFor, panels.Districts))
        {
            layersFor = panels.Districts;
            layers = SituationVisuals.DistrictLayers(names!, panels.Districts, dark: true, layers);
        }
        return layers;
    }


    private IReadOnlyList<MapMarker> Markers()
    {
        if (!ReferenceEquals(markersFor, risk))
        {
            markersFor = risk;
            markers = RiskMarkers.For(risk, names!, City.Value.MapCenter, R);
        }
        return markers;
    }

    public void Dispose()
    {
        stopping.Cancel();
        panelsLive?.Dispose();
        subscription?.Dispose();
        riskSubscription?.Dispose();
        heatTimer?.Dispose();
        ordersSubscription?.Dispose();
        // Cancelled, not disposed: a timer callback or a coalesced render already on its way may still read its token.
    }
}
