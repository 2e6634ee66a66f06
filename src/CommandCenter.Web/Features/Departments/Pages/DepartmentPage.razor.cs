using System.Globalization;
using CommandCenter.Core.Data.Bus;
using CommandCenter.Core.Features.Identity;
using CommandCenter.Core.Features.Incidents;
using CommandCenter.Core.Features.Org;
using CommandCenter.Web.Components;
using CommandCenter.Web.Features.Departments.Components;
using CommandCenter.Web.Features.Identity;
using CommandCenter.Web.Resources;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Localization;
using MudBlazor;

// Namespace "Departments", not the folder's "Department": that would hide Core's Department record from every Features.* file.
namespace CommandCenter.Web.Features.Departments.Pages;

/// <summary>
/// 部门待办: the signed-in department's assignments, to accept (签收), return (退回) or resolve (办结). Paged in the
/// database, and live: incident events reload the current page, coalesced to at most one reload a second.
/// </summary>
public partial class DepartmentPage : IDisposable
{
    private readonly CircuitCulture culture = new();
    private static readonly DialogOptions FormOptions = new() { MaxWidth = MaxWidth.Small, FullWidth = true, BackdropClick = false };

    /// <summary>Every incident event kind starts so ("incident.changed", "incident.imported", "incident.reported", …).</summary>
    private const string IncidentKinds = "incident.";
    private static readonly TimeSpan ReloadSettle = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan ReloadInterval = TimeSpan.FromSeconds(1);

