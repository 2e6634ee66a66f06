using CommandCenter.Core.Features.Dispatch;
using CommandCenter.Core.Features.Identity;
using CommandCenter.Web.Components;
using CommandCenter.Core.Features.Org;
using CommandCenter.Core.Features.Org.Geo;
using CommandCenter.Core.Features.Rollups;
using CommandCenter.Core.Features.Situation;
using CommandCenter.Web.Components.Charts;
using CommandCenter.Web.Components.Map;
using CommandCenter.Web.Features.Dispatch;
using CommandCenter.Web.Features.Identity;
using CommandCenter.Web.Features.Situation.Components;
using CommandCenter.Web.Features.Wall;
using CommandCenter.Web.Features.Wall.Components;
using CommandCenter.Web.Resources;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using MudBlazor;

namespace CommandCenter.Web.Features.Situation.Pages;

/// <summary>
/// 指挥台: the live picture (<see cref="SituationState"/>, re-rendered as it changes) and the drill-down behind every
/// number: district → street unit → incident list → incident detail. The drill-down lives in the URL (<see cref="ConsoleQuery"/>).
/// </summary>
public sealed partial class CommandPage : IDisposable
{
    private readonly CircuitCulture culture = new();
    private static readonly TimeSpan HeatInterval = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan LiveInterval = TimeSpan.FromSeconds(1);
    // The busiest departments get a clickable column each; the rest share "others" (reachable through the lead filter).
    private const int MatrixColumns = 10;
    private const int ListMax = 50;
    private const int PopupMax = 5;
    private const double PopupRadiusMetres = 300;
    private const double PopupRadiusPixels = 12;

