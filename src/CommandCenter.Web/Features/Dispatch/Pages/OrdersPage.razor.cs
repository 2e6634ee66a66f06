using System.Globalization;
using CommandCenter.Core.Data.Bus;
using CommandCenter.Core.Features.Dispatch;
using CommandCenter.Core.Features.Identity;
using CommandCenter.Core.Features.Org;
using CommandCenter.Web.Components;
using CommandCenter.Web.Features.Identity;
using CommandCenter.Web.Features.Wall;
using CommandCenter.Web.Resources;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.Localization;

namespace CommandCenter.Web.Features.Dispatch.Pages;

public enum OrderFilter { Active, Escalated, All }

/// <summary>
/// 指令跟踪: the orders (active first), each district's live state and the acknowledgment clock, and one order's
/// timeline. The filter and the open order are in the URL, so a link (the snackbar's) opens an order.
/// </summary>
public sealed partial class OrdersPage : IDisposable
{
    public const int Limit = 200;
    private static readonly TimeSpan ReloadSettle = TimeSpan.FromMilliseconds(150);
    private static readonly TimeSpan ReloadInterval = TimeSpan.FromMilliseconds(500);
    private static readonly HashSet<string> KnownActions = ["issued", "delivered", "acknowledged", "progress", "completed", "recalled", "escalated"];

    private readonly CircuitCulture culture = new();
    private readonly CancellationTokenSource stopping = new();

    [Inject] private DispatchService Dispatch { get; set; } = default!;
    [Inject] private OrgService Org { get; set; } = default!;
    [Inject] private EventBus Bus { get; set; } = default!;
    [Inject] private CityClock Clock { get; set; } = default!;
    [Inject] private TimeProvider TimeProvider { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;
    [Inject] private IStringLocalizer<DispatchStrings> L { get; set; } = default!;
    [Inject] private ILogger<OrdersPage> Logger { get; set; } = default!;

    [CascadingParameter] private Task<AuthenticationState>? AuthenticationState { get; set; }

    [SupplyParameterFromQuery(Name = "order")] private long? OrderParam { get; set; }
    [SupplyParameterFromQuery(Name = "filter")] private string? FilterParam { get; set; }

    private AccessScope scope = new(new HashSet<string>());
    private WallNames? names;
    private IReadOnlyList<Order> orders = [];
    private Order? selected;
    private long? selectedId;
    private IReadOnlyList<TimelineLine> timeline = [];
    private OrderFilter filter = OrderFilter.Active;
    private DateTimeOffset? loadedAt;
    private DateTimeOffset now;
    private Coalescer? live;
    private IDisposable? subscription;
    private ITimer? tick;

    /// <summary>The link to one order on this page.</summary>
    public static string Href(long orderId) => $"command/orders?order={orderId}";

    protected override async Task OnInitializedAsync()
    {
        now = Clock.UtcNow;
        if (AuthenticationState is not null) scope = (await AuthenticationState).User.ToScope();
        names = await WallNames.LoadAsync(Org, stopping.Token);
        live = new Coalescer(() => InvokeSafelyAsync(ReloadAsync), ReloadSettle, ReloadInterval, TimeProvider);
        subscription = Bus.Subscribe(events =>
        {
            if (events.Any(e => e.Kind == BusKinds.OrderChanged)) live?.Signal();
        });
        // The clocks count from server time, once a second; data comes with events (and a reload every 30 s as a safety net).
        var ticks = 0;
        tick = TimeProvider.CreateTimer(_ => _ = InvokeSafelyAsync(() =>
        {
            now = Clock.UtcNow;
            if (++ticks % 30 == 0) live?.Signal();
            StateHasChanged();
            return Task.CompletedTask;
        }), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    }

    protected override async Task OnParametersSetAsync()
    {
        filter = FilterParam switch { "escalated" => OrderFilter.Escalated, "all" => OrderFilter.All, _ => OrderFilter.Active };
        selectedId = OrderParam;
        await ReloadAsync();
    }

    private async Task ReloadAsync()
    {
        try
        {
            var at = Clock.UtcNow;
            var list = await Dispatch.ListAsync(scope, activeOnly: filter != OrderFilter.All, escalatedOnly: filter == OrderFilter.Escalated, limit: Limit, ct: stopping.Token);
            // Active first, newest first within each.
            orders = list.OrderBy(o => o.Status == OrderStatus.Active ? 0 : 1).ThenByDescending(o => o.IssuedAt).ThenByDescending(o => o.Id).ToList();
            selected = selectedId is { } id ? orders.FirstOrDefault(o => o.Id == id) ?? await Dispatch.GetAsync(scope, id, stopping.Token) : null;
            timeline = selected is { } order
                ? OrderTimeline.Merge(await Dispatch.HistoryAsync(scope, order.Id, stopping.Token), await Dispatch.ProgressAsync(scope, order.Id, stopping.Token))
                : [];
            loadedAt = now = at;
            StateHasChanged();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The "as of" time stops moving, which tells the reader; the log says why.
            Logger.LogWarning(e, "Orders reload failed");
        }
    }

    private Task SetFilterAsync(OrderFilter value) => Navigate(value, selectedId);

    private void Select(long? orderId) => Navigate(filter, orderId);

    private void KeySelect(KeyboardEventArgs e, long orderId)
    {
        if (e.Key is "Enter" or " ") Select(orderId);
    }

    private Task Navigate(OrderFilter value, long? orderId)
    {
        Navigation.NavigateTo(Navigation.GetUriWithQueryParameters(new Dictionary<string, object?>
        {
            ["filter"] = value == OrderFilter.Active ? null : value.ToString().ToLowerInvariant(),
            ["order"] = orderId,
        }));
        return Task.CompletedTask;
    }

    private static bool Escalated(Order o) => o.Status == OrderStatus.Active && o.Targets.Any(t => t.Unacknowledged && t.EscalatedAt is not null);

    private string Time(DateTimeOffset at) => Clock.ToLocal(at).ToString("MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    private string ActionName(string action) => KnownActions.Contains(action) ? L[$"Action.{action}"] : action;

    private static string? TargetDistrict(Order order, long? targetId) =>
        targetId is { } id ? order.Targets.FirstOrDefault(t => t.Id == id)?.DistrictAdcode : null;

    private string Source(Order order) => order.SourceKind switch
    {
        OrderSourceKind.None => L["Source.None"],
        _ when order.IncidentIds.Count > 0 => L[$"Source.{order.SourceKind}", string.Join("、", order.IncidentIds.Take(10).Select(i => $"#{i}"))],
        _ => L[$"Source.{order.SourceKind}", order.SourceRef ?? ""],
    };

    private Task InvokeSafelyAsync(Func<Task> work) => culture.RunAsync(InvokeAsync, work, stopping.Token);

    public void Dispose()
    {
        stopping.Cancel();
        subscription?.Dispose();
        live?.Dispose();
        tick?.Dispose();
        // Cancelled, not disposed: a timer callback or a coalesced render already on its way may still read its token.
    }
}