    [Inject] private IncidentService Incidents { get; set; } = default!;
    [Inject] private OrgService Org { get; set; } = default!;
    [Inject] private CityClock Clock { get; set; } = default!;
    [Inject] private EventBus Bus { get; set; } = default!;
    [Inject] private TimeProvider TimeProvider { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private IStringLocalizer<DepartmentStrings> L { get; set; } = default!;

    [CascadingParameter] private Task<AuthenticationState>? AuthenticationState { get; set; }

    /// <summary>Only present while prerendering; the interactive circuit has no HttpContext.</summary>
    [CascadingParameter] private HttpContext? HttpContext { get; set; }

    /// <summary>The user's address for the timeline, taken from the prerender request and carried into the circuit.</summary>
    [PersistentState] public string? ClientIp { get; set; }

    private AccessScope scope = new(new HashSet<string>());
    private Actor actor = Actor.System;
    private string? departmentCode;
    private string? denied;
    private bool includeFinished, busy, ready;
    private MudDataGrid<InboxItem>? grid;
    private InboxStatus? status;
    private InboxPage? summary;
    private DateTimeOffset? updatedAt;
    private Coalescer? live;
    private IDisposable? subscription;

    private Dictionary<string, Department> departments = [];
    private Dictionary<string, Category> categories = [];
    private Dictionary<string, DistrictSummary> districts = [];
    private Dictionary<string, StreetUnit> streets = [];

    private string Title => departmentCode is { } code && departments.TryGetValue(code, out var d) ? Cultures.Pick(d.NameZh, d.NameEn) : L["Dept.Inbox"];

    protected override async Task OnInitializedAsync()
    {
        ClientIp ??= HttpContext?.Connection.RemoteIpAddress?.ToString();
        if (AuthenticationState is not null)
        {
            var principal = (await AuthenticationState).User;
            scope = principal.ToScope();
            actor = principal.ToActor(ClientIp);
        }
        departmentCode = scope.DepartmentCode;

        departments = (await Org.ListDepartmentsAsync()).ToDictionary(d => d.Code);
        categories = (await Org.ListCategoriesAsync()).ToDictionary(c => c.ServiceCode);
        districts = (await Org.ListDistrictsAsync()).ToDictionary(d => d.Adcode);
        streets = (await Org.ListStreetUnitsAsync()).ToDictionary(s => s.Code);

        if (departmentCode is null)
            denied = L["Dept.NoDepartment"];
        else
        {
            // The access check runs once here, so a denial answers 403 while prerendering; the grid loads its pages itself.
            await LoadAsync(new InboxQuery(Limit: 1), CancellationToken.None);
            live = new Coalescer(ReloadAsync, ReloadSettle, ReloadInterval, TimeProvider);
            subscription = Bus.Subscribe(OnEvents);
        }
        ready = true;

        // During the first (server-rendered) response the status code still tells the truth to HTTP clients.
        if (denied is not null && HttpContext is { Response.HasStarted: false } http)
            http.Response.StatusCode = StatusCodes.Status403Forbidden;
    }

    private async Task<GridData<InboxItem>> LoadPageAsync(GridState<InboxItem> state, CancellationToken ct)
    {
        var sort = state.SortDefinitions.FirstOrDefault(d => InboxQuery.InboxSorts.Contains(d.SortBy));
        var page = await LoadAsync(new InboxQuery(includeFinished, state.Page * state.PageSize, state.PageSize, sort?.SortBy, sort?.Descending ?? false), ct);
        if (page is not null && updatedAt is { } at) status?.Show(page, at);
        else StateHasChanged();
        return new GridData<InboxItem> { Items = page?.Items ?? [], TotalItems = page?.Total ?? 0 };
    }

    private async Task<InboxPage?> LoadAsync(InboxQuery query, CancellationToken ct)
    {
        if (departmentCode is null || denied is not null) return null;
        try
        {
            summary = await Incidents.ListInboxAsync(scope, departmentCode, query, ct);
            updatedAt = Clock.UtcNow;
            return summary;
        }
        catch (AccessDeniedException)
        {
            summary = null;
            denied = L["Dept.Denied"];
            return null;
        }
    }

    /// <summary>Runs on the bus's loop: only signals; the reload happens on the circuit's dispatcher.</summary>
    private void OnEvents(IReadOnlyList<BusEvent> events)
    {
        if (events.Any(e => e.Kind.StartsWith(IncidentKinds, StringComparison.Ordinal))) live?.Signal();
    }

    /// <summary>Reloads the current page. Open dialogs are separate components and keep what the user typed.</summary>
    private Task ReloadAsync() => InvokeAsync(culture.Wrap(async () =>
    {
        try
        {
            if (grid is not null) await grid.ReloadServerData();
        }
        catch (Exception e) when (e is not ObjectDisposedException)
        {
            await DispatchExceptionAsync(e);
        }
    }));

    private async Task ToggleFinishedAsync(bool value)
    {
        includeFinished = value;
        if (grid is null) return;
        if (grid.CurrentPage > 0) grid.NavigateTo(Page.First);
        else await grid.ReloadServerData();
    }

    private async Task AcceptAsync(InboxItem item)
    {
        busy = true;
        try
        {
            if (await TryAsync(() => Incidents.AcceptAsync(scope, actor, item.AssignmentId)))
                Snackbar.Add(L["Inbox.Accepted", item.IncidentId], Severity.Success);
            await ReloadAsync();
        }
        finally
        {
            busy = false;
        }
    }

    private async Task ReturnAsync(InboxItem item)
    {
        var parameters = new DialogParameters<ReturnDialog>
        {
            { d => d.Item, item }, { d => d.Scope, scope }, { d => d.Actor, actor }, { d => d.CategoryName, CategoryName(item.ServiceCode) },
        };
        if (await ResultAsync<ReturnDialog>(L["Return.Title", item.IncidentId], parameters))
            Snackbar.Add(L["Inbox.Returned", item.IncidentId], Severity.Success);
        // Whatever the dialog's outcome, someone else may have moved the assignment on meanwhile.
        await ReloadAsync();
    }

    private async Task ResolveAsync(InboxItem item)
    {
        var parameters = new DialogParameters<ResolveDialog>
        {
            { d => d.Item, item }, { d => d.Scope, scope }, { d => d.Actor, actor }, { d => d.CategoryName, CategoryName(item.ServiceCode) },
        };
        if (await ResultAsync<ResolveDialog>(L["Resolve.Title", item.IncidentId], parameters))
            Snackbar.Add(L["Inbox.Resolved", item.IncidentId], Severity.Success);
        await ReloadAsync();
    }

    private async Task<bool> ResultAsync<TDialog>(string title, DialogParameters parameters) where TDialog : IComponent
    {
        var dialog = await Dialogs.ShowAsync<TDialog>(title, parameters, FormOptions);
        return await dialog.Result is { Canceled: false };
    }

    private async Task<bool> TryAsync(Func<Task> action)
    {
        if (await InboxErrors.TryAsync(action, L) is { } error)
        {
            Snackbar.Add(error, Severity.Error);
            return false;
        }
        return true;
    }

    private static bool IsActive(InboxItem item) => item.Status is AssignmentStatus.Pending or AssignmentStatus.Accepted;

    private bool IsOverdue(InboxItem item) => IsActive(item) && item.DueAt <= Clock.UtcNow;

    private string RowClass(InboxItem item, int index) =>
        $"inbox-row inbox-assignment-{item.AssignmentId}" + (IsOverdue(item) ? " inbox-overdue" : "") + (IsActive(item) ? "" : " inbox-finished");

    private static Color StatusColor(AssignmentStatus status) => status switch
    {
        AssignmentStatus.Pending => Color.Warning,
        AssignmentStatus.Accepted => Color.Info,
        AssignmentStatus.Resolved => Color.Success,
        AssignmentStatus.Returned => Color.Error,
        _ => Color.Default,
    };

    private string CategoryName(string serviceCode) =>
        categories.TryGetValue(serviceCode, out var c) ? Cultures.Pick(c.NameZh, c.NameEn) : serviceCode;

    private string DistrictName(string adcode) =>
        districts.TryGetValue(adcode, out var d) ? Cultures.Pick(d.NameZh, d.NameEn) : adcode;

    // Street units have Chinese names only (the city pack carries no English ones).
    private string StreetName(string code) => streets.TryGetValue(code, out var s) ? s.NameZh : code;

    public void Dispose()
    {
        subscription?.Dispose();
        live?.Dispose();
    }

    /// <summary>A time as the city reads it (Asia/Shanghai), whatever the server's zone.</summary>
    private string Time(DateTimeOffset instant) => Clock.ToLocal(instant).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
}