    [Inject] private SituationState State { get; set; } = default!;
    [Inject] private OrgService Org { get; set; } = default!;
    [Inject] private CityClock Clock { get; set; } = default!;
    [Inject] private TimeProvider TimeProvider { get; set; } = default!;
    [Inject] private IOptions<CityOptions> City { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;
    [Inject] private OrderBoard Orders { get; set; } = default!;
    [Inject] private IStringLocalizer<ConsoleStrings> L { get; set; } = default!;
    [Inject] private IStringLocalizer<WallStrings> W { get; set; } = default!;
    [Inject] private ILogger<CommandPage> Logger { get; set; } = default!;
    [Inject] private SituationStore Store { get; set; } = default!;
    [Inject] private IStringLocalizer<DispatchStrings> D { get; set; } = default!;

    [CascadingParameter] private Task<AuthenticationState>? AuthenticationState { get; set; }

    /// <summary>Only present while prerendering; the interactive circuit has no HttpContext.</summary>
    [CascadingParameter] private HttpContext? HttpContext { get; set; }

    /// <summary>The commander's address for the orders' audit, taken from the prerender request and carried into the circuit.</summary>
    [PersistentState] public string? ClientIp { get; set; }

    [CascadingParameter(Name = "DarkMode")] private bool Dark { get; set; }

    [SupplyParameterFromQuery(Name = "district")] private string? DistrictParam { get; set; }
    [SupplyParameterFromQuery(Name = "street")] private string? StreetParam { get; set; }
    [SupplyParameterFromQuery(Name = "cell")] private string? CellParam { get; set; }
    [SupplyParameterFromQuery(Name = "category")] private string? CategoryParam { get; set; }
    [SupplyParameterFromQuery(Name = "lead")] private string? LeadParam { get; set; }
    [SupplyParameterFromQuery(Name = "overdue")] private string? OverdueParam { get; set; }
    [SupplyParameterFromQuery(Name = "disputed")] private string? DisputedParam { get; set; }
    [SupplyParameterFromQuery(Name = "all")] private string? AllParam { get; set; }
    [SupplyParameterFromQuery(Name = "from")] private string? FromParam { get; set; }
    [SupplyParameterFromQuery(Name = "to")] private string? ToParam { get; set; }
    [SupplyParameterFromQuery(Name = "ids")] private string? IdsParam { get; set; }
    [SupplyParameterFromQuery(Name = "incident")] private string? IncidentParam { get; set; }

    private readonly CancellationTokenSource stopping = new();
    private SituationSnapshot snapshot = SituationSnapshot.Empty;
    private WallNames? names;
    private IReadOnlyList<Category> categories = [];
    private IReadOnlyList<Department> departments = [];
    private IReadOnlyList<StreetUnit> streets = [];
    private string? streetsFor;
    private IReadOnlyList<MapPoint>? streetPoints;
    private MapView view = default!;
    private IDisposable? subscription;
    private Timer? heatTimer;
    private Coalescer? live;

    private ConsoleQuery query = new();
    private IncidentFilter filter = new();
    private LeafletMap? consoleMap;

    private HeatWindow heatWindow = HeatWindow.Day;
    private IReadOnlyCollection<string> heatCategories = [];
    private MapLayers? layers;
    private LiveHeat liveHeat = default!;
    private TrendCharts charts = default!;
    private Commander commander = new(new AccessScope(new HashSet<string>()), Actor.System);
    private IDisposable? ordersSubscription;

    private DateTimeOffset MapUpdatedAt => liveHeat.MapUpdatedAt(snapshot.AsOf);

    private string? LeadValue => query.Cell is null && query.Lead is { } lead ? (lead == "" ? ConsoleQuery.Unassigned : lead) : null;

    /// <summary>The matrix cell matching the current drill-down, marked in the matrix.</summary>
    private BacklogSelection? SelectedCell => query switch
    {
        { Ids: not null } => null,
        { Cell: { } cell } => cell,
        { District: { } d, Lead: null } => new BacklogSelection(null, d),
        { District: null, Lead: { } lead } => new BacklogSelection(lead, null),
        _ => null,
    };

    protected override async Task OnInitializedAsync()
    {
        ClientIp ??= HttpContext?.Connection.RemoteIpAddress?.ToString();
        if (AuthenticationState is not null)
        {
            var principal = (await AuthenticationState).User;
            commander = new Commander(principal.ToScope(), principal.ToActor(ClientIp));
        }
        view = new MapView(City.Value.MapCenter, City.Value.MapZoom, City.Value.TileUrl);
        liveHeat = new LiveHeat(State, Clock);
        charts = new TrendCharts(W, wall: false, TrendCharts.AnyDelay());
        snapshot = State.Current;
        var render = live = new Coalescer(ShowLatestAsync, TimeSpan.Zero, LiveInterval, TimeProvider);
        subscription = State.Subscribe(OnSituationChanged);
        names = await WallNames.LoadAsync(Org, stopping.Token);
        categories = (await Org.ListCategoriesAsync(stopping.Token)).OrderBy(c => c.ServiceCode, StringComparer.Ordinal).ToList();
        departments = await Org.ListDepartmentsAsync(stopping.Token);
        await RefreshHeatAsync();
        // The heat and the orders tile show with the next live render: one render (and one frame in the browser) a
        // second at most, whatever changed.
        heatTimer = new Timer(_ => _ = InvokeSafelyAsync(async () =>
        {
            await RefreshHeatAsync();
            render.Signal();
        }), null, HeatInterval, HeatInterval);
        ordersSubscription = Orders.Subscribe(render.Signal);
    }

    protected override async Task OnParametersSetAsync()
    {
        query = ConsoleQuery.Parse(DistrictParam, StreetParam, CellParam, CategoryParam, LeadParam, OverdueParam, DisputedParam, AllParam,
            FromParam, ToParam, IdsParam, IncidentParam);
        var next = query.ToFilter(Clock);
        if (!IncidentGrid.SameFilter(next, filter)) filter = next;
        var district = query.EffectiveDistrict;
        if (district != streetsFor)
        {
            streetsFor = district;
            streets = district is null ? [] : await Org.ListStreetUnitsAsync(district, stopping.Token);
            streetPoints = district is null ? null : streets.Select(s => new MapPoint(s.Point.Lon, s.Point.Lat, s.NameZh)).ToList();
        }
    }

    // ---- drill-down: every step is a navigation ----

    private Task NavigateAsync(ConsoleQuery next)
    {
        Navigation.NavigateTo(Navigation.GetUriWithQueryParameters(next.ToParameters()));
        return Task.CompletedTask;
    }

    private string Href(ConsoleQuery next) => Navigation.GetUriWithQueryParameters(next.ToParameters());

    /// <summary>A matrix cell shows exactly what its number counts: the filters start over.</summary>
    private Task SelectCellAsync(BacklogSelection cell) => NavigateAsync(cell switch
    {
        { DepartmentCode: { } d, DistrictAdcode: { } a } => new ConsoleQuery(Cell: new BacklogSelection(d, a)),
        { DistrictAdcode: { } a } => new ConsoleQuery(District: a),
        { DepartmentCode: { } d } => new ConsoleQuery(Lead: d),
        _ => new ConsoleQuery(),
    });

    /// <summary>A district (map, selector): its open incidents, the toggles kept.</summary>
    /// <summary>
    /// A click on another district drills into it; a click inside the district already open shows what is unfinished in
    /// 300 m (or a dozen pixels) of the click: the newest few, in the citizens' words, and a link to the list of all of them.
    /// </summary>
    private async Task MapClickedAsync(MapClick click)
    {
        if (click.DistrictAdcode != query.EffectiveDistrict)
        {
            await SelectDistrictAsync(click.DistrictAdcode);
            return;
        }
        if (names is null || consoleMap is null) return;
        var at = new GeoPoint(click.Lon, click.Lat);
        // A click is only as precise as a pixel: zoomed out, "here" is the few pixels around the click.
        var radius = (int)(Math.Ceiling(Math.Max(PopupRadiusMetres, click.MetresPerPixel * PopupRadiusPixels) / 100) * 100);
        var here = State.OpenWhere(i => i.Point.MetresTo(at) <= radius);
        var newest = here.OrderByDescending(i => i.ReportedAt).Take(PopupMax).ToList();
        var texts = newest.Count == 0 ? new Dictionary<long, string>() : await Store.DescriptionsAsync([.. newest.Select(i => i.Id)], stopping.Token);
        var lines = newest.Select(i => new MapPopupLine(
            $"{names.Category(i.ServiceCode)} · {names.Street(i.StreetCode)} · {Clock.ToLocal(i.ReportedAt):MM-dd HH:mm}",
            texts.GetValueOrDefault(i.Id, ""))).ToList();
        var link = here.Count == 0 ? null
            : Navigation.GetUriWithQueryParameters((query with { Ids = [.. here.Take(500).Select(i => i.Id)], Incident = null }).ToParameters());
        string title = here.Count == 0 ? L["Map.PopupNone", radius] : L["Map.PopupTitle", here.Count, radius];
        await consoleMap.ShowPopupAsync(new MapPopup(click.Lon, click.Lat, title, lines, here.Count == 0 ? null : L["Map.PopupList"].Value, link));
    }

    private Task SelectDistrictAsync(string? adcode) =>
        NavigateAsync(query with { District = adcode, Street = null, Cell = null, Ids = null, Incident = null });

    private Task SelectStreetAsync(string? code) =>
        NavigateAsync(query with { Street = code, Incident = null });

    private Task SelectLeadAsync(string? value) => NavigateAsync(query with
    {
        // Choosing a department leaves the cell: its district stays the filter.
        District = query.EffectiveDistrict, Cell = null,
        Lead = value is null ? null : value == ConsoleQuery.Unassigned ? "" : value, Incident = null,
    });

    private Task ClearCellAsync() => NavigateAsync(query with { District = query.Cell?.DistrictAdcode, Cell = null, Incident = null });

    private Task ClearIdsAsync() => NavigateAsync(query with { Ids = null, Incident = null });

    private Task ClearAllAsync() => NavigateAsync(new ConsoleQuery());

    private Task OpenIncidentAsync(IncidentListItem item) => NavigateAsync(query with { Incident = item.Id });

    private Task OpenDisputeAsync(Dispute dispute) => NavigateAsync(query with { Incident = dispute.IncidentId });

    /// <summary>A compound problem: exactly its incidents, in the list.</summary>
    private Task OpenCompoundAsync(CompoundProblem problem) => NavigateAsync(new ConsoleQuery(Ids: problem.IncidentIds));

    private Task CloseDetailAsync() => NavigateAsync(query with { Incident = null });

    private Task DetailOpenChangedAsync(bool open) => open ? Task.CompletedTask : CloseDetailAsync();

    private DateRange Window()
    {
        var (from, to) = query.Window(Clock);
        return new DateRange(from.ToDateTime(TimeOnly.MinValue), to.ToDateTime(TimeOnly.MinValue));
    }

    private Task SetWindowAsync(DateRange? range) => range is { Start: { } start, End: { } end }
        ? NavigateAsync(query with { From = DateOnly.FromDateTime(start), To = DateOnly.FromDateTime(end), Incident = null })
        : Task.CompletedTask;

    private List<BreadcrumbItem> Breadcrumbs()
    {
        var items = new List<BreadcrumbItem> { new(L["Path.City"], Href(new ConsoleQuery()), icon: Icons.Material.Filled.Public) };
        if (query.EffectiveDistrict is { } d)
            items.Add(new BreadcrumbItem(names!.District(d), Href(new ConsoleQuery(District: d)), disabled: query.Street is null && query.Cell is null));
        if (query.Street is { } s)
            items.Add(new BreadcrumbItem(names!.Street(s), Href(new ConsoleQuery(District: query.EffectiveDistrict, Street: s)), disabled: true));
        return items;
    }

    // ---- live picture ----

    /// <summary>
    /// Called on the state's thread. A person reads the console, so it follows the live picture at most once a second
    /// (the wall, watched from afar for the first sign of a storm, follows every publish): a storm costs the server and
    /// each commander's browser a quarter of the renders.
    /// </summary>
    private void OnSituationChanged() => live?.Signal();

    private Task ShowLatestAsync() => InvokeSafelyAsync(() =>
    {
        snapshot = State.Current;
        StateHasChanged();
        return Task.CompletedTask;
    });

    private async Task SetHeatWindowAsync(HeatWindow window)
    {
        heatWindow = window;
        await RefreshHeatAsync();
    }

    private async Task SetHeatCategoriesAsync(IEnumerable<string>? codes)
    {
        heatCategories = codes?.ToList() ?? [];
        await RefreshHeatAsync();
    }

    private string HeatCategoriesText(IReadOnlyList<string> codes) =>
        codes.Count == 0 ? "" : codes.Count <= 2 ? string.Join("、", codes.Select(names!.Category)) : L["Heat.CategoriesCount", codes.Count];

    private async Task RefreshHeatAsync()
    {
        try
        {
            await liveHeat.RefreshAsync(heatWindow, heatCategories.Count == 0 ? null : heatCategories, stopping.Token);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The map panel's "updated" time stops moving, which tells the commander; the log says why.
            Logger.LogWarning(e, "Console heatmap refresh failed");
        }
    }

    private Task InvokeSafelyAsync(Func<Task> work) => culture.RunAsync(InvokeAsync, work, stopping.Token);

    private MapLayers MapLayers() =>
        layers = SituationVisuals.DistrictLayers(names!, snapshot.Districts, Dark, layers, query.EffectiveDistrict, streetPoints);


    private string Updated(DateTimeOffset at) =>
        at > DateTimeOffset.MinValue ? W["Wall.Updated", Clock.ToLocal(at).ToString("HH:mm:ss")] : W["Wall.StaleNever"];

    public void Dispose()
    {
        stopping.Cancel();
        subscription?.Dispose();
        live?.Dispose();
        heatTimer?.Dispose();
        ordersSubscription?.Dispose();
        // Cancelled, not disposed: a timer callback or a coalesced render already on its way may still read its token.
    }
}
