using System.Globalization;
using CommandCenter.Core.Features.Identity;
using CommandCenter.Core.Features.Intake;
using CommandCenter.Core.Features.Org;
using CommandCenter.Web.Features.Admin.Components;
using CommandCenter.Web.Features.Identity;
using CommandCenter.Web.Resources;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Localization;
using MudBlazor;

namespace CommandCenter.Web.Features.Admin.Pages;

public partial class AdminPage
{
    /// <summary>The actions the filter offers (every action Core writes); anything else is still listed unfiltered.</summary>
    private static readonly string[] AuditActions =
    [
        "user.created", "user.roles-changed", "user.password-reset", "user.disabled", "user.enabled",
        "device.created", "device.revoked", "device.login-succeeded", "device.login-failed",
        "apikey.created", "apikey.feed-changed", "apikey.revoked", "login.succeeded", "login.failed", "login.locked-out", "logout",
    ];

    private static readonly DialogOptions FormOptions = new() { MaxWidth = MaxWidth.Small, FullWidth = true, BackdropClick = false };

    // A secret is gone once this closes: no backdrop click or Escape dismissing it by accident.
    private static readonly DialogOptions SecretOptions = FormOptions with { CloseOnEscapeKey = false };

    [Inject] private IdentityAdminService Admin { get; set; } = default!;
    [Inject] private OrgService Org { get; set; } = default!;
    [Inject] private CityClock Clock { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;
    [Inject] private IStringLocalizer<AdminStrings> L { get; set; } = default!;

    [CascadingParameter] private Task<AuthenticationState>? AuthenticationState { get; set; }

    /// <summary>Only present while prerendering; the interactive circuit has no HttpContext.</summary>
    [CascadingParameter] private HttpContext? HttpContext { get; set; }

    /// <summary>The admin's address for the audit trail, taken from the prerender request and carried into the circuit.</summary>
    [PersistentState] public string? ClientIp { get; set; }

    private Actor actor = Actor.System;
    private long? selfId;
    private bool loaded;

    private IReadOnlyList<AppUser> users = [];
    private IReadOnlyList<WallDevice> devices = [];
    private IReadOnlyList<ApiClient> apiClients = [];
    private IReadOnlyList<AuditEvent> audit = [];
    private string? auditAction;

    private IReadOnlyList<DistrictSummary> districts = [];
    private IReadOnlyList<StreetUnit> streetUnits = [];
    private IReadOnlyList<Department> departments = [];

    protected override async Task OnInitializedAsync()
    {
        ClientIp ??= HttpContext?.Connection.RemoteIpAddress?.ToString();
        if (AuthenticationState is not null)
        {
            var principal = (await AuthenticationState).User;
            actor = principal.ToActor(ClientIp);
            selfId = principal.UserId();
        }
        // Load once, in the circuit (no HttpContext there): loading while prerendering too would show the
        // grids, then a loading bar again when the circuit starts.
        if (HttpContext is not null) return;

        districts = await Org.ListDistrictsAsync();
        streetUnits = await Org.ListStreetUnitsAsync();
        departments = await Org.ListDepartmentsAsync();
        users = await Admin.ListUsersAsync();
        devices = await Admin.ListDevicesAsync();
        apiClients = await Admin.ListApiClientsAsync();
        audit = await Admin.ListAuditAsync(200, auditAction);
        loaded = true;
    }

    private async Task CreateUserAsync()
    {
        var parameters = UserParameters(null);
        if (await ResultAsync<UserDialog>(L["User.Create"], parameters, FormOptions) is AppUser created)
        {
            Snackbar.Add(L["User.CreatedMessage", created.UserName], Severity.Success);
            await ReloadAsync(reloadUsers: true);
        }
    }

    private async Task EditUserAsync(AppUser user)
    {
        if (await ResultAsync<UserDialog>(L["User.EditTitle", user.UserName], UserParameters(user), FormOptions) is not null)
        {
            Snackbar.Add(L["User.SavedMessage", user.UserName], Severity.Success);
            await ReloadAsync(reloadUsers: true);
        }
    }

    private DialogParameters<UserDialog> UserParameters(AppUser? user) => new()
    {
        { d => d.User, user }, { d => d.Actor, actor },
        { d => d.Districts, districts }, { d => d.StreetUnits, streetUnits }, { d => d.Departments, departments },
    };

    private async Task ResetPasswordAsync(AppUser user)
    {
        var parameters = new DialogParameters<PasswordDialog> { { d => d.User, user }, { d => d.Actor, actor } };
        if (await ResultAsync<PasswordDialog>(L["User.ResetPasswordTitle", user.UserName], parameters, FormOptions) is not null)
        {
            Snackbar.Add(L["User.PasswordResetMessage", user.UserName], Severity.Success);
            await ReloadAsync(reloadUsers: true);
        }
    }

    private async Task SetDisabledAsync(AppUser user, bool disabled)
    {
        if (disabled && await ConfirmAsync(L["User.DisableTitle"], L["User.DisableConfirm", user.UserName], L["User.Disable"]) != true) return;
        if (await TryAsync(() => Admin.SetDisabledAsync(actor, user.Id, disabled)))
            Snackbar.Add(L[disabled ? "User.DisabledMessage" : "User.EnabledMessage", user.UserName], Severity.Success);
        await ReloadAsync(reloadUsers: true);
    }

    private async Task CreateDeviceAsync()
    {
        var parameters = new DialogParameters<DeviceDialog> { { d => d.Actor, actor }, { d => d.CreatedBy, selfId } };
        if (await ResultAsync<DeviceDialog>(L["Device.Create"], parameters, FormOptions) is not IssuedSecret<WallDevice> issued) return;
        await ReloadAsync(reloadDevices: true);
        StateHasChanged(); // the new row shows behind the secret
        var link = $"{Navigation.BaseUri}device/signin?token={Uri.EscapeDataString(issued.Secret)}";
        await ShowSecretAsync(L["Device.IssuedTitle", issued.Item.Name], L["Device.IssuedHint"], link);
    }

    private async Task RevokeDeviceAsync(WallDevice device)
    {
        if (await ConfirmAsync(L["Device.RevokeTitle"], L["Device.RevokeConfirm", device.Name], L["Device.Revoke"]) != true) return;
        if (await TryAsync(() => Admin.RevokeDeviceAsync(actor, device.Id)))
            Snackbar.Add(L["Device.RevokedMessage", device.Name], Severity.Success);
        await ReloadAsync(reloadDevices: true);
    }

    private async Task CreateApiClientAsync()
    {
        var parameters = new DialogParameters<ApiClientDialog>
        {
            { d => d.Actor, actor }, { d => d.CreatedBy, selfId }, { d => d.Departments, departments },
        };
        if (await ResultAsync<ApiClientDialog>(L["ApiClient.Create"], parameters, FormOptions) is not IssuedSecret<ApiClient> issued) return;
        await ReloadAsync(reloadApiClients: true);
        StateHasChanged();
        await ShowSecretAsync(L["ApiClient.IssuedTitle", issued.Item.Name], L["ApiClient.IssuedHint"], issued.Secret);
    }

    private async Task EditFeedAsync(ApiClient client)
    {
        var parameters = new DialogParameters<ApiClientDialog>
        {
            { d => d.Actor, actor }, { d => d.Departments, departments }, { d => d.Client, client },
        };
        if (await ResultAsync<ApiClientDialog>(L["ApiClient.EditTitle", client.Name], parameters, FormOptions) is null) return;
        Snackbar.Add(L["ApiClient.SavedMessage", client.Name], Severity.Success);
        await ReloadAsync(reloadApiClients: true);
    }

    private FeedStatus Freshness(ApiClient client) => FeedFreshness.Of(client.ExpectedCadence, client.LastReceivedAt, Clock.UtcNow);

    private async Task RevokeApiClientAsync(ApiClient client)
    {
        if (await ConfirmAsync(L["ApiClient.RevokeTitle"], L["ApiClient.RevokeConfirm", client.Name], L["ApiClient.Revoke"]) != true) return;
        if (await TryAsync(() => Admin.RevokeApiClientAsync(actor, client.Id)))
            Snackbar.Add(L["ApiClient.RevokedMessage", client.Name], Severity.Success);
        await ReloadAsync(reloadApiClients: true);
    }

    private async Task FilterAuditAsync(string? action)
    {
        auditAction = action;
        await LoadAuditAsync();
    }

    private async Task LoadAuditAsync() => audit = await Admin.ListAuditAsync(200, auditAction);

    /// <summary>Reloads what changed, and the audit trail, which every change writes to.</summary>
    private async Task ReloadAsync(bool reloadUsers = false, bool reloadDevices = false, bool reloadApiClients = false)
    {
        if (reloadUsers) users = await Admin.ListUsersAsync();
        if (reloadDevices) devices = await Admin.ListDevicesAsync();
        if (reloadApiClients) apiClients = await Admin.ListApiClientsAsync();
        await LoadAuditAsync();
    }

    private async Task ShowSecretAsync(string title, string hint, string secret)
    {
        var parameters = new DialogParameters<SecretDialog> { { d => d.Secret, secret }, { d => d.Hint, hint } };
        var dialog = await Dialogs.ShowAsync<SecretDialog>(title, parameters, SecretOptions);
        await dialog.Result;
    }

    private async Task<object?> ResultAsync<TDialog>(string title, DialogParameters parameters, DialogOptions options) where TDialog : IComponent
    {
        var dialog = await Dialogs.ShowAsync<TDialog>(title, parameters, options);
        return await dialog.Result is { Canceled: false } result ? result.Data : null;
    }

    private Task<bool?> ConfirmAsync(string title, string message, string yes) =>
        Dialogs.ShowMessageBoxAsync(title, message, yes, null, L["Common.Cancel"]);

    private async Task<bool> TryAsync(Func<Task> action)
    {
        try
        {
            await action();
            return true;
        }
        catch (IdentityValidationException ex)
        {
            Snackbar.Add(L["Error.Prefix", ex.Message], Severity.Error);
            return false;
        }
    }

    private string RoleName(string role) => L[$"Role.{role}"];

    private IEnumerable<string> ScopeNames(AppUser user)
    {
        if (user.DistrictAdcode is { } adcode)
            yield return districts.FirstOrDefault(d => d.Adcode == adcode) is { } d ? Cultures.Pick(d.NameZh, d.NameEn) : adcode;
        if (user.StreetCode is { } code)
            yield return streetUnits.FirstOrDefault(s => s.Code == code)?.NameZh ?? code;
        if (user.DepartmentCode is { } department)
            yield return DepartmentName(department);
    }

    private string DepartmentName(string code) =>
        departments.FirstOrDefault(d => d.Code == code) is { } d ? Cultures.Pick(d.NameZh, d.NameEn) : code;

    private bool IsLocked(AppUser user) => user.LockedUntil is { } until && until > Clock.UtcNow;

    private string UserStatus(AppUser user) =>
        user.Disabled ? L["User.Disabled"]
        : IsLocked(user) ? L["User.LockedUntil", Time(user.LockedUntil)]
        : L["User.Active"];

    /// <summary>A time as the city reads it (Asia/Shanghai), whatever the server's zone.</summary>
    private string Time(DateTimeOffset? instant, bool seconds = false) =>
        instant is { } t ? Clock.ToLocal(t).ToString(seconds ? "yyyy-MM-dd HH:mm:ss" : "yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) : L["Common.Never"];

    private string? ActionName(string action) => L[$"AuditAction.{action}"].Found();

    private string ActionLabel(string? action) =>
        action is null ? "" : ActionName(action) is { } name ? $"{name} ({action})" : action;
}
