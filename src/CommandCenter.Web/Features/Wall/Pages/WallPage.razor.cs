using CommandCenter.Core.Data.Bus;
using CommandCenter.Core.Features.Dispatch;
using CommandCenter.Core.Features.Identity;
using CommandCenter.Core.Features.Org;
using CommandCenter.Core.Features.Org.Geo;
using CommandCenter.Core.Features.Rollups;
using CommandCenter.Core.Features.Situation;
using CommandCenter.Web.Components;
using CommandCenter.Web.Components.Charts;
using CommandCenter.Web.Components.Map;
using CommandCenter.Web.Features.Dispatch;
using CommandCenter.Web.Features.Identity;
using CommandCenter.Web.Resources;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace CommandCenter.Web.Features.Wall.Pages;

/// <summary>
/// The unattended wall. Renders <see cref="SituationState.Current"/> whenever it changes (the state coalesces to a few
/// per second) and refreshes the heatmap once a second; nothing here is ever clicked.
/// </summary>
public sealed partial class WallPage : IDisposable
{
    private readonly CircuitCulture culture = new();
    private static readonly TimeSpan HeatInterval = TimeSpan.FromSeconds(1);
    private const int MatrixColumns = 6;

    [Inject] private SituationState State { get; set; } = default!;
    [Inject] private OrgService Org { get; set; } = default!;
    [Inject] private CityClock Clock { get; set; } = default!;
    [Inject] private IOptions<CityOptions> City { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;
    [Inject] private IStringLocalizer<WallStrings> L { get; set; } = default!;
    [Inject] private ILogger<WallPage> Logger { get; set; } = default!;
    [Inject] private DispatchService Dispatch { get; set; } = default!;
    [Inject] private EventBus Bus { get; set; } = default!;
    [Inject] private TimeProvider Time { get; set; } = default!;
    [Inject] private IStringLocalizer<DispatchStrings> D { get; set; } = default!;

    [CascadingParameter] private Task<AuthenticationState>? AuthenticationState { get; set; }

    private readonly CancellationTokenSource stopping = new();
    private SituationSnapshot snapshot = SituationSnapshot.Empty;
    private WallNames? names;
    private MapView view = default!;
    private bool kiosk;
    private IDisposable? subscription;
    private Timer? heatTimer;
    private int renderQueued;

    private MapLayers? layers;
    private IReadOnlyList<DistrictLoad>? layersFor;
    private LiveHeat liveHeat = default!;
    private TrendCharts charts = default!;
    private OrderBoard? orders;

    private DateTimeOffset MapUpdatedAt => liveHeat.MapUpdatedAt(snapshot.AsOf);

    protected override async Task OnInitializedAsync()
    {
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(Navigation.ToAbsoluteUri(Navigation.Uri).Query);
        kiosk = query.TryGetValue("kiosk", out var k) && k.ToString() is "1" or "true";
        view = new MapView(City.Value.MapCenter, City.Value.MapZoom, City.Value.TileUrl, Interactive: false);
        liveHeat = new LiveHeat(State, Clock);
        charts = new TrendCharts(L, wall: true);
        snapshot = State.Current;
        subscription = State.Subscribe(OnSituationChanged);
        names = await WallNames.LoadAsync(Org, stopping.Token);
        await StartOrdersAsync();
        await RefreshHeatAsync();
        heatTimer = new Timer(_ => _ = InvokeSafelyAsync(RefreshHeatAsync), null, HeatInterval, HeatInterval);
    }

    /// <summary>Called on the state's thread; at most one render waits in the queue at a time.</summary>
    private void OnSituationChanged()
    {
        if (Interlocked.Exchange(ref renderQueued, 1) == 1) return;
        _ = InvokeSafelyAsync(() =>
        {
            Interlocked.Exchange(ref renderQueued, 0);
            snapshot = State.Current;
            StateHasChanged();
            return Task.CompletedTask;
        });
    }

    private async Task RefreshHeatAsync()
    {
        try
        {
            await liveHeat.RefreshAsync(HeatWindow.Day, null, stopping.Token);
            StateHasChanged();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The panel's "updated" time stops moving, which is what the wall should show; the log says why.
            Logger.LogWarning(e, "Wall heatmap refresh failed");
        }
    }

    /// <summary>The orders tile and ticker; until a read succeeds they say "loading" (no number is made up).</summary>
    private async Task StartOrdersAsync()
    {
        var scope = AuthenticationState is null ? new AccessScope(new HashSet<string>()) : (await AuthenticationState).User.ToScope();
        orders = new OrderBoard(Dispatch, Bus, Clock, Time, Logger, scope, withPending: true, () => InvokeSafelyAsync(() =>
        {
            StateHasChanged();
            return Task.CompletedTask;
        }));
        await orders.StartAsync(stopping.Token);
    }

    private Task InvokeSafelyAsync(Func<Task> work) => culture.RunAsync(InvokeAsync, work, stopping.Token);

    private MapLayers MapLayers()
    {
        if (layers is null || !ReferenceEquals(layersFor, snapshot.Districts))
        {
            layersFor = snapshot.Districts;
            layers = SituationVisuals.DistrictLayers(names!, snapshot.Districts, dark: true, layers);
        }
        return layers;
    }


    public void Dispose()
    {
        stopping.Cancel();
        subscription?.Dispose();
        heatTimer?.Dispose();
        orders?.Dispose();
        stopping.Dispose();
    }
}
